package vn.loalang.controller.station;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tinylog.Level;
import vn.loalang.controller.store.Store;
import vn.loalang.controller.testing.CapturedLog;
import vn.loalang.protocol.Json;
import vn.loalang.protocol.Topics;
import vn.loalang.protocol.station.EventType;
import vn.loalang.protocol.station.StationEvent;
import vn.loalang.protocol.station.WireLimits;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a stolen Pi can send on its own station's topics, with its own password: numbers and sizes no
 * real agent sends. Each is refused at constant cost and told once a minute; the station's real
 * events still go through afterwards.
 */
class HostileStationInputTest {
    private static final String DONG = "thon-dong-1";
    private static final Instant T0 = Instant.parse("2026-11-23T22:30:00Z");
    private static final long ENORMOUS = 1_000_000_000_000_000L;
    /** Far more than any refused message may cost, far less than counting towards 10^15 would take. */
    private static final Duration PROMPT = Duration.ofSeconds(2);

    private final Topics topics = new Topics("xa-an-binh/v1");
    private final List<Long> acks = new CopyOnWriteArrayList<>();
    private final List<StationEvent> taken = new CopyOnWriteArrayList<>();
    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    private final RefusalLog refusals = new RefusalLog(nanos::get);
    private Store store;

    @TempDir
    Path data;

    @AfterEach
    void close() {
        if (store != null) {
            store.close();
        }
    }

    @Test
    void theAttackOfTheIssueAPlayLogEventNumberedTenToTheFifteenIsRefusedAtOnce() {
        StationMonitor m = monitor();
        send(m, event(1), event(2));

        // A real event copied, with seq and pendingFrom set to 10^15: the controller once counted towards it.
        byte[] forged = Json.write(event(ENORMOUS).sentWith(ENORMOUS));
        assertTimeoutPreemptively(PROMPT, () -> m.handleEvent(topics.event(DONG), forged));
        assertTimeoutPreemptively(PROMPT, () -> m.handleEvent(topics.event(DONG), Json.write(event(ENORMOUS))));

        assertEquals(2, m.refused(DONG));
        assertEquals(List.of(1L, 2L), acks, "nothing acknowledged for the forged numbers");
        send(m, event(3));
        assertEquals(List.of(1L, 2L, 3L), seqs(), "the station's next real event is taken");
        assertEquals(3, acks.get(acks.size() - 1));
    }

    @Test
    void numbersNoAgentSendsAreRefusedWhateverTheJournalHolds() {
        StationMonitor m = monitor();
        send(m, event(WireLimits.MAX_SEQ + 1),                      // beyond what JSON readers hold exactly
                event(Long.MAX_VALUE),
                event(5).sentWith(6L),                              // holds nothing before 6, yet sends 5
                event(5).sentWith(0L),
                event(5).sentWith(-3L),
                numbered("stream with spaces", 1),
                numbered("x".repeat(WireLimits.MAX_ID_CHARS + 1), 1),
                numbered("../../etc", 1));

        assertEquals(8, m.refused(DONG));
        assertEquals(List.of(), taken);
        assertEquals(List.of(), acks);
        assertEquals(List.of(), m.eventLog().positions(), "no journal position was made up from them");
    }

    @Test
    void aJumpWithinWhatARealStationCanMissIsGivenUpInOneStep() {
        StationMonitor m = monitor();
        send(m, event(1));

        // The station was acknowledged up to 900,000 by a controller whose store was then restored from a backup.
        long from = 1 + WireLimits.MAX_SEQ_JUMP - 100_000;
        assertTimeoutPreemptively(PROMPT, () -> send(m, event(from).sentWith(from)));

        assertEquals(from, acks.get(acks.size() - 1));
        assertEquals(1, m.totals().gaps());
        assertEquals(0, m.refused(DONG));
    }

