package vn.loalang.systemtests.security;

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
import vn.loalang.controller.Controller;
import vn.loalang.controller.ControllerConfig;
import vn.loalang.controller.ProvisionCommand;
import vn.loalang.controller.broker.BrokerAccounts;
import vn.loalang.controller.directory.Directory;
import vn.loalang.controller.users.PasswordHasher;
import vn.loalang.protocol.Topics;
import vn.loalang.protocol.tls.BrokerTrust;
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
                "--controller-password-file", controllerPassword.toString(), "--commune-name", "Xa Thu Nghiem")));
        ca = mosquittoDir.resolve("ca.pem");
        brokerUrl = "ssl://127.0.0.1:" + port;
        mosquitto = MosquittoBroker.startIncluding(dir.resolve("broker"), confD, port);

        adminPasswordFile = dir.resolve("admin.password");
        Files.writeString(adminPasswordFile, ADMIN_PASSWORD);
        String password = Files.readString(controllerPassword).strip();
        ControllerConfig config = ControllerConfig.of(TestCommune.write(dir.resolve("commune")), dir.resolve("controller"))
                .withHttp("127.0.0.1", 0, null).withExternalBroker(brokerUrl, "controller", password).withMqttCa(ca)
                .withBrokerAccounts(new BrokerAccounts.Settings(mosquittoDir, mosquitto.reloadCommand()));
        controller = Controller.start(config, Clock.systemUTC(), new PasswordHasher(1000), () -> ADMIN_PASSWORD,
                new PrintStream(OutputStream.nullOutputStream()));
        await("the controller connected over TLS with its own account").atMost(Duration.ofSeconds(20))
                .until(controller::connected);

        watcher = connect("watcher", "controller", password);
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
                "thon-dong", "--relays", "amp:17,amp2:27:active-low", "--out", bundles.toString())));
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
        assertEquals(List.of(17, 27), config.gpio().relays().stream().map(AgentConfig.Relay::pin).toList());
        assertTrue(config.gpio().relays().get(1).activeLow());
        // The Pi's sound card and pins stand in: WAV files and Pi4J's mock provider, the bundle's relay map.
        station = new SimulatedStation(config, Clock.systemUTC())
                .start(new vn.loalang.agent.audio.WavFileSink(dir.resolve("rendered"), Clock.systemUTC()));
        await("the station connected over TLS and holds the commune's schedule").atMost(Duration.ofSeconds(30))
                .until(() -> station.agent().schedule().isPresent());

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
        // Live messages too: the controller's account writes to another station, then to the controller's
        // presence topic, which every station may read.
        String liveMarker = "{\"presence\":\"MARKER-" + UUID.randomUUID() + "\"}";
        watcher.publish(TOPICS.command("thon-tay-1"), "not for thon-dong-1".getBytes(StandardCharsets.UTF_8), 1, false);
        watcher.publish(TOPICS.root() + "/health/thon-dong-1-probe", "{}".getBytes(StandardCharsets.UTF_8), 1, false);
        thief.subscribe(TOPICS.root() + "/controller/state", 1, (t, m) -> heard.add(t + " " + new String(m.getPayload(), StandardCharsets.UTF_8)));
        watcher.publish(TOPICS.root() + "/controller/state", liveMarker.getBytes(StandardCharsets.UTF_8), 1, false);
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
        MqttClient speaker = connect("stolen-pi-4", "thon-dong-1", password);
        for (String topic : forbidden) {
            speaker.publish(topic, forged.getBytes(StandardCharsets.UTF_8), 1, false);
        }
        String marker = "marker-" + UUID.randomUUID();
        speaker.publish(TOPICS.telemetry("thon-dong-1"), marker.getBytes(StandardCharsets.UTF_8), 1, false);
        await("the permitted marker reached the watcher").atMost(Duration.ofSeconds(10))
                .until(() -> seen.contains(TOPICS.telemetry("thon-dong-1") + " " + marker));
        assertEquals(List.of(), seen.stream().filter(s -> s.endsWith(forged)).toList(),
                "nothing the station may not write got through");
    }

    @Test
    @Order(3)
    void aStationMovedToAnotherVillageHearsTheNewVillagesAlertsOnly() throws Exception {
        String password = bundledPassword("thon-dong-1");
        Set<String> heard = ConcurrentHashMap.newKeySet();
        MqttClient c = connect("moved", "thon-dong-1", password);
        c.subscribe(TOPICS.root() + "/zone/+/alert/+", 1, (t, m) -> heard.add(t));
        String west = TOPICS.zoneAlert("thon-tay", "probe-west");
        String east = TOPICS.zoneAlert("thon-dong", "probe-east");
        controller.directory().updateStation("admin", "thon-dong-1",
                new Directory.StationEdit(null, "thon-tay", null, null, null, null));
        // The controller rewrites the access list and the broker reloads it; the same connection then hears
        // the new village's alerts. Each round: the old village's probe first, the new one's last.
        await("the access list follows the station to thon-tay").atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(200)).until(() -> {
                    watcher.publish(east, "probe".getBytes(StandardCharsets.UTF_8), 1, false);
                    watcher.publish(west, "probe".getBytes(StandardCharsets.UTF_8), 1, false);
                    return heard.contains(west);
                });
        heard.clear();
        watcher.publish(east, "probe".getBytes(StandardCharsets.UTF_8), 1, false);
        watcher.publish(west, "probe".getBytes(StandardCharsets.UTF_8), 1, false);
        await("the new village's probe heard").atMost(Duration.ofSeconds(10)).until(() -> heard.contains(west));
        assertEquals(Set.of(west), heard, "the old village's alerts are no longer its to hear");
        await("the agent follows its new village's alerts").atMost(Duration.ofSeconds(20))
                .until(() -> station.agent().schedule().map(s -> s.zone()).orElse("").equals("thon-tay"));
    }

    @Test
    @Order(4)
    void aRotatedPasswordWorksAndTheOldOneNoLonger() throws Exception {
        assertEquals(0, provision(List.of("station", "--user", "admin", "--station", "thon-tay-1", "--village",
                "thon-tay", "--out", bundles.toString())));
        Path config = bundles.resolve("loalang-station-thon-tay-1/station.json");
        String old = AgentConfig.read(config).password();
        MqttClient before = connect("tay-before", "thon-tay-1", old);

        assertEquals(0, provision(List.of("rotate", "--user", "admin", "--station", "thon-tay-1", "--out", bundles.toString())));
        String fresh = AgentConfig.read(config).password();
        assertFalse(fresh.equals(old), "the new bundle holds a new password");
        await("the new password accepted").atMost(Duration.ofSeconds(10)).ignoreExceptions()
                .until(() -> connect("tay-new-" + UUID.randomUUID(), "thon-tay-1", fresh).isConnected());
        MqttException e = assertThrows(MqttException.class, () -> connect("tay-old", "thon-tay-1", old));
        assertEquals(MqttException.REASON_CODE_NOT_AUTHORIZED, e.getReasonCode());
        // Mosquitto checks connected clients against the reloaded passwd: the old password's connection is
        // closed, so a station is off the broker from the rotation until its new bundle is installed.
        await("the connection made with the old password closed").atMost(Duration.ofSeconds(10))
                .until(() -> !before.isConnected());
        assertEquals(1, provision(List.of("station", "--user", "admin", "--station", "thon-tay-1", "--village",
                "thon-tay", "--out", bundles.toString())), "enrolling twice is refused: rotate is the way");
    }

    @Test
    @Order(5)
    void aRevokedStationIsRefusedAndFallsSilentAtOnce() throws Exception {
        String password = bundledPassword("thon-tay-1");
        MqttClient stillConnected = connect("tay-connected", "thon-tay-1", password);

        assertEquals(0, provision(List.of("revoke", "--user", "admin", "--station", "thon-tay-1")));
        assertFalse(controller.directory().stationIds().contains("thon-tay-1"), "decommissioned: out of the directory");
        await("the revoked password refused").atMost(Duration.ofSeconds(10)).until(() -> {
            try {
                connect("tay-revoked-" + UUID.randomUUID(), "thon-tay-1", password);
                return false;
            } catch (MqttException e) {
                return e.getReasonCode() == MqttException.REASON_CODE_NOT_AUTHORIZED;
            }
        });
        // Mosquitto checks connected clients against the reloaded files: the stolen Pi's open connection goes too.
        await("the revoked station's open connection closed by the broker").atMost(Duration.ofSeconds(10))
                .until(() -> !stillConnected.isConnected());
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
            all.addAll(List.of("--url", "http://127.0.0.1:" + controller.contentPort(), "--password-file",
                    adminPasswordFile.toString(), "--dir", provisioning.toString()));
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code = ProvisionCommand.run(all.toArray(String[]::new), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(out, true, StandardCharsets.UTF_8));
        System.out.println("provision " + String.join(" ", args) + " → " + code + "\n" + out.toString(StandardCharsets.UTF_8));
        return code;
    }
}
