package vn.loalang.controller.cli;

import vn.loalang.protocol.files.AtomicFiles;
import com.fasterxml.jackson.databind.JsonNode;
import vn.loalang.protocol.Json;
import vn.loalang.protocol.MalformedMessageException;
import vn.loalang.protocol.config.OptionText;
import vn.loalang.provisioning.broker.BrokerSetup;
import vn.loalang.provisioning.bundle.StationBundle;
import vn.loalang.provisioning.tls.CertificateAuthority;
import vn.loalang.provisioning.tls.WebCertificate;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static vn.loalang.controller.cli.ProvisionOptions.*;

/**
 * {@code loalang-controller provision …}: from a blank Raspberry Pi to a station the controller
 * trusts and that trusts only the controller. {@code init} locks the broker down once (local files,
 * as root); {@code station}, {@code rotate} and {@code revoke} go through the controller's API with
 * the technician's own account, so they are checked and audited like any change, and the broker's
 * files are rewritten by the controller, which also keeps them right when villages change.
 */
public final class ProvisionCommand {
    static final String USAGE = """
            Usage (on the commune server, as root):
              loalang-controller provision init --broker-hosts HOST[,HOST…] [options of init]
              loalang-controller provision station --user NAME --station ID --village VILLAGE --audio-device NAME [options]
              loalang-controller provision rotate --user NAME --station ID [--out DIR] [--agent-jar JAR]
                    [--relays …] [--audio-device NAME]   (only to replace what this server recorded)
              loalang-controller provision revoke --user NAME --station ID [--keep-station yes|no]

            init     the broker's CA and certificate (for every HOST stations use), the controller's own broker
                     account, Mosquitto's TLS listener (no anonymous access, no plain port) and its passwd/acl;
                     and the console's HTTPS certificate from the same CA, for every --web-hosts name, in --tls-dir
            station  adds the station to the directory, issues its own broker password and writes the bundle
                     DIR/loalang-station-ID.tar.gz to copy onto the Pi (then: sudo ./install.sh there)
            rotate   a new password for the station (the old one stops working) and a new bundle
            revoke   decommission: the station can no longer connect and leaves the directory (an administrator;
                     a technician's revoke removes the broker account and leaves the station listed)

            Every command:
            """ + OptionText.commandLine(List.of(ProvisionOptions.DIR)) + """

            Options of init:
            """ + OptionText.commandLine(ProvisionOptions.INIT) + """

            Options of station and rotate (--village and --name: station only):
            """ + OptionText.commandLine(ProvisionOptions.STATION_AND_ROTATE) + """

            Options of revoke (and --station):
            """ + OptionText.commandLine(ProvisionOptions.REVOKE) + """

            Login (station, rotate, revoke):
            """ + OptionText.commandLine(SessionOptions.ALL) + """

            Exit code: 0 done, 1 refused or failed, 2 a mistake on the command line.
            """;

    private ProvisionCommand() {
    }

    public static int run(String[] argv, PrintStream out, PrintStream err) {
        return ApiSession.exitCode("provision", argv, USAGE, out, err, () -> {
            if (argv.length == 0) {
                throw new IllegalArgumentException("say what to do: init, station, rotate or revoke");
            }
            Args a = new Args(Arrays.copyOfRange(argv, 1, argv.length));
            Path dir = a.get(DIR);
            return switch (argv[0]) {
                case "init" -> init(a, dir, out);
                case "station" -> station(a, dir, out, false);
                case "rotate" -> station(a, dir, out, true);
                case "revoke" -> revoke(a, out);
                default -> throw new IllegalArgumentException("unknown provision command '" + argv[0]
                        + "': use init, station, rotate or revoke");
            };
        });
    }