    @Test
    void whatIsHeldAheadOfAGapIsBounded() {
        StationMonitor m = monitor();
        send(m, event(1));
        List<StationEvent> ahead = new ArrayList<>();
        for (long seq = 3; seq < 3 + WireLimits.MAX_EVENTS_AHEAD + 10; seq++) {
            ahead.add(event(seq));
        }
        send(m, ahead.toArray(StationEvent[]::new));

        assertEquals(10, m.refused(DONG), "the ten beyond what is held ahead of the gap");
        assertEquals(WireLimits.MAX_EVENTS_AHEAD, m.eventLog().positions().get(0).ahead().size());
        send(m, event(2));
        assertEquals(2 + WireLimits.MAX_EVENTS_AHEAD, acks.get(acks.size() - 1), "the gap filled, the held ones follow");
    }

    @Test
    void aNumberFurtherAheadThanThirtyYearsOfEventsIsRefused() {
        StationMonitor m = monitor();
        send(m, event(1));

        send(m, event(2 + WireLimits.MAX_SEQ_JUMP), event(3 + WireLimits.MAX_SEQ_JUMP).sentWith(3 + WireLimits.MAX_SEQ_JUMP));

        assertEquals(2, m.refused(DONG));
        assertEquals(List.of(1L), seqs());
        assertEquals(List.of(), m.eventLog().positions().get(0).ahead());
    }

    @Test
    void contentNoAgentSendsIsCountedByItsNumberButNotKept() {
        StationMonitor m = monitor();
        StationEvent longId = StationEvent.of(EventType.ITEM_FINISHED).content("x".repeat(WireLimits.MAX_REF_CHARS + 1))
                .numbered(DONG, "sd-a", 1, T0);
        StationEvent year3000 = StationEvent.of(EventType.ITEM_FINISHED).numbered(DONG, "sd-a", 2,
                Instant.parse("3000-01-01T00:00:00Z"));
        StationEvent oldAgentsLongDetail = new StationEvent(1, DONG, "sd-a", 3, T0, EventType.ITEM_FAILED, null, "gia-lua",
                null, "DECODE_FAILED", "x".repeat(10_000), null);
        send(m, longId, year3000, oldAgentsLongDetail);

        assertEquals(2, m.refused(DONG));
        assertEquals(List.of(3L), seqs(), "only the one whose detail could be cut is kept");
        assertEquals(WireLimits.MAX_DETAIL_CHARS, taken.get(0).detail().length());
        assertEquals(3, acks.get(acks.size() - 1), "the journal moves on past the refused ones");
    }

    @Test
    void aFloodOfRefusalsIsCountedInFullAndToldOnceAMinute() {
        StationMonitor m = monitor();
        String told = "Station thon-dong-1: refused a message (OUT_OF_RANGE)";
        int before = CapturedLog.lines(RefusalLog.class, Level.WARN, told).size();

        for (int i = 0; i < 1000; i++) {
            m.handleEvent(topics.event(DONG), Json.write(event(Long.MAX_VALUE)));
        }
        assertEquals(before + 1, CapturedLog.lines(RefusalLog.class, Level.WARN, told).size());
        nanos.addAndGet(Duration.ofSeconds(61).toNanos());
        m.handleEvent(topics.event(DONG), Json.write(event(Long.MAX_VALUE)));

        List<CapturedLog.Line> lines = CapturedLog.lines(RefusalLog.class, Level.WARN, told);
        assertEquals(before + 2, lines.size());
        assertTrue(lines.get(lines.size() - 1).message().contains("999 more times"), lines.get(lines.size() - 1).message());
        assertEquals(1001, m.refused(DONG));
    }

    @Test
    void controlCharactersAStationSendsNeverReachTheLogRaw() {
        StationMonitor m = monitor();
        String forgedLine = "ok\n2026-12-05 INFO Station thon-tay-1 is online";
        byte[] raw = ("{\"schema\":1,\"stationId\":\"" + DONG + "\",\"stream\":\"sd-a\",\"seq\":1,\"at\":\"2026-11-23T22:30:00Z\","
                + "\"type\":\"ITEM_FAILED\",\"detail\":" + new String(Json.write(forgedLine), StandardCharsets.UTF_8) + "}")
                .getBytes(StandardCharsets.UTF_8);

        m.handleEvent(topics.event(DONG), raw);

        List<CapturedLog.Line> lines = CapturedLog.lines(StationMonitor.class, Level.WARN, "Station thon-dong-1 #1");
        assertEquals(1, lines.size());
        assertTrue(lines.get(0).message().contains("ok?2026-12-05 INFO"), lines.get(0).message());
    }

