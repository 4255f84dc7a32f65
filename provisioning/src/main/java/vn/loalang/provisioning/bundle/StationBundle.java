package vn.loalang.provisioning.bundle;

import vn.loalang.protocol.files.AtomicFiles;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import vn.loalang.protocol.Ids;
import vn.loalang.protocol.gpio.RelayPins;
import vn.loalang.protocol.Json;
import vn.loalang.provisioning.Command;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Objects;
import java.time.Duration;

/**
 * Everything a blank Raspberry Pi needs to become one village's station, in one directory
 * {@code loalang-station-ID/} and the same packed as {@code loalang-station-ID.tar.gz}: the agent
 * config with the station's own broker password, the broker's CA certificate, the controller's
 * signing key, the install script, the relays' boot-time tool, the systemd unit and (when built) the agent jar.
 */
public final class StationBundle {
    public static final String CONFIG = "station.json";
    public static final String CA = "ca.pem";
    public static final String SIGNING_KEY = "controller-signing.pub.pem";
    public static final String INSTALL = "install.sh";
    public static final String UNIT = "loalang-agent.service";
    /** Keeps the relays OFF from power-on (config.txt) and before and after Java (the unit's pinctrl lines). */
    public static final String RELAYS_TOOL = "loalang-relays";
    /** Picks the agent version before each start and rolls a failed update back (the unit's ExecStartPre). */
    public static final String UPDATE_TOOL = "loalang-update";
    public static final String JAR = "loalang-station-agent.jar";
    /** Where the agent keeps its schedule, cache and play log on the Pi (the unit's StateDirectory). */
    public static final String PI_DATA_DIR = "/var/lib/loalang";

    /** One relay output: BCM pin; active-low boards energise the relay when the pin is LOW. */
    public record Relay(String name, int pin, boolean activeLow) {
        public Relay {
            Objects.requireNonNull(name, "relay name");
            if (!RelayPins.isSafe(pin)) {
                // Refused here, at the server, rather than by the agent on the pole.
                throw new IllegalArgumentException("relay " + name + ": " + RelayPins.whyNot(pin) + "; use "
                        + RelayPins.RULE);
            }
        }

        /** {@code amp:17} or {@code amp:17:active-low}. */
        public static Relay parse(String spec) {
            String[] p = spec.split(":");
            if (p.length < 2 || p.length > 3 || (p.length == 3 && !p[2].equals("active-low"))) {
                throw new IllegalArgumentException("relay '" + spec + "' is not NAME:PIN or NAME:PIN:active-low, e.g. amp:17");
            }
            try {
                return new Relay(p[0], Integer.parseInt(p[1]), p.length == 3);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("relay '" + spec + "': the pin must be a BCM number, e.g. amp:17");
            }
        }
    }

    /**
     * What the technician chose for this Pi; kept on the server (without the password), so that a
     * rotation makes the same bundle again with a new password only.
     *
     * @param audioDevice the JavaSound line to play on, or null for the default sound card
     */
    public record Hardware(List<Relay> relays, String audioDevice) {
        public Hardware {
            relays = relays == null || relays.isEmpty() ? List.of(new Relay("amp", 17, false)) : List.copyOf(relays);
        }
    }

    /**
     * The station's identity and secrets as the controller issued them.
     *
     * @param releaseKeys the commune's release keys (key id → public PEM) whose agent builds the station installs;
     *                    empty when the commune has none (the station then refuses every UPDATE)
     */
    public record Identity(String stationId, String village, String brokerUrl, String username, String password,
                           String topicRoot, String signingKeyId, String signingPublicKeyPem,
                           java.util.Map<String, String> releaseKeys) {
        public Identity {
            Ids.require("station", stationId);
            Objects.requireNonNull(password, "password");
            releaseKeys = releaseKeys == null ? java.util.Map.of() : java.util.Map.copyOf(releaseKeys);
        }

        /** Without release keys. */
        public Identity(String stationId, String village, String brokerUrl, String username, String password,
                        String topicRoot, String signingKeyId, String signingPublicKeyPem) {
            this(stationId, village, brokerUrl, username, password, topicRoot, signingKeyId, signingPublicKeyPem, null);
        }
    }

    private StationBundle() {
    }

    /**
     * Writes the directory and the archive into {@code outDir}; returns the archive.
     *
     * @param caPem the broker's CA certificate, or null for a broker reached in clear ({@code tcp://}, the
     *              controller's embedded broker): the bundle then has no {@code ca.pem} and its config no {@code caFile}
     */
    public static Path write(Path outDir, Identity id, Hardware hw, String caPem, Path agentJar) throws IOException {
        Path dir = outDir.resolve("loalang-station-" + id.stationId());
        Files.createDirectories(dir);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        AtomicFiles.writePrivate(dir.resolve(CONFIG), config(id, hw, caPem != null), "rw-------");
        if (caPem != null) {
            AtomicFiles.writePrivate(dir.resolve(CA), caPem, "rw-r--r--");
        } else {
            Files.deleteIfExists(dir.resolve(CA));
        }
        AtomicFiles.writePrivate(dir.resolve(SIGNING_KEY), id.signingPublicKeyPem(), "rw-r--r--");
        AtomicFiles.writePrivate(dir.resolve(INSTALL), resource("install-station.sh"), "rwxr-xr-x");
        AtomicFiles.writePrivate(dir.resolve(UNIT), resource(UNIT), "rw-r--r--");
        AtomicFiles.writePrivate(dir.resolve(RELAYS_TOOL), resource("loalang-relays.sh"), "rwxr-xr-x");
        AtomicFiles.writePrivate(dir.resolve(UPDATE_TOOL), resource("loalang-update.sh"), "rwxr-xr-x");
        AtomicFiles.writePrivate(dir.resolve("README.txt"), readme(id), "rw-r--r--");
        if (agentJar != null) {
            if (!Files.isRegularFile(agentJar)) {
                throw new IOException("the agent jar " + agentJar + " does not exist: build it with ./loalang build");
            }
            Files.copy(agentJar, dir.resolve(JAR), StandardCopyOption.REPLACE_EXISTING);
        } else {
            Files.deleteIfExists(dir.resolve(JAR));
        }
        Path archive = outDir.resolve(dir.getFileName() + ".tar.gz");
        pack(outDir, dir.getFileName().toString(), archive);
        return archive;
    }

