package vn.loalang.controller.schedule;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import vn.loalang.controller.broker.EmbeddedBroker;
import vn.loalang.controller.link.ControllerLink;
import vn.loalang.controller.store.Store;
import vn.loalang.controller.testing.MqttProbe;
import vn.loalang.controller.testing.SharedBroker;
import vn.loalang.controller.testing.TestFiles;
import vn.loalang.protocol.Topics;
import vn.loalang.protocol.schedule.Item;
import vn.loalang.protocol.schedule.Schedule;
import vn.loalang.protocol.schedule.Session;
import vn.loalang.protocol.signing.Ed25519Keys;
import vn.loalang.protocol.signing.EnvelopeSigner;
import vn.loalang.protocol.signing.EnvelopeVerifier;
import vn.loalang.protocol.signing.MessageType;

import java.net.URI;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The publisher on a real embedded Moquette broker, with a Paho client in the place of the stations. */
@ExtendWith(SharedBroker.class)
class SchedulePublisherTest {
    private static final Instant NOW = Instant.parse("2026-11-23T20:00:00Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    private static final String KEY_ID = "xa-an-binh-test";
    private static final KeyPair KEYS = Ed25519Keys.generate();
    private static final String DONG = "thon-dong-1";
    private static final String TAY = "thon-tay-1";

    final EmbeddedBroker broker = SharedBroker.broker();
    ControllerLink link;
    Topics topics;
    SchedulePublisher publisher;
    MqttProbe probe;
    Store store;

    @TempDir
    Path data;

    @BeforeEach
    void connect(TestInfo test) throws Exception {
        // A topic root per test: retained schedules of one test are not seen by the next.
        topics = new Topics("test/" + test.getTestMethod().orElseThrow().getName());
        link = new ControllerLink(broker.url(), "controller-" + test.getTestMethod().orElseThrow().getName(), null, null);
        link.connect();
        store = Store.open(data.resolve("loalang.db"));
        publisher = new SchedulePublisher(link, new EnvelopeSigner(KEY_ID, KEYS.getPrivate(), CLOCK), topics, store, CLOCK);
    }

    @AfterEach
    void disconnect() {
        if (probe != null) {
            probe.close();
        }
        link.close();
        store.close();
    }

    @Test
    void publishesEachStationsScheduleSignedAndRetained() throws Exception {
        Map<String, Schedule> schedules = schedules(1, "morning");

        assertEquals(2, publisher.publish(schedules));

        // A station connecting afterwards still gets its schedule: it was retained. (Moquette 0.17 delivers
        // retained messages to a new subscription without the RETAIN flag, so the flag itself is not checked.)
        probe = MqttProbe.connect(broker.url(), topics.allStations(Topics.StationLeaf.SCHEDULE));
        await().atMost(Duration.ofSeconds(10)).until(() -> probe.received().size() == 2);
        for (String station : List.of(DONG, TAY)) {
            MqttProbe.Message m = probe.received(topics.schedule(station)).get(0);
            EnvelopeVerifier.Verified<Schedule> v = verifier().verify(topics.schedule(station), MessageType.SCHEDULE,
                    m.payload(), Schedule.class);
            assertEquals(schedules.get(station), v.payload());
            assertEquals(KEY_ID, v.keyId());
            assertEquals(schedules.get(station).validUntil(), v.expiresAt(), "the signature expires with the schedule");
        }
        assertEquals(schedules, publisher.current());
    }

    @Test
    void aDecommissionedStationIsSentASignedScheduleWithNoSessionOnceAndItIsKept() throws Exception {
        probe = MqttProbe.connect(broker.url(), topics.allStations(Topics.StationLeaf.SCHEDULE));
        publisher.publish(schedules(1, "morning"));
        await().atMost(Duration.ofSeconds(10)).until(() -> probe.received().size() == 2);

        assertEquals(1, publisher.retire(java.util.Set.of(DONG), 2, Duration.ofDays(7)));
        await().atMost(Duration.ofSeconds(10)).until(() -> probe.received(topics.schedule(TAY)).size() == 2);
        Schedule silent = verify(TAY, probe.received(topics.schedule(TAY)).get(1));
        assertEquals(2, silent.version());
        assertEquals(List.of(), silent.sessions(), "signed, so the station accepts it and falls silent");
        assertEquals(0, publisher.retire(java.util.Set.of(DONG), 3, Duration.ofDays(7)), "once");
        assertEquals(1, publisher.current().get(DONG).version(), "the station still in the directory is untouched");
        SchedulePublisher restarted = new SchedulePublisher(link, new EnvelopeSigner(KEY_ID, KEYS.getPrivate(), CLOCK),
                topics, store, CLOCK);
        assertEquals(List.of(), restarted.current().get(TAY).sessions(), "kept in the store: a restart republishes it");
    }

    @Test
    void skipsAScheduleWhoseSessionsHaveNotChanged() throws Exception {
        probe = MqttProbe.connect(broker.url(), topics.allStations(Topics.StationLeaf.SCHEDULE));
        publisher.publish(schedules(1, "morning"));
        await().atMost(Duration.ofSeconds(10)).until(() -> probe.received().size() == 2);

        assertEquals(0, publisher.publish(schedules(2, "morning")), "recompiled, same sessions: nothing to send");
        assertEquals(1, publisher.current().get(DONG).version(), "the published schedule stays the current one");

        assertEquals(2, publisher.publish(schedules(3, "evening")));
        await().atMost(Duration.ofSeconds(10)).until(() -> probe.received().size() == 4);
        for (String station : List.of(DONG, TAY)) {
            List<Long> versions = probe.received(topics.schedule(station)).stream()
                    .map(m -> verify(station, m).version()).toList();
            assertEquals(List.of(1L, 3L), versions, station + ": version 2 was never sent");
        }
        assertEquals(3, publisher.current().get(TAY).version());
    }

    @Test
    void publishesAScheduleWhoseStationLevelAloneChanged() throws Exception {
        probe = MqttProbe.connect(broker.url(), topics.allStations(Topics.StationLeaf.SCHEDULE));
        publisher.publish(schedules(1, "morning"));
        await().atMost(Duration.ofSeconds(10)).until(() -> probe.received().size() == 2);

        // The technician turned thôn Tây's station down: same sessions, but the station must hear of it.
        Schedule same = schedule(TAY, "thon-tay", 2, "morning");
        Map<String, Schedule> next = new LinkedHashMap<>(schedules(2, "morning"));
        next.put(TAY, new Schedule(same.schema(), TAY, same.zone(), 2, same.timeZone(), same.validFrom(),
                same.validUntil(), same.sessions(), same.quietHours(), -6.0));
        assertEquals(1, publisher.publish(next));

        await().atMost(Duration.ofSeconds(10)).until(() -> probe.received(topics.schedule(TAY)).size() == 2);
        assertEquals(-6.0, verify(TAY, probe.received(topics.schedule(TAY)).get(1)).stationVolumeDb());
        assertEquals(1, publisher.current().get(DONG).version());
    }

    @Test
    void publishesOnlyTheStationWhoseSessionsChanged() throws Exception {
        probe = MqttProbe.connect(broker.url(), topics.allStations(Topics.StationLeaf.SCHEDULE));
        publisher.publish(schedules(1, "morning"));
        await().atMost(Duration.ofSeconds(10)).until(() -> probe.received().size() == 2);

        Map<String, Schedule> next = new LinkedHashMap<>(schedules(2, "morning"));
        next.put(TAY, schedule(TAY, "thon-tay", 2, "evening"));
        assertEquals(1, publisher.publish(next));

        await().atMost(Duration.ofSeconds(10)).until(() -> probe.received(topics.schedule(TAY)).size() == 2);
        assertEquals(2, verify(TAY, probe.received(topics.schedule(TAY)).get(1)).version());
        assertEquals(1, publisher.current().get(DONG).version());
    }

    @Test
    void republishesTheKeptSignedBytesUnchanged() throws Exception {
        probe = MqttProbe.connect(broker.url(), topics.allStations(Topics.StationLeaf.SCHEDULE));
        publisher.publish(schedules(1, "morning"));
        await().atMost(Duration.ofSeconds(10)).until(() -> probe.received().size() == 2);

        publisher.republishAll();

        await().atMost(Duration.ofSeconds(10)).until(() -> probe.received().size() == 4);
        for (String station : List.of(DONG, TAY)) {
            List<MqttProbe.Message> got = probe.received(topics.schedule(station));
            assertArrayEquals(got.get(0).payload(), got.get(1).payload(),
                    station + ": the same signed message again (a duplicate to the station, not a new schedule)");
        }
    }

    @Test
    void aScheduleThatCouldNotGoOutIsSentOnceTheBrokerIsBack() throws Exception {
        EmbeddedBroker own = EmbeddedBroker.start("127.0.0.1", TestFiles.freePort());
        ControllerLink ownLink = new ControllerLink(own.url(), "controller-restart", null, null);
        try {
            SchedulePublisher p = new SchedulePublisher(ownLink, new EnvelopeSigner(KEY_ID, KEYS.getPrivate(), CLOCK), topics,
                    store, CLOCK);
            ownLink.onConnected(p::republishAll); // as the controller wires it
            ownLink.connect();
            own.stop();
            await().atMost(Duration.ofSeconds(10)).until(() -> !ownLink.isConnected());

            assertEquals(0, p.publish(schedules(1, "morning")), "nothing can be sent while the broker is down");
            assertEquals(1, p.current().get(DONG).version(), "but the schedule is kept");

            own.start();
            // The broker restarted a moment ago; on a loaded machine its first connection can still be dropped
            // while it settles. The schedules are retained, so a probe that connects on a later try sees them too.
            probe = await().atMost(Duration.ofSeconds(15)).ignoreExceptions()
                    .until(() -> MqttProbe.connect(own.url(), topics.allStations(Topics.StationLeaf.SCHEDULE)),
                            java.util.Objects::nonNull);
            await().atMost(Duration.ofSeconds(15)).until(() -> probe.received().size() == 2);
            assertEquals(1, verify(DONG, probe.received(topics.schedule(DONG)).get(0)).version());
            assertEquals(1, verify(TAY, probe.received(topics.schedule(TAY)).get(0)).version());
        } finally {
            if (probe != null) {
                probe.close();
                probe = null;
            }
            ownLink.close();
            own.close();
        }
    }

    @Test
    void aRestartedControllerSignsNothingUnchangedAndSendsTheStoredBytesAgain() throws Exception {
        probe = MqttProbe.connect(broker.url(), topics.allStations(Topics.StationLeaf.SCHEDULE));
        publisher.publish(schedules(1, "morning"));
        await().atMost(Duration.ofSeconds(10)).until(() -> probe.received().size() == 2);

        // The controller restarts an hour later: the store is opened again, the signer would sign anew.
        store.close();
        store = Store.open(data.resolve("loalang.db"));
        Clock later = Clock.offset(CLOCK, Duration.ofHours(1));
        SchedulePublisher restarted = new SchedulePublisher(link, new EnvelopeSigner(KEY_ID, KEYS.getPrivate(), later),
                topics, store, later);

        assertEquals(schedules(1, "morning"), restarted.current(), "the published schedules are known at start");
        assertEquals(0, restarted.publish(schedules(2, "morning")), "recompiled, same sessions: nothing signed or sent");
        assertEquals(1, restarted.current().get(DONG).version());
        restarted.republishAll();

        await().atMost(Duration.ofSeconds(10)).until(() -> probe.received().size() == 4);
        for (String station : List.of(DONG, TAY)) {
            List<MqttProbe.Message> got = probe.received(topics.schedule(station));
            assertEquals(2, got.size(), station + ": the first schedule and the one republished, nothing else");
            assertArrayEquals(got.get(0).payload(), got.get(1).payload(), station + ": the stored bytes, not a new signature");
        }

        assertEquals(2, restarted.publish(schedules(3, "evening")), "a changed schedule is signed as before");
        await().atMost(Duration.ofSeconds(10)).until(() -> probe.received().size() == 6);
        // Signed an hour after this test's station clock: read without the time check.
        assertEquals(3, PublishedSchedules.payloadOf(probe.received(topics.schedule(DONG)).get(2).payload()).version());
    }

    private Schedule verify(String station, MqttProbe.Message m) {
        try {
            return verifier().verify(topics.schedule(station), MessageType.SCHEDULE, m.payload(), Schedule.class).payload();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static EnvelopeVerifier verifier() {
        return new EnvelopeVerifier(Map.of(KEY_ID, KEYS.getPublic()), CLOCK, Duration.ofMinutes(5));
    }

    private static Map<String, Schedule> schedules(long version, String session) {
        Map<String, Schedule> m = new LinkedHashMap<>();
        m.put(DONG, schedule(DONG, "thon-dong", version, session));
        m.put(TAY, schedule(TAY, "thon-tay", version, session));
        return m;
    }

    private static Schedule schedule(String station, String zone, long version, String session) {
        Instant start = session.equals("morning") ? Instant.parse("2026-11-23T22:30:00Z") : Instant.parse("2026-11-24T10:00:00Z");
        Item item = new Item("gia-lua", "Giá lúa hôm nay", "a".repeat(64),
                URI.create("http://127.0.0.1:8080/content/" + "a".repeat(64)), 16_684, 2_000, 0.0);
        return new Schedule(1, station, zone, version, "Asia/Ho_Chi_Minh", NOW, Instant.parse("2026-11-26T17:00:00Z"),
                List.of(new Session("2026-11-24." + session, session, start, start.plusSeconds(3600), List.of(item))));
    }
}