    // ---- the door: topic, size, rate -----------------------------------------------------------

    @Test
    void theIntakeRefusesOversizedMessagesUnknownStationsAndFloodsBeforeAnythingReadsThem() {
        List<String> handled = new ArrayList<>();
        StationIntake intake = new StationIntake(topics, () -> Set.of(DONG), refusals, nanos::get);
        var guarded = intake.guard(StationIntake.Kind.EVENT, (topic, raw) -> handled.add(topic));

        guarded.accept(topics.event(DONG), new byte[WireLimits.MAX_EVENT_BYTES + 1]);
        guarded.accept(topics.event("thon-bac-9"), new byte[10]);
        guarded.accept(topics.state(DONG), new byte[10]);
        assertEquals(List.of(), handled);
        assertEquals(1, refusals.count(DONG));
        assertEquals(2, refusals.count("(none)"));

        for (int i = 0; i < 10_000; i++) {
            guarded.accept(topics.event(DONG), new byte[10]);
        }
        assertEquals(500, handled.size(), "a burst of 500 events, then the rate");
        nanos.addAndGet(Duration.ofSeconds(2).toNanos());
        for (int i = 0; i < 100; i++) {
            guarded.accept(topics.event(DONG), new byte[10]);
        }
        assertEquals(510, handled.size(), "the rate refills with time (5 a second)");

        // Within its rate, all day long: no more than 20,000 events a day reach the store.
        for (int second = 0; second < 6 * 3600; second++) {
            nanos.addAndGet(Duration.ofSeconds(1).toNanos());
            for (int i = 0; i < 5; i++) {
                guarded.accept(topics.event(DONG), new byte[10]);
            }
        }
        assertTrue(handled.size() <= 20_000 + 20_000 / 4 + 1, "the day's budget holds: " + handled.size());
        assertTrue(handled.size() >= 20_000, "and a real station's month of backlog fits in it: " + handled.size());
    }

    @Test
    void theIntakeKeepsAnExceptionFromAHandlerAwayFromTheMqttClient() {
        StationIntake intake = new StationIntake(topics, () -> Set.of(DONG), refusals, nanos::get);
        var guarded = intake.guard(StationIntake.Kind.TELEMETRY, (topic, raw) -> {
            throw new IllegalStateException("a bug");
        });

        guarded.accept(topics.telemetry(DONG), new byte[10]);

        assertEquals(1, refusals.count(DONG));
    }

    // ---- helpers ------------------------------------------------------------------------------------

    private StationMonitor monitor() {
        store = Store.open(data.resolve("loalang.db"));
        StationMonitor m = new StationMonitor(topics, () -> Set.of(DONG),
                new SqliteEventLog(store, Clock.fixed(T0.plusSeconds(600), ZoneOffset.UTC)), refusals);
        m.onAcknowledge((station, stream, upTo) -> acks.add(upTo));
        m.onEvent(taken::add);
        return m;
    }

    private void send(StationMonitor m, StationEvent... events) {
        for (StationEvent e : events) {
            m.handleEvent(topics.event(DONG), Json.write(e));
        }
    }

    private static StationEvent event(long seq) {
        return numbered("sd-a", seq);
    }

    private static StationEvent numbered(String stream, long seq) {
        return StationEvent.of(EventType.ITEM_FINISHED).session("2026-11-24.morning").content("gia-lua")
                .numbered(DONG, stream, seq, T0);
    }

    private List<Long> seqs() {
        return taken.stream().map(StationEvent::seq).toList();
    }
}