    /** The agent's {@code station.json}: relative {@code caFile}, resolved next to the config on the Pi. */
    static String config(Identity id, Hardware hw) throws IOException {
        return config(id, hw, true);
    }

    /** As {@link #config(Identity, Hardware)}; without {@code caFile} when the broker is reached in clear. */
    static String config(Identity id, Hardware hw, boolean withCa) throws IOException {
        ObjectNode c = Json.mapper().createObjectNode();
        c.put("stationId", id.stationId());
        c.put("brokerUrl", id.brokerUrl());
        c.put("username", id.username());
        c.put("password", id.password());
        if (withCa) {
            c.put("caFile", CA);
        }
        c.put("topicRoot", id.topicRoot());
        c.put("dataDir", PI_DATA_DIR);
        c.putObject("trustedKeys").put(id.signingKeyId(), id.signingPublicKeyPem());
        ObjectNode gpio = c.putObject("gpio");
        gpio.put("provider", "gpiod");
        ArrayNode relays = gpio.putArray("relays");
        for (Relay r : hw.relays()) {
            relays.addObject().put("name", r.name()).put("pin", r.pin()).put("activeLow", r.activeLow());
        }
        ObjectNode audio = c.putObject("audio");
        audio.put("sink", "javasound");
        if (hw.audioDevice() != null) {
            audio.put("device", hw.audioDevice());
        }
        if (!id.releaseKeys().isEmpty()) {
            // Without them the station refuses every UPDATE: a bundle made after the commune got its key carries it.
            ObjectNode keys = c.putObject("update").putObject("releaseKeys");
            new java.util.TreeMap<>(id.releaseKeys()).forEach(keys::put);
        }
        return Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(c) + "\n";
    }

    private static String readme(Identity id) {
        return """
                Loa Làng — trạm %1$s (thôn %2$s) / station %1$s (village %2$s)

                Trên Raspberry Pi / on the Raspberry Pi:
                  tar xzf loalang-station-%1$s.tar.gz
                  cd loalang-station-%1$s
                  sudo ./install.sh

                station.json chứa mật khẩu riêng của trạm: giữ kín, xoá bản sao sau khi cài.
                station.json holds this station's own broker password: keep it private, delete copies once installed.
                """.formatted(id.stationId(), id.village());
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = StationBundle.class.getResourceAsStream("/vn/loalang/provisioning/pi/" + name)) {
            if (in == null) {
                throw new IOException("the provisioning jar lacks " + name + ": it was built wrong");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /**
     * GNU tar, owned by root in the archive: the Pi's files never carry the server's user ids. tar
     * writes into a file already private to its owner, moved into place once whole: the password is
     * never readable by others, not even while it is being packed or when packing fails.
     */
    private static void pack(Path base, String dirName, Path archive) throws IOException {
        Path tmp = Files.createTempFile(base, "." + dirName, ".tar.gz.tmp",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try {
            Command.run(Duration.ofSeconds(60), List.of("tar", "--owner=0", "--group=0", "--numeric-owner", "-czf",
                    tmp.toString(), "-C", base.toString(), dirName));
            Files.move(tmp, archive, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /**
     * Under {@code sudo}, the bundle goes to the technician who ran it ({@code SUDO_UID}), so that
     * they can copy it to the Pi without root; it stays private to them.
     */
    public static void handToSudoUser(Path archive) throws IOException {
        String uid = System.getenv("SUDO_UID");
        String gid = System.getenv("SUDO_GID");
        if (uid == null || gid == null || !uid.matches("\\d+") || !gid.matches("\\d+")) {
            return;
        }
        Path dir = archive.resolveSibling(archive.getFileName().toString().replaceFirst("\\.tar\\.gz$", ""));
        List<Path> all = new java.util.ArrayList<>(List.of(archive));
        if (Files.isDirectory(dir)) {
            try (var files = Files.walk(dir)) {
                files.forEach(all::add);
            }
        }
        for (Path p : all) {
            Files.setAttribute(p, "unix:uid", Integer.parseInt(uid), java.nio.file.LinkOption.NOFOLLOW_LINKS);
            Files.setAttribute(p, "unix:gid", Integer.parseInt(gid), java.nio.file.LinkOption.NOFOLLOW_LINKS);
        }
    }
}
