package vn.loalang.systemtests;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vn.loalang.audio.AudioDecoder;
import vn.loalang.audio.Pcm;
import vn.loalang.audio.analysis.PcmAnalysis;
import vn.loalang.controller.server.Controller;
import vn.loalang.controller.server.ControllerConfig;
import vn.loalang.protocol.station.EventType;
import vn.loalang.protocol.station.StationEvent;
import vn.loalang.systemtests.support.Closing;
import vn.loalang.systemtests.support.BrokerUnderTest;
import vn.loalang.systemtests.support.Ports;
import vn.loalang.systemtests.support.SimulatedStation;
import vn.loalang.systemtests.support.TestClock;
import vn.loalang.systemtests.support.TestCommune;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The whole path on a real broker: the controller compiles the commune's program, signs and
 * publishes each station's schedule; two simulated stations fetch the content, and at 05:30 in
 * Hà Nội switch their relay, play the playlist into a WAV file and report every item; the
 * controller receives the play log. Subclasses choose the broker.
 */
abstract class SessionEndToEndTest {
    static final ZonedDateTime MORNING = ZonedDateTime.of(2026, 11, 24, 5, 30, 0, 0, ZoneId.of(TestCommune.ZONE));
    static final String SESSION = "2026-11-24.morning";
    static final long WARMUP_MS = 1000;
    static final long TAIL_MS = 500;

    /** An item as the test expects to hear it. */
    record Expected(String contentId, double hz, long millis) {
    }

    static final List<Expected> THON_DONG = List.of(new Expected("tone-440", 440, 2000),
            new Expected("tone-1000", 1000, 1500), new Expected("tone-660", 660, 1000));
    static final List<Expected> THON_TAY = List.of(new Expected("tone-660", 660, 1000),
            new Expected("tone-440", 440, 2000));

    @TempDir
    Path dir;
    TestClock clock;
    BrokerUnderTest broker;
    Controller controller;
    SimulatedStation dong;
    SimulatedStation tay;

    abstract BrokerUnderTest startBroker(Path dir) throws Exception;

    @BeforeEach
    void startTheCommune() throws Exception {
        clock = new TestClock(MORNING.minusMinutes(30).toInstant());
        broker = startBroker(dir.resolve("broker"));
        ControllerConfig config = ControllerConfig.of(TestCommune.write(dir.resolve("commune")), dir.resolve("controller"))
                .withHttp("127.0.0.1", 0, null);
        config = broker.externalUrl() == null ? config.withEmbeddedBroker("127.0.0.1", Ports.free())
                : config.withExternalBroker(broker.externalUrl(), null, null);
        controller = Controller.start(config, clock);
        String url = controller.brokerUrl();
        dong = new SimulatedStation("thon-dong-1", url, controller.keyId(), controller.publicKeyPem(),
                dir.resolve("thon-dong-1"), clock, true, WARMUP_MS, TAIL_MS).start();
        tay = new SimulatedStation("thon-tay-1", url, controller.keyId(), controller.publicKeyPem(),
                dir.resolve("thon-tay-1"), clock, false, WARMUP_MS, TAIL_MS).start();
        await("content of the morning session cached on both stations").atMost(Duration.ofSeconds(30))
                .until(() -> has(dong, EventType.CONTENT_READY) && has(tay, EventType.CONTENT_READY));
    }

    @AfterEach
    void stopTheCommune() throws Exception {
        Closing.inOrder(dong, tay, controller, broker);
    }

    @Test
    void theMorningSessionPlaysOnEveryStationOnTimeAndIsReported() throws Exception {
        clock.jumpTo(MORNING.toInstant().minusSeconds(2));
        awaitSessionReported(Duration.ofSeconds(30));
        verifyStation(dong, THON_DONG);
        verifyStation(tay, THON_TAY);
        assertEquals(0, controller.monitor().totals().gaps(), "no event went missing");
        assertEquals(0, controller.monitor().totals().itemsFailed());
    }