    private static int init(Args a, Path dir, PrintStream out) throws IOException {
        List<String> hosts = ProvisionOptions.hosts(a.get(BROKER_HOSTS));
        List<String> webHosts = a.has(WEB_HOSTS) ? ProvisionOptions.hosts(a.get(WEB_HOSTS)) : hosts;
        Path tlsDir = a.get(TLS_DIR);
        BrokerSetup setup = new BrokerSetup(dir, a.get(MOSQUITTO_DIR), a.get(MOSQUITTO_CONF), hosts, a.get(PORT),
                a.get(LISTEN), a.get(CONTROLLER_USER), a.get(CONTROLLER_PASSWORD_FILE), a.get(TOPIC_ROOT),
                a.get(COMMUNE_NAME), a.get(SYSTEM_USER));
        a.requireAllUsed();
        WebCertificate web = new WebCertificate(tlsDir, webHosts, setup.systemUser());
        BrokerSetup.Record record = setup.apply();
        List<String> webNames = web.apply(CertificateAuthority.loadOrCreate(dir, setup.communeName()));
        out.println("Đã khoá máy chủ MQTT / the broker is locked down:");
        out.println("  stations connect to   " + record.stationBrokerUrl() + " (TLS, each with its own password)");
        out.println("  Mosquitto reads       " + setup.mosquittoConf());
        out.println("  the controller uses   --broker ssl://127.0.0.1:" + setup.port() + " --mqtt-user "
                + record.controllerUser() + " --mqtt-password-file " + setup.controllerPasswordFile()
                + " --mqtt-ca " + setup.mosquittoDir().resolve("ca.pem") + " --broker-accounts " + setup.accountsDir());
        out.println("  the console's HTTPS   --https-port 8443 --tls-cert " + tlsDir.resolve(WebCertificate.CERT)
                + " --tls-key " + tlsDir.resolve(WebCertificate.KEY) + " (for " + String.join(", ", webNames) + ")");
        out.println("  browsers trust it by  " + tlsDir.resolve(CertificateAuthority.CA_CERT)
                + " (install it once on each computer that opens the console)");
        out.println("Tiếp theo / next: systemctl restart mosquitto, then (re)start the controller (docs/deployment.md)");
        return 0;
    }

    private static int station(Args a, Path dir, PrintStream out, boolean rotate)
            throws IOException, InterruptedException, ApiSession.Refused {
        ApiSession.Target target = ApiSession.Target.from(a);
        String station = a.get(STATION);
        String village = rotate ? null : a.get(VILLAGE);
        String name = rotate ? null : a.get(NAME);
        // At a rotation the relays and sound card come from this server's record; given, they replace it
        // (a record lost with a server, a Pi rewired).
        String relays = a.get(RELAYS);
        String audioDevice = a.get(AUDIO_DEVICE);
        Path outDir = a.get(OUT);
        Path jar = a.has(AGENT_JAR) ? a.get(AGENT_JAR) : defaultAgentJar();
        a.requireAllUsed();
        if (!rotate && audioDevice == null) {
            // A bundle without it would be refused by install.sh and by the agent: said here, not on the pole.
            throw new IllegalArgumentException("--audio-device NAME is required: the sound card the station plays on, "
                    + "by (part of) its name as aplay -l shows it on the Pi, e.g. \"USB Audio\" or \"Headphones\"");
        }
        BrokerSetup.Record record = BrokerSetup.Record.read(dir);
        Path hardwareFile = dir.resolve("stations").resolve(station + ".json");
        StationBundle.Hardware hardware = rotate && relays == null && audioDevice == null
                ? readHardware(hardwareFile, station)
                : new StationBundle.Hardware(relays == null ? null : ProvisionOptions.relays(relays), audioDevice);
        // Everything that can fail here fails before a password is issued: none is issued for nobody.
        Files.createDirectories(outDir);
        if (!Files.isWritable(outDir)) {
            throw new IOException("cannot write the bundle into " + outDir.toAbsolutePath() + ": give --out DIR");
        }

        ApiSession api = target.login();
        String path = "/api/stations/" + station;
        if (!rotate) {
            Optional<JsonNode> existing = find(api, station);
            if (existing.isEmpty()) {
                Map<String, Object> body = new LinkedHashMap<>();
                body.put("id", station);
                body.put("name", name);
                body.put("village", village);
                body.put("relayChannels", hardware.relays().size());
                api.call("POST", "/api/stations", body);
                out.println("Đã thêm trạm / station added to the directory: " + station + " (village " + village + ")");
            } else if (!existing.get().path("village").asText().equals(village)) {
                // Its access list follows the directory: a bundle made for another village would hear the wrong alerts.
                throw new ApiSession.Refused("Trạm " + station + " thuộc thôn " + existing.get().path("village").asText()
                        + " / station " + station + " is in village " + existing.get().path("village").asText()
                        + " in the directory, not " + village + ": move it there first (console or PUT " + path + ")");
            }
            if (api.call("GET", path + "/credentials", null).path("generation").asInt() > 0) {
                throw new ApiSession.Refused("Trạm " + station + " đã được cấp / station " + station
                        + " already has broker credentials: use 'provision rotate' for a new bundle");
            }
        } else if (api.call("GET", path + "/credentials", null).path("generation").asInt() == 0) {
            throw new ApiSession.Refused("Trạm " + station + " chưa được cấp / station " + station
                    + " has no broker credentials yet: use 'provision station'");
        }
        Files.createDirectories(hardwareFile.getParent());
        AtomicFiles.writePrivate(hardwareFile, Json.mapper().writeValueAsString(hardware), "rw-------");
        JsonNode c = api.call("POST", path + "/credentials", null);
        StationBundle.Identity identity = new StationBundle.Identity(station, c.path("village").asText(),
                record.stationBrokerUrl(), c.path("username").asText(), c.path("password").asText(),
                c.path("topicRoot").asText(), c.path("signingKeyId").asText(), c.path("signingPublicKey").asText(),
                releaseKeys(c.path("releaseKeys")));
        Path archive;
        try {
            archive = StationBundle.write(outDir, identity, hardware, Files.readString(record.caFile()),
                    jar != null && Files.isRegularFile(jar) ? jar : null);
        } catch (IOException e) {
            throw new IOException(e.getMessage() + ". The password was issued but no bundle holds it: run 'provision"
                    + " rotate --station " + station + "' once this is fixed", e);
        }
        StationBundle.handToSudoUser(archive);
        out.println((rotate ? "Mật khẩu mới / new password" : "Đã cấp / issued") + " for station " + station
                + " (generation " + c.path("generation").asInt() + "). Bundle: " + archive.toAbsolutePath());
        if (identity.releaseKeys().isEmpty()) {
            out.println("  (no release key on the controller: this station will refuse every update until its"
                    + " station.json has update.releaseKeys; see docs/station-install.md)");
        }
        if (jar == null || !Files.isRegularFile(jar)) {
            out.println("  (no agent jar in the bundle: give --agent-jar, or run install.sh there with --jar PATH)");
        }
        out.println("Tiếp theo / next: scp " + archive.getFileName() + " to the Pi, then: tar xzf "
                + archive.getFileName() + " && cd loalang-station-" + station + " && sudo ./install.sh");
        return 0;
    }

