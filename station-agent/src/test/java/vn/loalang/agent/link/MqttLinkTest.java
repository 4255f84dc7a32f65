package vn.loalang.agent.link;

import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import vn.loalang.agent.AgentConfig;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The station's link against a real broker (embedded Moquette): connect, birth, delivery, resubscription
 * after a broker restart, goodbye. Moquette takes about 2 s to stop (Netty's quiet period), so one broker
 * serves the class, each test with its own station topics; the restart test has a broker of its own.
 * Retention is shown by a client that subscribes after the publish and still gets the message
 * (Moquette 0.17 does not set the RETAIN flag on such deliveries).
 */
class MqttLinkTest {
    private static final AtomicInteger STATIONS = new AtomicInteger();
    private static TestBroker shared;

    /** A message as the controller side received it. */
    record Received(String topic, String payload) {
    }

    private final String station = "st-" + STATIONS.incrementAndGet();
    private final String stateTopic = "loalang/v1/station/" + station + "/state";
    private final String scheduleTopic = "loalang/v1/station/" + station + "/schedule";
    private final String eventTopic = "loalang/v1/station/" + station + "/event";
    private final List<MqttClient> observers = new ArrayList<>();
    private final List<String> schedules = new CopyOnWriteArrayList<>();
    private final AtomicInteger connectedCalls = new AtomicInteger();
    private TestBroker broker = shared;
    private TestBroker own;
    private MqttLink link;

    /** Presence payloads that say what they are and for which connection. */
    private final MqttLink.Presence presence = new MqttLink.Presence() {
        @Override
        public String topic() {
            return stateTopic;
        }

        @Override
        public byte[] birth(long connection) {
            return ("ONLINE " + connection).getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public byte[] will(long connection) {
            return ("OFFLINE (will) " + connection).getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public byte[] goodbye(long connection) {
            return ("OFFLINE " + connection).getBytes(StandardCharsets.UTF_8);
        }
    };

    @BeforeAll
    static void startSharedBroker() throws IOException {
        shared = TestBroker.onFreePort().start();
    }

    @AfterAll
    static void stopSharedBroker() {
        shared.close();
    }

    @AfterEach
    void stopEverything() throws MqttException {
        if (link != null) {
            link.close();
        }
        for (MqttClient observer : observers) {
            if (observer.isConnected()) {
                observer.disconnectForcibly(100, 100);
            }
            observer.close(true);
        }
        if (own != null) {
            own.close();
        }
    }

    private MqttLink startLink(BiConsumer<String, byte[]> onSchedule) {
        link = new MqttLink(station, broker.url(), null, null, new ReconnectConfig(50L, 300L), presence);
        link.subscribe(scheduleTopic, onSchedule);
        link.onConnected(connectedCalls::incrementAndGet);
        link.start();
        return link;
    }

    private MqttLink startLink() {
        return startLink((topic, payload) -> schedules.add(new String(payload, StandardCharsets.UTF_8)));
    }

    /** A controller-side client subscribed to {@code filter}, from now on. */
    private List<Received> observe(String filter) throws MqttException {
        MqttClient observer = new MqttClient(broker.url(), "observer-" + station + "-" + observers.size(),
                new MemoryPersistence());
        observers.add(observer);
        MqttConnectOptions options = new MqttConnectOptions();
        options.setCleanSession(true);
        observer.connect(options);
        List<Received> received = new CopyOnWriteArrayList<>();
        observer.subscribe(filter, 1, (topic, message) ->
                received.add(new Received(topic, new String(message.getPayload(), StandardCharsets.UTF_8))));
        return received;
    }

    private void publishAsController(String topic, String payload) throws MqttException {
        MqttClient controller = observers.get(observers.size() - 1);
        controller.publish(topic, payload.getBytes(StandardCharsets.UTF_8), 1, false);
    }

    @Test
    void connectsAndLeavesItsBirthRetainedOnItsStateTopic() throws Exception {
        startLink();

        await().until(() -> link.connects() == 1);

        assertTrue(link.isConnected());
        await("the connection listener runs").until(() -> connectedCalls.get() >= 1);
        assertEquals(1, connectedCalls.get());
        List<Received> state = observe(stateTopic);
        await().until(() -> !state.isEmpty());
        assertEquals(List.of(new Received(stateTopic, "ONLINE 1")), state);
    }

    @Test
    void deliversMessagesOnItsSubscriptions() throws Exception {
        startLink();
        await().until(() -> link.connects() == 1);
        observe(stateTopic);

        publishAsController(scheduleTopic, "lịch số 1");

        await().until(() -> schedules.equals(List.of("lịch số 1")));
    }

    /**
     * The controller's time must not count as recent when it is the retained copy (decision 0021): the link tells
     * which message is. Moquette 0.17 clears the flag on the retained copy, so the first after subscribing is
     * taken as it; after a re-subscription, the first again.
     */
    @Test
    void tellsTheRetainedCopyFromMessagesPublishedWhileSubscribedAgainAfterAResubscription() throws Exception {
        observe(stateTopic);
        String topic = "loalang/v1/controller/state";
        MqttClient controller = observers.get(0);
        controller.publish(topic, "kept".getBytes(StandardCharsets.UTF_8), 1, true);
        List<String> heard = new CopyOnWriteArrayList<>();
        link = new MqttLink(station, broker.url(), null, null, new ReconnectConfig(50L, 300L), presence);
        link.subscribeNotingRetained(topic, (t, payload, retained) -> heard.add(new String(payload,
                StandardCharsets.UTF_8) + (retained ? " retained" : " live")));
        link.start();
        await().until(() -> heard.size() == 1);
        controller.publish(topic, "renewed".getBytes(StandardCharsets.UTF_8), 1, true);
        controller.publish(topic, "said".getBytes(StandardCharsets.UTF_8), 1, false);
        await().until(() -> heard.size() == 3);
        assertEquals(List.of("kept retained", "renewed live", "said live"), heard);

        link.resubscribeAll();
        await().until(() -> heard.size() == 4);
        assertEquals("renewed retained", heard.get(3), "the broker's copy again, as it keeps it");
    }

    @Test
    void publishesWhatTheStationSends() throws Exception {
        startLink();
        await().until(() -> link.connects() == 1);
        List<Received> events = observe(eventTopic);

        link.publish(eventTopic, "{\"seq\":1}".getBytes(StandardCharsets.UTF_8), false);

        await().until(() -> events.equals(List.of(new Received(eventTopic, "{\"seq\":1}"))));
    }

    @Test
    void aHandlerThatFailsCostsOnlyThatMessage() throws Exception {
        List<String> handled = new CopyOnWriteArrayList<>();
        startLink((topic, payload) -> {
            String text = new String(payload, StandardCharsets.UTF_8);
            if (text.equals("poison")) {
                throw new IllegalStateException("handler bug");
            }
            handled.add(text);
        });
        await().until(() -> link.connects() == 1);
        observe(stateTopic);

        publishAsController(scheduleTopic, "poison");
        publishAsController(scheduleTopic, "good");

        await().until(() -> handled.equals(List.of("good")));
        assertEquals(1, link.connects(), "the connection survived the failing handler");
        assertTrue(link.isConnected());
    }

    @Test
    void closeSaysGoodbyeAndLeavesItRetained() throws Exception {
        startLink();
        await().until(() -> link.connects() == 1);
        List<Received> live = observe(stateTopic);
        await().until(() -> live.size() == 1);

        link.close();

        await().until(() -> live.size() == 2);
        assertEquals(new Received(stateTopic, "OFFLINE 1"), live.get(1), "the goodbye, not the Last Will");
        assertFalse(link.isConnected());
        assertTrue(Thread.getAllStackTraces().keySet().stream().noneMatch(t -> t.getName().equals("mqtt-link-" + station)),
                "the link's thread has ended");
        List<Received> later = observe(stateTopic);
        await().until(() -> !later.isEmpty());
        assertEquals(List.of(new Received(stateTopic, "OFFLINE 1")), later, "what a controller starting now finds");
        link = null;
    }

    @Test
    void afterTheBrokerRestartsItReconnectsResubscribesAndIsBornAgain() throws Exception {
        own = TestBroker.onFreePort().start();
        broker = own;
        startLink();
        await().until(() -> link.connects() == 1);

        own.stop();
        await().until(() -> !link.isConnected());
        assertThrows(MqttException.class, () -> link.publish(eventTopic, new byte[]{1}, false),
                "publishing without a broker fails, so the outbox keeps the event");
        own.start();

        await().until(() -> link.connects() == 2);
        // The count moves when the connection is up; its listeners run a moment later on their own thread.
        await("connection listeners run after every connect").until(() -> connectedCalls.get() >= 2);
        assertEquals(2, connectedCalls.get(), "once each");
        // The restarted broker remembers nothing: what a new subscriber finds is the new birth.
        List<Received> state = observe(stateTopic);
        await().until(() -> !state.isEmpty());
        String birth = state.get(0).payload();
        assertTrue(birth.startsWith("ONLINE "), birth);
        assertTrue(Long.parseLong(birth.substring("ONLINE ".length())) > 1,
                "the new birth carries a later connection number: " + birth);

        publishAsController(scheduleTopic, "sau khi khởi động lại");

        await().until(() -> schedules.equals(List.of("sau khi khởi động lại")));
    }

    @Test
    void isReadyOnlyOnceTheConnectListenersHaveRun() throws Exception {
        // The outbox's listener marks what the last connection left unacknowledged; were the link ready
        // before it ran, events recorded offline would go out ahead of older ones.
        CountDownLatch listenerHeld = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        link = new MqttLink(station, broker.url(), null, null, new ReconnectConfig(50L, 300L), presence);
        link.subscribe(scheduleTopic, (topic, payload) -> { });
        link.onConnected(() -> {
            listenerHeld.countDown();
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        link.start();
        assertTrue(listenerHeld.await(10, TimeUnit.SECONDS), "the connect listener ran");
        assertTrue(link.isConnected(), "connected and subscribed");
        assertFalse(link.isReady(), "not ready while a connect listener runs");
        release.countDown();
        await("ready once the listeners are done").until(link::isReady);
    }

    @Test
    void pausesBetweenAttemptsAreSpreadBetweenHalfAndAllOfTheBackOff() {
        // 2,000 stations that lost the broker together must not knock at the same millisecond.
        java.util.Set<Long> seen = new java.util.HashSet<>();
        for (int i = 0; i < 1000; i++) {
            long pause = MqttLink.jittered(1000);
            assertTrue(pause >= 500 && pause <= 1000, "pause " + pause);
            seen.add(pause / 50);
        }
        assertTrue(seen.size() >= 8, "spread over the range, not one value: " + seen);
    }
}