    @Test
    void aBrokerRestartDuringTheSessionLosesNothing() throws Exception {
        clock.jumpTo(MORNING.toInstant().minusSeconds(2));
        broker.stop();
        // The stations play from the schedule they hold, with no broker at all.
        await("both sessions rendered while the broker is down").atMost(Duration.ofSeconds(30))
                .until(() -> relayCycles(dong) == 1 && relayCycles(tay) == 1 && !dong.relayOn() && !tay.relayOn());
        assertFalse(controller.monitor().eventLog().events().stream().anyMatch(e -> e.type() == EventType.SESSION_STARTED),
                "nothing can have reached the controller yet");
        broker.start();
        awaitSessionReported(Duration.ofSeconds(60));
        verifyStation(dong, THON_DONG);
        verifyStation(tay, THON_TAY);
        // A station counts a connection once its subscriptions and birth are done, which can come a moment
        // after its first events are already through: wait for the count, do not race it.
        await("stations reconnected").atMost(Duration.ofSeconds(10))
                .until(() -> dong.agent().connects() >= 2 && tay.agent().connects() >= 2);
        await("the controller acknowledged everything").atMost(Duration.ofSeconds(30))
                .until(() -> dong.agent().pendingEvents() == 0 && tay.agent().pendingEvents() == 0);
        List<StationEvent> playLog = controller.monitor().eventLog().events();
        assertEquals(playLog.size(), playLog.stream().map(e -> e.stationId() + "/" + e.stream() + "/" + e.seq())
                .distinct().count(), "each event once in the play log, by station, stream and number");
    }

    @Test
    void daysWithoutABrokerTheStationsPlayWhatTheyHoldAndThePlayLogArrivesWholeAndOnce() throws Exception {
        broker.stop();
        // Three sessions over two days with no broker and so no controller: each played from the disk.
        List<ZonedDateTime> starts = List.of(MORNING, MORNING.withHour(17).withMinute(0), MORNING.plusDays(1));
        List<String> sessions = List.of(SESSION, "2026-11-24.evening", "2026-11-25.morning");
        for (int i = 0; i < starts.size(); i++) {
            clock.jumpTo(starts.get(i).toInstant().minusSeconds(2));
            long cycles = i + 1;
            await(sessions.get(i) + " played offline").atMost(Duration.ofSeconds(30))
                    .until(() -> relayCycles(dong) == cycles && relayCycles(tay) == cycles && !dong.relayOn()
                            && !tay.relayOn());
        }
        assertTrue(dong.agent().pendingEvents() > 0, "the play log waits on the station");
        broker.start();
        await("every missed play event delivered and acknowledged").atMost(Duration.ofSeconds(60))
                .until(() -> dong.agent().pendingEvents() == 0 && tay.agent().pendingEvents() == 0);
        for (SimulatedStation s : List.of(dong, tay)) {
            List<StationEvent> log = controller.monitor().eventLog().events().stream()
                    .filter(e -> e.stationId().equals(s.id())).toList();
            assertEquals(log.size(), log.stream().map(StationEvent::seq).distinct().count(), s.id() + ": each event once");
            List<Long> seqs = log.stream().map(StationEvent::seq).toList();
            assertEquals(seqs.stream().sorted().toList(), seqs, s.id() + ": in order");
            for (String session : sessions) {
                assertTrue(log.stream().anyMatch(e -> e.type() == EventType.SESSION_FINISHED && session.equals(e.sessionId())
                        && e.reason() == null), s.id() + " reported " + session + " played in full");
            }
        }
        assertEquals(0, controller.monitor().totals().gaps(), "no event went missing");
        assertEquals(0, controller.monitor().totals().itemsFailed());
    }

    private void awaitSessionReported(Duration timeout) {
        await("both stations report the end of the morning session").atMost(timeout)
                .until(() -> sessionFinished(dong) && sessionFinished(tay));
    }

    private boolean sessionFinished(SimulatedStation s) {
        return controller.monitor().eventLog().events(s.id()).stream()
                .anyMatch(e -> e.type() == EventType.SESSION_FINISHED && SESSION.equals(e.sessionId()));
    }

    private boolean has(SimulatedStation s, EventType type) {
        return controller.monitor().eventLog().events(s.id()).stream()
                .anyMatch(e -> e.type() == type && SESSION.equals(e.sessionId()));
    }

    private static long relayCycles(SimulatedStation s) {
        return transitions(s).stream().filter(SimulatedStation.Edge::on).count();
    }

    /** Relay edges with repeats of the same level removed. */
    private static List<SimulatedStation.Edge> transitions(SimulatedStation s) {
        List<SimulatedStation.Edge> out = new ArrayList<>();
        for (SimulatedStation.Edge e : s.relayEdges()) {
            if (out.isEmpty() || out.get(out.size() - 1).on() != e.on()) {
                out.add(e);
            }
        }
        return out;
    }