    private static int revoke(Args a, PrintStream out) throws IOException, InterruptedException, ApiSession.Refused {
        ApiSession.Target target = ApiSession.Target.from(a);
        String station = a.get(STATION);
        boolean keep = a.get(KEEP_STATION).equals("yes");
        a.requireAllUsed();
        ApiSession api = target.login();
        if (!keep) {
            try {
                // Out of the directory first: the controller sends the station a signed empty schedule while it
                // can still hear it, then removes its account with it (and the broker closes its connection).
                api.call("DELETE", "/api/stations/" + station, null);
                out.println("Đã xoá khỏi danh bạ / removed from the directory: station " + station
                        + " (sent an empty schedule: a station still on its pole falls silent)");
                out.println("Đã thu hồi / revoked: station " + station + " can no longer connect to the broker");
                return 0;
            } catch (ApiSession.Refused e) {
                if (e.status() != 403) {
                    throw e;
                }
                // A technician may revoke but not remove: the stolen password must stop working now regardless.
                out.println("Chỉ quản trị viên xoá được trạm khỏi danh bạ / only an administrator removes a station"
                        + " from the directory: its broker account is revoked now; ask an administrator to remove it");
            }
        }
        api.call("DELETE", "/api/stations/" + station + "/credentials", null);
        out.println("Đã thu hồi / revoked: station " + station + " can no longer connect to the broker");
        return 0;
    }

    /** The commune's release keys as the controller gave them (an older controller gives none). */
    private static Map<String, String> releaseKeys(JsonNode keys) {
        Map<String, String> out = new LinkedHashMap<>();
        keys.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asText()));
        return out;
    }

    private static Optional<JsonNode> find(ApiSession api, String station)
            throws IOException, InterruptedException, ApiSession.Refused {
        for (JsonNode s : api.call("GET", "/api/stations", null)) {
            if (s.path("id").asText().equals(station)) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }

    private static StationBundle.Hardware readHardware(Path file, String station) throws IOException {
        if (!Files.exists(file)) {
            throw new IOException("no record of station " + station + "'s relays in " + file
                    + ": was it provisioned on this server?");
        }
        try {
            return Json.read(Files.readAllBytes(file), StationBundle.Hardware.class);
        } catch (MalformedMessageException e) {
            throw new IOException(file + " is damaged: " + e.getMessage(), e);
        }
    }

    /** The agent jar beside this controller jar ({@code /opt/loalang}), or in the source tree's build. */
    private static Path defaultAgentJar() {
        for (Path p : List.of(Path.of("/opt/loalang/loalang-station-agent.jar"),
                Path.of("station-agent/target/loalang-station-agent.jar"))) {
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        return null;
    }
}
