package vn.loalang.controller.broker;

import org.eclipse.paho.client.mqttv3.IMqttToken;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tinylog.Level;
import vn.loalang.controller.audit.AuditLog;
import vn.loalang.controller.directory.Directory;
import vn.loalang.controller.store.Store;
import vn.loalang.controller.testing.CapturedLog;
import vn.loalang.controller.testing.TestFiles;
import vn.loalang.protocol.Topics;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The embedded broker bound beyond loopback (0.0.0.0, reached here through 127.0.0.1: the decision
 * is the bind address's), with the accounts of {@link BrokerAccounts} in a real SQLite store and
 * real Paho clients: the same checks as the Mosquitto lockdown test (system-tests'
 * BrokerLockdownTest), against Moquette.
 *
 * <p>What a station may not publish is detected as there: the forbidden messages (QoS 0: Moquette
 * never acknowledges a refused QoS 1 message), then a permitted marker at QoS 1, on one connection;
 * Moquette handles one client's messages in order and delivers to one subscriber in order, so once
 * the marker has reached the watcher, a forbidden message that got through would have reached it first.
 */
class EmbeddedBrokerAccountsTest {
    static final Duration WAIT = Duration.ofSeconds(10);
    static final Topics TOPICS = Topics.defaults();
    static final String CONTROLLER_PASSWORD = "mat-khau-may-chu-" + UUID.randomUUID();

    @TempDir
    Path dir;
    Store store;
    Directory directory;
    BrokerAccounts accounts;
    EmbeddedBroker broker;
    String url;
    final List<MqttClient> clients = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        store = Store.open(dir.resolve("loalang.db"));
        AuditLog audit = new AuditLog(BrokerAccountsTest.CLOCK);
        directory = Directory.open(store, audit, BrokerAccountsTest.CLOCK, dir.resolve("commune.json"),
                BrokerAccountsTest.SEED, "abc");
        int port = TestFiles.freePort();
        broker = EmbeddedBroker.start("0.0.0.0", port);
        url = "tcp://127.0.0.1:" + port;
        // As the controller wires them: no Mosquitto files, every change handed to the broker.
        accounts = new BrokerAccounts(store, audit, BrokerAccountsTest.CLOCK, directory::current, TOPICS, null,
                "controller", CONTROLLER_PASSWORD);
        accounts.onChange(broker::accountsChanged);
        directory.onChange(accounts::directoryChanged);
        accounts.directoryChanged(directory.current());
    }

    @AfterEach
    void stop() throws Exception {
        for (MqttClient c : clients) {
            if (c.isConnected()) {
                c.disconnectForcibly(1000);
            }
            c.close();
        }
        broker.close();
        store.close();
    }

    @Test
    void boundBeyondLoopbackItRefusesAnonymousClientsAndSaysSo() {
        assertFalse(broker.anonymousAllowed());
        assertEquals(1, CapturedLog.lines(EmbeddedBroker.class, Level.INFO, "0.0.0.0:" + broker.port()
                + " with anonymous access refused").size(), "the log says anonymous access is refused");
        MqttException anonymous = assertThrows(MqttException.class, () -> connect("loalang-station-thon-dong-1", null, null));
        assertEquals(MqttException.REASON_CODE_FAILED_AUTHENTICATION, anonymous.getReasonCode(), anonymous.toString());
    }

    @Test
    void aStationWithItsPasswordReadsItsOwnScheduleAndAWrongPasswordIsRefused() throws Exception {
        BrokerAccounts.Issued issued = accounts.issue("ky-thuat", "thon-dong-1");
        MqttClient controller = connect("loalang-controller", "controller", CONTROLLER_PASSWORD);
        controller.publish(TOPICS.schedule("thon-dong-1"), "lich-thon-dong".getBytes(StandardCharsets.UTF_8), 1, true);

        Set<String> heard = ConcurrentHashMap.newKeySet();
        MqttClient station = connect("loalang-station-thon-dong-1", "thon-dong-1", issued.password());
        station.subscribe(TOPICS.schedule("thon-dong-1"), 1, (t, m) -> heard.add(new String(m.getPayload(), StandardCharsets.UTF_8)));
        await("its own schedule heard").atMost(WAIT).until(() -> heard.contains("lich-thon-dong"));
        station.disconnect();

        int loggedBefore = CapturedLog.lines(BrokerGate.class, Level.WARN, "thon-dong-1 (client id loalang-station-thon-dong-1) "
                + "refused at login: wrong password").size();
        MqttException wrong = assertThrows(MqttException.class,
                () -> connect("loalang-station-thon-dong-1", "thon-dong-1", "not-its-password"));
        assertEquals(MqttException.REASON_CODE_FAILED_AUTHENTICATION, wrong.getReasonCode(), wrong.toString());
        MqttException unknown = assertThrows(MqttException.class,
                () -> connect("loalang-station-thon-tay-1", "thon-tay-1", issued.password()));
        assertEquals(MqttException.REASON_CODE_FAILED_AUTHENTICATION, unknown.getReasonCode(), "not enrolled yet");
        assertEquals(loggedBefore + 1, CapturedLog.lines(BrokerGate.class, Level.WARN, "thon-dong-1 (client id "
                + "loalang-station-thon-dong-1) refused at login: wrong password").size(), "the refusal is logged with the station's name");
    }

    @Test
    void nobodyTakesAnotherUsersClientIdAndTheControllerStaysConnected() throws Exception {
        String password = accounts.issue("ky-thuat", "thon-dong-1").password();
        accounts.issue("ky-thuat", "thon-tay-1");
        MqttClient controller = connect("loalang-controller", "controller", CONTROLLER_PASSWORD);
        java.util.concurrent.atomic.AtomicBoolean lost = new java.util.concurrent.atomic.AtomicBoolean();
        controller.setCallback(new org.eclipse.paho.client.mqttv3.MqttCallback() {
            @Override
            public void connectionLost(Throwable cause) {
                lost.set(true);
            }

            @Override
            public void messageArrived(String topic, org.eclipse.paho.client.mqttv3.MqttMessage message) {
            }

            @Override
            public void deliveryComplete(org.eclipse.paho.client.mqttv3.IMqttDeliveryToken token) {
            }
        });
        for (String stolenId : List.of("loalang-controller", "loalang-station-thon-tay-1", "thon-tay-1", "controller")) {
            MqttException e = assertThrows(MqttException.class, () -> connect(stolenId, "thon-dong-1", password), stolenId);
            assertEquals(MqttException.REASON_CODE_FAILED_AUTHENTICATION, e.getReasonCode(), stolenId);
        }
        // A QoS 1 round trip after the attempts: a connection taken over would have been closed before its PUBACK.
        controller.publish(TOPICS.root() + "/controller/state", "{}".getBytes(StandardCharsets.UTF_8), 1, false);
        assertFalse(lost.get(), "the controller was not pushed off the broker");
        assertTrue(controller.isConnected());
        assertTrue(connect("thon-dong-1", "thon-dong-1", password).isConnected(), "its own user name is its client id too");
    }

    @Test
    void aStationCannotHearOtherStationsNorSpeakForThemNorRaiseAnAlarm() throws Exception {
        String password = accounts.issue("ky-thuat", "thon-dong-1").password();
        MqttClient controller = connect("loalang-controller", "controller", CONTROLLER_PASSWORD);
        Set<String> seen = ConcurrentHashMap.newKeySet();
        controller.subscribe(TOPICS.root() + "/#", 1, (t, m) -> seen.add(t + " " + new String(m.getPayload(), StandardCharsets.UTF_8)));
        for (String t : List.of(TOPICS.schedule("thon-tay-1"), TOPICS.schedule("thon-dong-1"))) {
            controller.publish(t, ("retained " + t).getBytes(StandardCharsets.UTF_8), 1, true);
        }

        Set<String> heard = ConcurrentHashMap.newKeySet();
        MqttClient thief = connect("loalang-station-thon-dong-1", "thon-dong-1", password);
        String ownSchedule = TOPICS.schedule("thon-dong-1");
        String[] filters = {TOPICS.schedule("thon-tay-1"), TOPICS.root() + "/station/+/schedule",
                TOPICS.zoneAlerts("thon-tay"), TOPICS.health("thon-dong-1"), TOPICS.root() + "/#", "#",
                TOPICS.root() + "/zone/+/alert/+", TOPICS.zoneAlerts("thon-dong"), ownSchedule};
        IMqttToken granted = thief.subscribeWithResponse(filters, new int[]{1, 1, 1, 1, 1, 1, 1, 1, 1},
                java.util.Collections.nCopies(filters.length, (org.eclipse.paho.client.mqttv3.IMqttMessageListener)
                        (t, m) -> heard.add(t)).toArray(org.eclipse.paho.client.mqttv3.IMqttMessageListener[]::new));
        // Moquette checks read access when the subscription is made: a filter wider than the station's rights is
        // refused whole (0x80), where Mosquitto grants it and drops each message it may not read.
        assertArrayEquals(new int[]{0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 1, 1}, granted.getGrantedQos());
        await("its own schedule heard").atMost(WAIT).until(() -> heard.contains(ownSchedule));
        assertEquals(Set.of(ownSchedule), heard, "the station heard its own schedule only");

        String forged = "forged-" + UUID.randomUUID();
        List<String> forbidden = List.of(TOPICS.state("thon-tay-1"), TOPICS.event("thon-tay-1"),
                TOPICS.telemetry("thon-tay-1"), TOPICS.schedule("thon-tay-1"), TOPICS.schedule("thon-dong-1"),
                TOPICS.command("thon-dong-1"), TOPICS.zoneAlert("thon-dong", "alert-1"),
                TOPICS.health("thon-tay-1"), TOPICS.root() + "/controller/state");
        for (String topic : forbidden) {
            thief.publish(topic, forged.getBytes(StandardCharsets.UTF_8), 0, false);
        }
        String marker = "marker-" + UUID.randomUUID();
        thief.publish(TOPICS.telemetry("thon-dong-1"), marker.getBytes(StandardCharsets.UTF_8), 1, false);
        await("the permitted marker reached the controller").atMost(WAIT)
                .until(() -> seen.contains(TOPICS.telemetry("thon-dong-1") + " " + marker));
        assertEquals(List.of(), seen.stream().filter(s -> s.endsWith(forged)).toList(),
                "nothing the station may not write got through");
    }

    @Test
    void aLastWillOnAnotherStationsTopicIsReportedForMoquetteCannotRefuseIt() throws Exception {
        String password = accounts.issue("ky-thuat", "thon-dong-1").password();
        MqttConnectOptions own = options("thon-dong-1", password);
        own.setWill(TOPICS.state("thon-dong-1"), "{}".getBytes(StandardCharsets.UTF_8), 1, false);
        MqttClient agent = new MqttClient(url, "loalang-station-thon-dong-1", new MemoryPersistence());
        clients.add(agent);
        agent.connect(own);
        agent.disconnect();
        MqttConnectOptions forging = options("thon-dong-1", password);
        forging.setWill(TOPICS.state("thon-tay-1"), "{}".getBytes(StandardCharsets.UTF_8), 1, false);
        MqttClient thief = new MqttClient(url, "loalang-station-thon-dong-1", new MemoryPersistence());
        clients.add(thief);
        thief.connect(forging);
        await("the forged Will reported").atMost(WAIT).until(() -> !CapturedLog.lines(BrokerGate.class, Level.ERROR,
                "user thon-dong-1 (client id loalang-station-thon-dong-1) set its Last Will on "
                        + TOPICS.state("thon-tay-1") + ", a topic it may not write").isEmpty());
        assertEquals(List.of(), CapturedLog.lines(BrokerGate.class, Level.ERROR, "set its Last Will on "
                + TOPICS.state("thon-dong-1") + ","), "its own state is its to write");
    }

    @Test
    void aMessageOverOneMebibyteClosesTheConnectionAndReachesNobody() throws Exception {
        String password = accounts.issue("ky-thuat", "thon-dong-1").password();
        MqttClient controller = connect("loalang-controller", "controller", CONTROLLER_PASSWORD);
        List<Integer> sizes = new java.util.concurrent.CopyOnWriteArrayList<>();
        controller.subscribe(TOPICS.telemetry("thon-dong-1"), 1, (t, m) -> sizes.add(m.getPayload().length));
        MqttClient station = connect("loalang-station-thon-dong-1", "thon-dong-1", password);
        int fits = EmbeddedBroker.MAX_MESSAGE_BYTES - 1024;
        station.publish(TOPICS.telemetry("thon-dong-1"), new byte[fits], 1, false);
        await("a message under the limit delivered").atMost(WAIT).until(() -> sizes.contains(fits));

        assertThrows(MqttException.class, () -> station.publish(TOPICS.telemetry("thon-dong-1"),
                new byte[EmbeddedBroker.MAX_MESSAGE_BYTES + 1], 1, false));
        await("the oversized message's connection closed").atMost(WAIT).until(() -> !station.isConnected());
        // Delivery to one subscriber is in order: a marker sent after it arrives, so the big one would have first.
        MqttClient again = connect("loalang-station-thon-dong-1", "thon-dong-1", password);
        again.publish(TOPICS.telemetry("thon-dong-1"), new byte[7], 1, false);
        await("the marker delivered").atMost(WAIT).until(() -> sizes.contains(7));
        assertEquals(List.of(fits, 7), sizes, "nothing over 1 MiB reached the controller");
    }

    @Test
    void enrolmentRotationMovesAndRevocationTakeEffectWithoutARestart() throws Exception {
        MqttException before = assertThrows(MqttException.class,
                () -> connect("loalang-station-thon-tay-1", "thon-tay-1", "any"));
        assertEquals(MqttException.REASON_CODE_FAILED_AUTHENTICATION, before.getReasonCode());

        String first = accounts.issue("ky-thuat", "thon-tay-1").password();
        MqttClient enrolled = connect("loalang-station-thon-tay-1", "thon-tay-1", first);
        assertTrue(enrolled.isConnected(), "enrolled: in at once");

        String second = accounts.issue("ky-thuat", "thon-tay-1").password();
        await("the connection made with the old password closed by the broker").atMost(WAIT)
                .until(() -> !enrolled.isConnected());
        MqttException old = assertThrows(MqttException.class, () -> connect("loalang-station-thon-tay-1", "thon-tay-1", first));
        assertEquals(MqttException.REASON_CODE_FAILED_AUTHENTICATION, old.getReasonCode());
        MqttClient rotated = connect("loalang-station-thon-tay-1", "thon-tay-1", second);

        // Moved to another village: its connection closes, and once back it may hear the new village's alerts only.
        directory.updateStation("ky-thuat", "thon-tay-1", new Directory.StationEdit(null, "thon-dong", null, null, null, null));
        await("the moved station's connection closed").atMost(WAIT).until(() -> !rotated.isConnected());
        MqttClient moved = connect("loalang-station-thon-tay-1", "thon-tay-1", second);
        IMqttToken grants = moved.subscribeWithResponse(new String[]{TOPICS.zoneAlerts("thon-tay"), TOPICS.zoneAlerts("thon-dong")},
                new int[]{1, 1});
        assertArrayEquals(new int[]{0x80, 1}, grants.getGrantedQos());

        assertTrue(accounts.revoke("ky-thuat", "thon-tay-1"));
        await("the revoked station's open connection closed by the broker").atMost(WAIT).until(() -> !moved.isConnected());
        MqttException revoked = assertThrows(MqttException.class, () -> connect("loalang-station-thon-tay-1", "thon-tay-1", second));
        assertEquals(MqttException.REASON_CODE_FAILED_AUTHENTICATION, revoked.getReasonCode());
    }

    @Test
    void onLoopbackOnlyAnonymousClientsAreLetInAndTheLogSaysWhy() throws Exception {
        try (EmbeddedBroker local = EmbeddedBroker.start("127.0.0.1", TestFiles.freePort())) {
            assertTrue(local.anonymousAllowed());
            assertEquals(1, CapturedLog.lines(EmbeddedBroker.class, Level.WARN, "127.0.0.1:" + local.port()
                    + ", a loopback address only, so it lets clients in without a password").size());
            MqttClient anonymous = new MqttClient(local.url(), "local-tool", new MemoryPersistence());
            clients.add(anonymous);
            anonymous.connect(options(null, null));
            Set<String> heard = ConcurrentHashMap.newKeySet();
            anonymous.subscribe(TOPICS.root() + "/#", 1, (t, m) -> heard.add(t));
            anonymous.publish(TOPICS.state("thon-dong-1"), "{}".getBytes(StandardCharsets.UTF_8), 1, false);
            await("an anonymous client on this machine reads and writes").atMost(WAIT)
                    .until(() -> heard.contains(TOPICS.state("thon-dong-1")));
            // A user name still needs its password, even here.
            MqttClient guess = new MqttClient(local.url(), "loalang-station-thon-dong-1", new MemoryPersistence());
            clients.add(guess);
            MqttException e = assertThrows(MqttException.class, () -> guess.connect(options("thon-dong-1", "guess")));
            assertEquals(MqttException.REASON_CODE_FAILED_AUTHENTICATION, e.getReasonCode());
        }
    }

    @Test
    void theLoopbackDecisionIsTheBindAddresss() {
        assertTrue(EmbeddedBroker.loopbackOnly("127.0.0.1"));
        assertTrue(EmbeddedBroker.loopbackOnly("127.0.0.2"));
        assertTrue(EmbeddedBroker.loopbackOnly("::1"));
        assertFalse(EmbeddedBroker.loopbackOnly("0.0.0.0"));
        assertFalse(EmbeddedBroker.loopbackOnly("::"));
        assertFalse(EmbeddedBroker.loopbackOnly("192.0.2.10"));
    }

    private MqttClient connect(String clientId, String user, String password) throws MqttException {
        MqttClient c = new MqttClient(url, clientId, new MemoryPersistence());
        clients.add(c);
        c.setTimeToWait(10_000);
        c.connect(options(user, password));
        return c;
    }

    private static MqttConnectOptions options(String user, String password) {
        MqttConnectOptions o = new MqttConnectOptions();
        o.setCleanSession(true);
        o.setConnectionTimeout(10);
        o.setAutomaticReconnect(false);
        o.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
        if (user != null) {
            o.setUserName(user);
            o.setPassword(password.toCharArray());
        }
        return o;
    }
}