    private void verifyStation(SimulatedStation station, List<Expected> items) throws Exception {
        long playlistMs = items.stream().mapToLong(Expected::millis).sum();
        Instant start = MORNING.toInstant();

        // Relays: OFF from boot, ON once at the warm-up before the first sample, OFF after the tail.
        List<SimulatedStation.Edge> relay = transitions(station);
        assertEquals(3, relay.size(), station.id() + " relay edges " + relay);
        assertFalse(relay.get(0).on(), station.id() + " relay must be OFF at boot");
        Instant on = relay.get(1).at();
        Instant off = relay.get(2).at();
        // ON before the first sample and not needlessly early; a stall on a loaded machine may shorten the
        // warm-up but must not make the session late (checked on the audio timeline below).
        assertTrue(!on.isAfter(start) && !on.isBefore(start.minusMillis(WARMUP_MS + 50)),
                station.id() + " relay ON at " + on + ", expected between start − warm-up and the start " + start);
        assertTrue(!off.isBefore(start.plusMillis(playlistMs + TAIL_MS - 50)),
                station.id() + " relay OFF at " + off + " before the last sample and the tail");
        assertFalse(station.relayOn());

        // Rendered sound: warm-up silence, every item in order with its length, tail silence. The WAV
        // starts when the output opened, right after the relay edge: the warm-up it shows is the lead.
        Pcm pcm = AudioDecoder.decodeAll(station.wav(SESSION));
        long rate = pcm.format().sampleRate();
        List<PcmAnalysis.Segment> sound = PcmAnalysis.soundSegments(pcm, -45, Duration.ofMillis(20));
        assertFalse(sound.isEmpty(), station.id() + " rendered nothing audible");
        long lead = sound.get(0).start().toMillis();
        assertTrue(lead <= WARMUP_MS + 30 && lead >= WARMUP_MS - 600,
                station.id() + " first sound " + lead + " ms into the WAV; the warm-up is " + WARMUP_MS + " ms");
        assertWithin(lead + playlistMs + TAIL_MS, pcm.duration().toMillis(), 60, station.id() + " WAV length (ms)");
        assertWithin(lead + playlistMs, sound.get(sound.size() - 1).end().toMillis(), 50,
                station.id() + " last sound (ms into the WAV)");
        assertTrue(PcmAnalysis.rmsDbfs(pcm, 0, (lead - 20) * rate / 1000) < -70, station.id() + " silent warm-up");
        assertTrue(PcmAnalysis.rmsDbfs(pcm, (lead + playlistMs + 20) * rate / 1000, pcm.frames()) < -70,
                station.id() + " silent tail");
        long at = lead;
        for (Expected item : items) {
            long from = (at + item.millis() / 5) * rate / 1000;
            long to = (at + item.millis() * 4 / 5) * rate / 1000;
            assertEquals(item.hz(), PcmAnalysis.dominantOf(pcm, from, to, 440, 660, 1000), 0.01,
                    station.id() + " item " + item.contentId() + " at " + at + " ms");
            at += item.millis();
        }

        // Play log received by the controller: in order, numbered without gaps, stamped with when it played.
        List<StationEvent> log = controller.monitor().eventLog().events(station.id());
        for (int i = 1; i < log.size(); i++) {
            assertEquals(log.get(i - 1).seq() + 1, log.get(i).seq(), station.id() + " event numbers " + log);
        }
        List<StationEvent> session = log.stream().filter(e -> SESSION.equals(e.sessionId())
                && e.type() != EventType.CONTENT_READY && e.type() != EventType.CONTENT_FAILED).toList();
        List<String> expectedTypes = new ArrayList<>(List.of("SESSION_STARTED"));
        items.forEach(i -> expectedTypes.addAll(List.of("ITEM_STARTED " + i.contentId(), "ITEM_FINISHED " + i.contentId())));
        expectedTypes.add("SESSION_FINISHED");
        assertEquals(expectedTypes, session.stream()
                .map(e -> e.type() + (e.contentId() != null ? " " + e.contentId() : "")).toList(), station.id());
        Instant due = start;
        for (Expected item : items) {
            StationEvent started = session.stream().filter(e -> e.type() == EventType.ITEM_STARTED
                    && e.contentId().equals(item.contentId())).findFirst().orElseThrow();
            assertWithin(due, started.at(), 150, station.id() + " " + item.contentId() + " started");
            due = due.plusMillis(item.millis());
        }
        assertTrue(session.get(session.size() - 1).detail().contains("played " + items.size() + " of " + items.size()),
                session.get(session.size() - 1).detail());
    }

    static void assertWithin(Instant expected, Instant actual, long toleranceMs, String what) {
        long diff = Duration.between(expected, actual).toMillis();
        assertTrue(Math.abs(diff) <= toleranceMs, what + ": expected " + expected + " ± " + toleranceMs + " ms, was "
                + actual + " (" + diff + " ms off)");
    }

    static void assertWithin(long expected, long actual, long tolerance, String what) {
        assertTrue(Math.abs(actual - expected) <= tolerance, what + ": expected " + expected + " ± " + tolerance
                + ", was " + actual);
    }
}
