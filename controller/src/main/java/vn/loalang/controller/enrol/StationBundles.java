package vn.loalang.controller.enrol;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import vn.loalang.controller.audit.AuditLog;
import vn.loalang.controller.broker.BrokerAccounts;
import vn.loalang.controller.change.ChangeException;
import vn.loalang.controller.change.ChangeException.Kind;
import vn.loalang.controller.directory.Commune;
import vn.loalang.controller.store.Store;
import vn.loalang.protocol.Json;
import vn.loalang.protocol.MalformedMessageException;
import vn.loalang.provisioning.bundle.StationBundle;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * A station's bundle made by the controller itself, for the console: the same archive as
 * {@code provision station} ({@link StationBundle}), with a password issued (first) or rotated through
 * {@link BrokerAccounts#issue} (audited there). The Pi's hardware (relay pins, sound card) is kept per
 * station, never with a password, so that a rotation makes the same bundle again with one click.
 */
public final class StationBundles {
    private static final Logger log = LoggerFactory.getLogger(StationBundles.class);

    /**
     * How stations reach the broker, as far as the controller's own options tell.
     *
     * @param scheme       {@code tcp} or {@code ssl}
     * @param host         the address stations connect to; null: the one the console was opened at (a Pi on the
     *                     same network reaches the commune server by the same address as the office laptop)
     * @param caFile       the broker's CA certificate, put into the bundle for {@code ssl}; null for {@code tcp}
     * @param loopbackOnly the broker listens on this machine's loopback only: no Pi could ever connect
     */
    public record BrokerReach(String scheme, String host, int port, Path caFile, boolean loopbackOnly) {
        public BrokerReach {
            Objects.requireNonNull(scheme, "scheme");
        }

        /**
         * The controller's embedded broker (clear MQTT, no CA, plan 18 §4 item 10) listening on {@code mqttHost}.
         * Stations are told the public URL's host when there is one, else the broker's own address when it
         * names one, else the console's. A broker on loopback is reachable there only: the bundle says so
         * (a station on this machine, a demo) and the console warns that no Pi can connect.
         */
        public static BrokerReach embedded(String mqttHost, int mqttPort, URI publicUrl) {
            boolean loopback = isLoopback(mqttHost);
            String host = loopback ? mqttHost : publicUrl != null && publicUrl.getHost() != null ? publicUrl.getHost()
                    : isWildcard(mqttHost) ? null : mqttHost;
            return new BrokerReach("tcp", host, mqttPort, null, loopback);
        }

        /** An external Mosquitto ({@code --broker}) the controller reaches at {@code brokerUrl}, typically its loopback. */
        public static BrokerReach external(String brokerUrl, Path mqttCa, URI publicUrl) {
            URI broker;
            try {
                broker = URI.create(brokerUrl);
            } catch (IllegalArgumentException e) {
                // The link reports a bad --broker itself; bundles then know only the public URL or the console's host.
                broker = URI.create("tcp://127.0.0.1");
            }
            boolean tls = "ssl".equalsIgnoreCase(broker.getScheme());
            String host = publicUrl != null && publicUrl.getHost() != null ? publicUrl.getHost()
                    : isLoopback(broker.getHost()) ? null : broker.getHost();
            int port = broker.getPort() > 0 ? broker.getPort() : tls ? 8883 : 1883;
            return new BrokerReach(tls ? "ssl" : "tcp", host, port, tls ? mqttCa : null, false);
        }

        /** The URL a station is given; {@code consoleHost} is the host the console was opened at. */
        public Optional<String> urlFor(String consoleHost) {
            String h = host != null ? host : isLoopback(consoleHost) ? null : consoleHost;
            if (h == null) {
                return Optional.empty();
            }
            return Optional.of(scheme + "://" + (h.contains(":") && !h.startsWith("[") ? "[" + h + "]" : h) + ":" + port);
        }

        private static boolean isWildcard(String host) {
            return host == null || host.isBlank() || host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]");
        }

        static boolean isLoopback(String host) {
            if (host == null || host.isBlank()) {
                return false;
            }
            if (host.equalsIgnoreCase("localhost")) {
                return true;
            }
            if (!host.matches("[0-9.]+|\\[?[0-9a-fA-F:]+]?")) {
                return false; // a name: never looked up here
            }
            try {
                return InetAddress.getByName(host.replace("[", "").replace("]", "")).isLoopbackAddress();
            } catch (UnknownHostException e) {
                return false;
            }
        }
    }

    /** What every bundle trusts: the topic root, the controller's signing key, the commune's release keys. */
    public record Trust(String topicRoot, String signingKeyId, String signingPublicKeyPem,
                        Supplier<Map<String, String>> releaseKeys) {
        public Trust {
            releaseKeys = releaseKeys == null ? Map::of : releaseKeys;
        }
    }

    /**
     * The technician's choice for this Pi; either left out keeps what the station's last bundle had.
     *
     * @param relays like {@code amp:17,aux:27:active-low}
     */
    public record Request(String audioDevice, String relays) {
    }

    /** A bundle made: the archive to send, then {@link #close} to delete it (it holds the password). */
    public record Made(Path archive, String stationId, int generation, String brokerUrl, boolean loopbackOnly,
                       boolean withAgentJar, Path workDir) implements AutoCloseable {
        public String fileName() {
            return archive.getFileName().toString();
        }

        @Override
        public void close() {
            deleteTree(workDir);
        }
    }

    private final Store store;
    private final AuditLog audit;
    private final Clock clock;
    private final Supplier<Commune> commune;
    private final BrokerAccounts accounts;
    private final Trust trust;
    private final BrokerReach reach;
    private final Path agentJar;
    private final Path workDir;

    /**
     * @param accounts the stations' broker accounts; null: this controller keeps none, and makes no bundle
     * @param agentJar the agent jar to put in each bundle; null or missing: the bundle says to give install.sh --jar
     * @param workDir  where bundles are packed for the moment they are sent; emptied now (a crash's leftovers hold passwords)
     */
    public StationBundles(Store store, AuditLog audit, Clock clock, Supplier<Commune> commune, BrokerAccounts accounts,
                          Trust trust, BrokerReach reach, Path agentJar, Path workDir) throws IOException {
        this.store = store;
        this.audit = audit;
        this.clock = clock;
        this.commune = commune;
        this.accounts = accounts;
        this.trust = trust;
        this.reach = reach;
        this.agentJar = agentJar;
        this.workDir = workDir;
        deleteTree(workDir);
        Files.createDirectories(workDir);
        Files.setPosixFilePermissions(workDir, PosixFilePermissions.fromString("rwx------"));
    }

    /** The agent jar a bundle carries by default: the installed one, else the one a build left in the source tree. */
    public static Path defaultAgentJar() {
        for (Path p : List.of(Path.of("/opt/loalang/loalang-station-agent.jar"),
                Path.of("station-agent/target/loalang-station-agent.jar"))) {
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        return null;
    }

    public BrokerReach reach() {
        return reach;
    }

    /** What the station's last bundle was made for, if one was made here. */
    public Optional<StationBundle.Hardware> hardware(String stationId) {
        return store.query(c -> hardware(c, stationId));
    }

    /**
     * Issues (or rotates) the station's password and packs its bundle. Everything that can be refused is
     * checked before the password is issued: a rotation cuts the station off until its new bundle is installed.
     *
     * @param consoleHost the host the console was opened at, for a broker reach that names none
     */
    public Made make(String actor, String stationId, Request request, String consoleHost) throws IOException {
        if (accounts == null) {
            throw new ChangeException(Kind.CONFLICT, null, "Máy chủ này không quản lý tài khoản MQTT / this controller "
                    + "keeps no broker accounts: run it with --broker-accounts DIR (see docs/deployment.md)");
        }
        Commune.Station station = commune.get().stations().stream().filter(s -> s.id().equals(stationId)).findFirst()
                .orElseThrow(() -> new ChangeException(Kind.NOT_FOUND, "station", "Không có cụm loa " + stationId
                        + " / no station " + stationId + " in the directory: add it first"));
        StationBundle.Hardware hardware = hardwareFor(stationId, request == null ? new Request(null, null) : request);
        String brokerUrl = reach.urlFor(consoleHost).orElseThrow(() -> new ChangeException(Kind.CONFLICT, null,
                "Không biết địa chỉ máy chủ cho trạm / the stations' address of this server is unknown: open the "
                        + "console by the server's network address (not 127.0.0.1), or start it with --public-url"));
        String caPem = null;
        if (reach.caFile() != null) {
            try {
                caPem = Files.readString(reach.caFile());
            } catch (IOException e) {
                throw new ChangeException(Kind.UNAVAILABLE, null, "Không đọc được chứng chỉ CA / cannot read the broker's "
                        + "CA certificate " + reach.caFile() + ": " + e.getMessage());
            }
        }
        Path jar = agentJar != null && Files.isRegularFile(agentJar) ? agentJar : null;
        Path dir = Files.createTempDirectory(workDir, "bundle-" + stationId + "-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        try {
            saveHardware(actor, stationId, hardware);
            BrokerAccounts.Issued issued = accounts.issue(actor, stationId);
            StationBundle.Identity identity = new StationBundle.Identity(stationId, station.village(), brokerUrl,
                    issued.username(), issued.password(), trust.topicRoot(), trust.signingKeyId(),
                    trust.signingPublicKeyPem(), trust.releaseKeys().get());
            Path archive;
            try {
                archive = StationBundle.write(dir, identity, hardware, caPem, jar);
            } catch (IOException e) {
                throw new IOException("station " + stationId + ": generation " + issued.generation()
                        + " was issued but no bundle holds it (" + e.getMessage() + "); make the bundle again", e);
            }
            log.info("Station {} bundle made by {} (generation {}, broker {}, agent jar {})", stationId, actor,
                    issued.generation(), brokerUrl, jar == null ? "not included" : jar);
            return new Made(archive, stationId, issued.generation(), brokerUrl, reach.loopbackOnly(), jar != null, dir);
        } catch (IOException | RuntimeException e) {
            deleteTree(dir);
            throw e;
        }
    }

    /** The request's choices, completed from the station's last bundle; a first bundle must name the sound card. */
    private StationBundle.Hardware hardwareFor(String stationId, Request request) {
        Optional<StationBundle.Hardware> before = hardware(stationId);
        String device = blank(request.audioDevice()) ? before.map(StationBundle.Hardware::audioDevice).orElse(null)
                : request.audioDevice().strip();
        if (device == null) {
            throw new ChangeException(Kind.INVALID, "audioDevice", "Cần tên card âm thanh / audioDevice is required: the "
                    + "sound card the station plays on, by (part of) its name as aplay -l shows it on the Pi, e.g. \"USB Audio\"");
        }
        List<StationBundle.Relay> relays;
        if (blank(request.relays())) {
            relays = before.map(StationBundle.Hardware::relays).orElse(null);
        } else {
            try {
                relays = Arrays.stream(request.relays().split(",")).map(String::strip).filter(s -> !s.isEmpty())
                        .map(StationBundle.Relay::parse).toList();
            } catch (IllegalArgumentException e) {
                throw new ChangeException(Kind.INVALID, "relays", "Relay không hợp lệ / " + e.getMessage());
            }
        }
        return new StationBundle.Hardware(relays, device);
    }

    private void saveHardware(String actor, String stationId, StationBundle.Hardware hardware) {
        store.transaction(c -> {
            StationBundle.Hardware before = hardware(c, stationId).orElse(null);
            if (hardware.equals(before)) {
                return null;
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO station_hardware (station_id, json, saved_at, "
                    + "saved_by) VALUES (?, ?, ?, ?) ON CONFLICT (station_id) DO UPDATE SET json = excluded.json, "
                    + "saved_at = excluded.saved_at, saved_by = excluded.saved_by")) {
                ps.setString(1, stationId);
                ps.setString(2, new String(Json.write(hardware), StandardCharsets.UTF_8));
                ps.setString(3, clock.instant().toString());
                ps.setString(4, actor);
                ps.executeUpdate();
            }
            audit.record(c, actor, "station.hardware", stationId, before, hardware);
            return null;
        });
    }

    private static Optional<StationBundle.Hardware> hardware(Connection c, String stationId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT json FROM station_hardware WHERE station_id = ?")) {
            ps.setString(1, stationId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                try {
                    return Optional.of(Json.read(rs.getString(1).getBytes(StandardCharsets.UTF_8),
                            StationBundle.Hardware.class));
                } catch (MalformedMessageException e) {
                    log.warn("Station {} hardware record is unreadable ({}); the next bundle must name it again",
                            stationId, e.getMessage());
                    return Optional.empty();
                }
            }
        }
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    private static void deleteTree(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    log.warn("Could not delete {} (a station bundle's file): {}", p, e.getMessage());
                }
            });
        } catch (IOException e) {
            log.warn("Could not clear {} (station bundles): {}", dir, e.getMessage());
        }
    }
}
