package vn.loalang.systemtests.security;

import vn.loalang.agent.relay.RelayConfig;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import vn.loalang.agent.AgentConfig;
import vn.loalang.controller.server.Controller;
import vn.loalang.controller.server.ControllerConfig;
import vn.loalang.controller.cli.ProvisionCommand;
import vn.loalang.controller.broker.BrokerAccounts;
import vn.loalang.controller.testing.ApiClient;
import vn.loalang.controller.directory.Directory;
import vn.loalang.controller.users.PasswordHasher;
import vn.loalang.protocol.Topics;
import vn.loalang.protocol.tls.BrokerTrust;
import vn.loalang.provisioning.broker.MosquittoPassword;
import vn.loalang.systemtests.support.Closing;
import vn.loalang.systemtests.support.MosquittoBroker;
import vn.loalang.systemtests.support.Ports;
import vn.loalang.systemtests.support.SimulatedStation;
import vn.loalang.systemtests.support.TestCommune;

import javax.net.ssl.SSLSocketFactory;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The production broker locked down as {@code provision init} leaves it, on a real Mosquitto with
 * the generated files: TLS only, no anonymous client, a password and an access list per station,
 * written by the controller as stations are enrolled, rotated, moved and revoked.
 *
 * <p>What a station may not publish is detected without waiting for time to pass: the forbidden
 * message, then a permitted marker, go out on one connection, each acknowledged before the next;
 * a watcher with the controller's account subscribes to the whole tree. Mosquitto handles messages
 * on one thread in the order they come and delivers to one subscriber in that order, so once the
 * marker has arrived, a forbidden message that got through would already have arrived before it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BrokerLockdownTest {
    private static final String ADMIN_PASSWORD = "mat-khau-quan-tri";
    private static final Topics TOPICS = Topics.defaults();

    @TempDir
    static Path dir;
    Path provisioning;
    Path bundles;
    Path adminPasswordFile;
    Path ca;
    String brokerUrl;
    MosquittoBroker mosquitto;
    Controller controller;
    SimulatedStation station;
    MqttClient watcher;
    final Set<String> seen = ConcurrentHashMap.newKeySet();
    final List<MqttClient> clients = new ArrayList<>();

    private static final String RELEASE_KEY = vn.loalang.protocol.signing.Ed25519Keys.publicPem(
            vn.loalang.protocol.signing.Ed25519Keys.generate().getPublic());

    @BeforeAll
    void lockDownAndStart() throws Exception {
        // Mosquitto drops root for its own user: it must be able to walk to its files, as under /etc.
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        provisioning = dir.resolve("provisioning");
        bundles = dir.resolve("bundles");
        int port = Ports.free();
        Path mosquittoDir = dir.resolve("mosquitto-loalang");
        Path confD = dir.resolve("conf.d");
        Path controllerPassword = dir.resolve("controller.mqtt-password");
        assertEquals(0, provision(List.of("init", "--dir", provisioning.toString(), "--broker-hosts", "127.0.0.1",
                "--port", Integer.toString(port), "--listen", "127.0.0.1", "--mosquitto-dir", mosquittoDir.toString(),
                "--mosquitto-conf", confD.resolve("loalang.conf").toString(),
                "--controller-password-file", controllerPassword.toString(), "--commune-name", "Xa Thu Nghiem",
                "--tls-dir", dir.resolve("tls").toString())));
        ca = mosquittoDir.resolve("ca.pem");
        brokerUrl = "ssl://127.0.0.1:" + port;
        mosquitto = MosquittoBroker.startIncluding(dir.resolve("broker"), confD, port);

        adminPasswordFile = dir.resolve("admin.password");
        Files.writeString(adminPasswordFile, ADMIN_PASSWORD);
        String password = Files.readString(controllerPassword).strip();
        // The watcher is a read-only observer, as a monitoring bot would be: the controller's own account is
        // the controller's alone (client ids are user names, so a second login would push the controller off).
        Path accounts = mosquittoDir.resolve("accounts");
        String watcherPassword = MosquittoPassword.newSecret();
        Files.writeString(accounts.resolve("observers"), "watcher:" + MosquittoPassword.hash(watcherPassword) + "\n");
        ControllerConfig config = ControllerConfig.of(TestCommune.write(dir.resolve("commune")), dir.resolve("controller"))
                .withHttp("127.0.0.1", 0, null).withExternalBroker(brokerUrl, "controller", password).withMqttCa(ca)
                .withBrokerAccounts(new BrokerAccounts.Settings(accounts, mosquitto.reloadCommand()));
        // The commune's release key, copied in from the build machine: every bundle from now on carries it.
        Files.createDirectories(dir.resolve("controller/keys/releases"));
        Files.writeString(dir.resolve("controller/keys/releases/release.pub.pem"), RELEASE_KEY);
        controller = Controller.start(config, Clock.systemUTC(), new PasswordHasher(1000), () -> ADMIN_PASSWORD,
                new PrintStream(OutputStream.nullOutputStream()));
        await("the controller connected over TLS with its own account").atMost(Duration.ofSeconds(20))
                .until(controller::connected);

        watcher = connect("watcher", "watcher", watcherPassword);
        watcher.subscribe(TOPICS.root() + "/#", 1, (topic, message) ->
                seen.add(topic + " " + new String(message.getPayload(), StandardCharsets.UTF_8)));
    }

    @AfterAll
    void stop() throws Exception {
        for (MqttClient c : clients) {
            if (c.isConnected()) {
                c.disconnectForcibly(1000);
            }
            c.close();
        }
        Closing.inOrder(station, controller, mosquitto);
    }

    @Test
    @Order(1)
    void aStationFromItsBundleConnectsOverTlsWithItsOwnPasswordAndPlaysItsSchedule() throws Exception {
        assertEquals(0, provision(List.of("station", "--user", "admin", "--station", "thon-dong-1", "--village",
                "thon-dong", "--relays", "amp:17,amp2:27:active-low", "--audio-device", "USB Audio", "--out", bundles.toString())));
        Path bundle = bundles.resolve("loalang-station-thon-dong-1");
        assertTrue(Files.isRegularFile(bundles.resolve("loalang-station-thon-dong-1.tar.gz")));
        for (String f : List.of("station.json", "ca.pem", "controller-signing.pub.pem", "install.sh", "loalang-agent.service")) {
            assertTrue(Files.isRegularFile(bundle.resolve(f)), f + " is in the bundle");
        }
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(bundle.resolve("station.json"))),
                "the station's password is readable by its owner only");

        AgentConfig config = AgentConfig.read(bundle.resolve("station.json")).withDataDir(dir.resolve("station-data"));
        assertEquals(brokerUrl, config.brokerUrl());
        assertEquals(bundle.resolve("ca.pem").toAbsolutePath(), config.caFile());
        assertEquals(List.of(17, 27), config.gpio().relays().stream().map(RelayConfig::pin).toList());
        assertTrue(config.gpio().relays().get(1).activeLow());
        assertEquals(java.util.Set.of("release"), vn.loalang.agent.update.UpdateConfig.read(bundle.resolve("station.json"))
                .publicKeys().keySet(), "the bundle carries the commune's release key: the station can verify an update");
        // The Pi's sound card and pins stand in: WAV files and Pi4J's mock provider, the bundle's relay map.
        station = new SimulatedStation(config, Clock.systemUTC())
                .start(new vn.loalang.agent.audio.WavFileSink(dir.resolve("rendered"), Clock.systemUTC()));
        await("the station connected over TLS and holds the commune's schedule").atMost(Duration.ofSeconds(30))
                .until(() -> station.agent().schedule().isPresent());
        // One connection per station (client ids are user names): the agent steps aside for the probes below,
        // which log in with its password as a thief would.
        station.close();
        station = null;

        String stationPassword = config.password();
        MqttException wrong = assertThrows(MqttException.class, () -> connect("guess", "thon-dong-1", "not-its-password"));
        assertEquals(MqttException.REASON_CODE_NOT_AUTHORIZED, wrong.getReasonCode(), wrong.toString());
        MqttException anonymous = assertThrows(MqttException.class, () -> connect("anonymous", null, null));
        assertEquals(MqttException.REASON_CODE_NOT_AUTHORIZED, anonymous.getReasonCode(), anonymous.toString());
        // No plain-text MQTT on the port: a client that does not speak TLS gets no CONNACK at all.
        MqttClient plain = new MqttClient(brokerUrl.replace("ssl://", "tcp://"), "plain", new MemoryPersistence());
        clients.add(plain);
        assertThrows(MqttException.class, () -> plain.connect(options("thon-dong-1", stationPassword)));
        // A station trusts the commune's CA only: a broker with a certificate from any other CA is refused.
        Path otherCa = dir.resolve("other-ca");
        vn.loalang.provisioning.tls.CertificateAuthority.loadOrCreate(otherCa, "elsewhere");
        MqttClient fooled = new MqttClient(brokerUrl, "fooled", new MemoryPersistence());
        clients.add(fooled);
        MqttConnectOptions trustsOther = options("thon-dong-1", stationPassword);
        trustsOther.setSocketFactory(BrokerTrust.socketFactory(otherCa.resolve("ca.pem")));
        MqttException untrusted = assertThrows(MqttException.class, () -> fooled.connect(trustsOther));
        assertTrue(untrusted.getCause() instanceof javax.net.ssl.SSLHandshakeException, untrusted.toString());
        // And the broker's name is checked: its certificate names 127.0.0.1, not "localhost", though both lead here.
        MqttClient misnamed = new MqttClient(brokerUrl.replace("127.0.0.1", "localhost"), "misnamed", new MemoryPersistence());
        clients.add(misnamed);
        MqttException wrongName = assertThrows(MqttException.class, () -> misnamed.connect(options("thon-dong-1", stationPassword)));
        assertTrue(wrongName.getCause() instanceof javax.net.ssl.SSLHandshakeException, wrongName.toString());
        // The controller itself holds its connection: a station logging in under the controller's client id
        // gets its own user name as client id instead, and the controller stays connected.
        seen.removeIf(m -> m.startsWith(TOPICS.root() + "/controller/state "));
        MqttClient impostor = new MqttClient(brokerUrl, "loalang-controller-xa-thu-nghiem", new MemoryPersistence());
        clients.add(impostor);
        impostor.connect(options("thon-dong-1", stationPassword));
        // Were the controller's connection taken over, its Last Will (OFFLINE) would reach the watcher before this.
        String beat = "marker-" + UUID.randomUUID();
        impostor.publish(TOPICS.telemetry("thon-dong-1"), beat.getBytes(StandardCharsets.UTF_8), 1, false);
        await("the impostor's marker seen").atMost(Duration.ofSeconds(10))
                .until(() -> seen.contains(TOPICS.telemetry("thon-dong-1") + " " + beat));
        assertEquals(List.of(), seen.stream().filter(m -> m.startsWith(TOPICS.root() + "/controller/state ")).toList(),
                "the controller was not pushed off the broker");
        assertTrue(controller.connected());
    }

    @Test
    @Order(2)
    void aStationCannotHearOtherStationsNorSpeakForThemNorRaiseAnAlarm() throws Exception {
        String password = bundledPassword("thon-dong-1");
        // Mosquitto's acl_file grants every subscription and checks read access on each message it would
        // deliver (a broker that answers SUBACK 0x80 refuses earlier; the outcome is the same). One
        // SUBSCRIBE with the forbidden filters first and the station's own schedule last: the retained
        // messages come back in that order, so once its own schedule has arrived, any other would have.
        Set<String> heard = ConcurrentHashMap.newKeySet();
        MqttClient thief = connect("stolen-pi", "thon-dong-1", password);
        String ownSchedule = TOPICS.schedule("thon-dong-1");
        String[] filters = {TOPICS.schedule("thon-tay-1"), TOPICS.root() + "/station/+/schedule",
                TOPICS.zoneAlerts("thon-tay"), TOPICS.health("thon-dong-1"), TOPICS.root() + "/#", ownSchedule};
        thief.subscribe(filters, new int[]{1, 1, 1, 1, 1, 1}, java.util.Collections.nCopies(filters.length,
                (org.eclipse.paho.client.mqttv3.IMqttMessageListener) (t, m) -> heard.add(t)).toArray(
                org.eclipse.paho.client.mqttv3.IMqttMessageListener[]::new));
        await("its own schedule heard").atMost(Duration.ofSeconds(10)).until(() -> heard.contains(ownSchedule));
        // Live messages too: the controller writes to another station, another village and a health topic,
        // then to its own presence topic, which every station may read.
        String liveMarker = "{\"presence\":\"MARKER-" + UUID.randomUUID() + "\"}";
        for (String other : List.of(TOPICS.command("thon-tay-1"), TOPICS.zoneAlert("thon-tay", "probe-other-village"),
                TOPICS.root() + "/health/thon-dong-1")) {
            controller.link().publish(other, "not for thon-dong-1".getBytes(StandardCharsets.UTF_8), false);
        }
        thief.subscribe(TOPICS.root() + "/controller/state", 1, (t, m) -> heard.add(t + " " + new String(m.getPayload(), StandardCharsets.UTF_8)));
        controller.link().publish(TOPICS.root() + "/controller/state", liveMarker.getBytes(StandardCharsets.UTF_8), false);
        await("the live marker heard").atMost(Duration.ofSeconds(10))
                .until(() -> heard.contains(TOPICS.root() + "/controller/state " + liveMarker));
        assertEquals(Set.of(ownSchedule, TOPICS.root() + "/controller/state"),
                heard.stream().map(h -> h.split(" ")[0]).collect(java.util.stream.Collectors.toSet()),
                "the station heard its own schedule and the controller's presence, nothing else");

        String forged = "forged-" + UUID.randomUUID();
        List<String> forbidden = List.of(TOPICS.state("thon-tay-1"), TOPICS.event("thon-tay-1"),
                TOPICS.telemetry("thon-tay-1"), TOPICS.schedule("thon-tay-1"), TOPICS.schedule("thon-dong-1"),
                TOPICS.command("thon-dong-1"), TOPICS.zoneAlert("thon-dong", "alert-" + forged.substring(7, 15)),
                TOPICS.health("thon-tay-1"), TOPICS.root() + "/controller/state");
        for (String topic : forbidden) {
            thief.publish(topic, forged.getBytes(StandardCharsets.UTF_8), 1, false);
        }
        String marker = "marker-" + UUID.randomUUID();
        thief.publish(TOPICS.telemetry("thon-dong-1"), marker.getBytes(StandardCharsets.UTF_8), 1, false);
        await("the permitted marker reached the watcher").atMost(Duration.ofSeconds(10))
                .until(() -> seen.contains(TOPICS.telemetry("thon-dong-1") + " " + marker));
        assertEquals(List.of(), seen.stream().filter(s -> s.endsWith(forged)).toList(),
                "nothing the station may not write got through");
    }

    @Test
    @Order(3)
    void aStationMovedToAnotherVillageHearsTheNewVillagesAlertsOnly() throws Exception {
        String password = bundledPassword("thon-dong-1");
        AgentConfig config = AgentConfig.read(bundles.resolve("loalang-station-thon-dong-1/station.json"))
                .withDataDir(dir.resolve("station-data"));
        station = new SimulatedStation(config, Clock.systemUTC())
                .start(new vn.loalang.agent.audio.WavFileSink(dir.resolve("rendered"), Clock.systemUTC()));
        controller.directory().updateStation("admin", "thon-dong-1",
                new Directory.StationEdit(null, "thon-tay", null, null, null, null));
        await("the agent follows its new village's alerts").atMost(Duration.ofSeconds(20))
                .until(() -> station.agent().schedule().map(s -> s.zone()).orElse("").equals("thon-tay"));
        station.close();
        station = null;

        // The controller rewrote the access list and the broker reloaded it. Each round: the old village's
        // probe first, the new one's last, so once the new one is heard the old one would have been.
        Set<String> heard = ConcurrentHashMap.newKeySet();
        MqttClient c = connect("moved", "thon-dong-1", password);
        c.subscribe(TOPICS.root() + "/zone/+/alert/+", 1, (t, m) -> heard.add(t));
        String west = TOPICS.zoneAlert("thon-tay", "probe-west");
        String east = TOPICS.zoneAlert("thon-dong", "probe-east");
        await("the new village's probe heard").atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(200)).until(() -> {
                    controller.link().publish(east, "probe".getBytes(StandardCharsets.UTF_8), false);
                    controller.link().publish(west, "probe".getBytes(StandardCharsets.UTF_8), false);
                    return heard.contains(west);
                });
        assertEquals(Set.of(west), heard, "the old village's alerts are no longer its to hear");
    }

    @Test
    @Order(4)
    void aRotatedPasswordWorksAndTheOldOneNoLonger() throws Exception {
        assertEquals(0, provision(List.of("station", "--user", "admin", "--station", "thon-tay-1", "--village",
                "thon-tay", "--audio-device", "USB Audio", "--out", bundles.toString())));
        Path config = bundles.resolve("loalang-station-thon-tay-1/station.json");
        String old = AgentConfig.read(config).password();
        MqttClient before = connect("tay-before", "thon-tay-1", old);

        assertEquals(0, provision(List.of("rotate", "--user", "admin", "--station", "thon-tay-1", "--out", bundles.toString())));
        String fresh = AgentConfig.read(config).password();
        assertFalse(fresh.equals(old), "the new bundle holds a new password");
        // First, with no other login under this name (one would push it off): Mosquitto checks the clients
        // already connected against the reloaded passwd and closes the old password's connection itself.
        await("the connection made with the old password closed by the broker").atMost(Duration.ofSeconds(10))
                .until(() -> !before.isConnected());
        MqttException e = assertThrows(MqttException.class, () -> connect("tay-old", "thon-tay-1", old));
        assertEquals(MqttException.REASON_CODE_NOT_AUTHORIZED, e.getReasonCode());
        assertTrue(connect("tay-new", "thon-tay-1", fresh).isConnected(), "the new password accepted");
        assertEquals(1, provision(List.of("station", "--user", "admin", "--station", "thon-tay-1", "--village",
                "thon-tay", "--audio-device", "USB Audio", "--out", bundles.toString())), "enrolling twice is refused: rotate is the way");
    }

    @Test
    @Order(5)
    void aTechnicianEnrolsAndRevokesAStationThatOnlyAnAdministratorRemoves() throws Exception {
        Path technicianPassword = dir.resolve("ky-thuat.password");
        Files.writeString(technicianPassword, "mat-khau-ky-thuat");
        ApiClient api = new ApiClient(controller.contentPort());
        ApiClient.Answer created = api.call("POST", "/api/users", api.login("admin", ADMIN_PASSWORD), java.util.Map.of(
                "username", "ky.thuat", "displayName", "Anh Tư", "role", "TECHNICIAN", "password", "mat-khau-ky-thuat"));
        assertEquals(201, created.status(), String.valueOf(created.json()));
        List<String> asTechnician = List.of("--user", "ky.thuat", "--password-file", technicianPassword.toString());
        List<String> enrol = new ArrayList<>(List.of("station", "--station", "thon-tay-2", "--village", "thon-tay",
                "--audio-device", "USB Audio", "--out", bundles.toString()));
        enrol.addAll(asTechnician);
        assertEquals(0, provision(enrol));
        String password = bundledPassword("thon-tay-2");
        MqttClient before = connect("tay-2", "thon-tay-2", password);

        List<String> revoke = new ArrayList<>(List.of("revoke", "--station", "thon-tay-2"));
        revoke.addAll(asTechnician);
        assertEquals(0, provision(revoke), "a technician's revoke takes the password away even if it cannot remove");
        assertTrue(controller.directory().stationIds().contains("thon-tay-2"), "removing is an administrator's");
        await("the technician's revocation closes the station's connection").atMost(Duration.ofSeconds(10))
                .until(() -> !before.isConnected());
        MqttException e = assertThrows(MqttException.class, () -> connect("tay-2-again", "thon-tay-2", password));
        assertEquals(MqttException.REASON_CODE_NOT_AUTHORIZED, e.getReasonCode());

        List<String> wrongVillage = new ArrayList<>(List.of("station", "--station", "thon-tay-2", "--village", "thon-dong",
                "--audio-device", "USB Audio", "--out", bundles.toString()));
        wrongVillage.addAll(asTechnician);
        assertEquals(1, provision(wrongVillage), "a bundle for a village the directory does not put the station in is refused");
    }

    @Test
    @Order(6)
    void aRevokedStationIsRefusedAndFallsSilentAtOnce() throws Exception {
        String password = bundledPassword("thon-tay-1");
        MqttClient stillConnected = connect("tay-connected", "thon-tay-1", password);

        assertEquals(0, provision(List.of("revoke", "--user", "admin", "--station", "thon-tay-1")));
        assertFalse(controller.directory().stationIds().contains("thon-tay-1"), "decommissioned: out of the directory");
        // First, with no other login under this name: the broker itself closes the stolen Pi's open connection.
        await("the revoked station's open connection closed by the broker").atMost(Duration.ofSeconds(10))
                .until(() -> !stillConnected.isConnected());
        MqttException e = assertThrows(MqttException.class, () -> connect("tay-revoked", "thon-tay-1", password));
        assertEquals(MqttException.REASON_CODE_NOT_AUTHORIZED, e.getReasonCode());
    }

    /** The password in the station's bundle, as the Pi would read it. */
    private String bundledPassword(String station) throws IOException {
        return AgentConfig.read(bundles.resolve("loalang-station-" + station + "/station.json")).password();
    }

    private MqttClient connect(String clientId, String user, String password) throws MqttException, IOException {
        MqttClient c = new MqttClient(brokerUrl, clientId, new MemoryPersistence());
        clients.add(c);
        c.setTimeToWait(10_000);
        c.connect(options(user, password));
        return c;
    }

    private MqttConnectOptions options(String user, String password) throws IOException {
        MqttConnectOptions o = new MqttConnectOptions();
        o.setCleanSession(true);
        o.setConnectionTimeout(10);
        o.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
        SSLSocketFactory tls = BrokerTrust.socketFactory(ca);
        o.setSocketFactory(tls);
        if (user != null) {
            o.setUserName(user);
            o.setPassword(password.toCharArray());
        }
        return o;
    }

    private int provision(List<String> args) throws IOException {
        List<String> all = new ArrayList<>(args);
        if (!args.get(0).equals("init")) {
            all.addAll(List.of("--url", "http://127.0.0.1:" + controller.contentPort(), "--dir", provisioning.toString()));
            if (!args.contains("--password-file")) {
                all.addAll(List.of("--password-file", adminPasswordFile.toString()));
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code = ProvisionCommand.run(all.toArray(String[]::new), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(out, true, StandardCharsets.UTF_8));
        System.out.println("provision " + String.join(" ", args) + " → " + code + "\n" + out.toString(StandardCharsets.UTF_8));
        return code;
    }
}
