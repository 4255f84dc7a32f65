package vn.loalang.controller.station;

import vn.loalang.protocol.station.EventReason;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vn.loalang.controller.store.Store;
import vn.loalang.controller.store.StoreException;
import vn.loalang.protocol.Json;
import vn.loalang.protocol.SchemaVersion;
import vn.loalang.protocol.Topics;
import vn.loalang.protocol.station.EventType;
import vn.loalang.protocol.station.StationEvent;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The play log on a real SQLite file. */
class SqliteEventLogTest {
    private static final Instant T0 = Instant.parse("2026-11-23T22:30:00Z");
    private static final Clock CLOCK = Clock.fixed(T0.plusSeconds(5), ZoneOffset.UTC);
    private static final String DONG = "thon-dong-1";

    @TempDir
    Path data;
    Store store;

    @BeforeEach
    void open() {
        store = Store.open(data.resolve("loalang.db"));
    }

    @AfterEach
    void close() {
        store.close();
    }

    @Test
    void givesBackEveryFieldOfAnEventInTheOrderTaken() {
        EventLog log = new SqliteEventLog(store, CLOCK);
        StationEvent full = StationEvent.of(EventType.ITEM_FAILED).session("2026-11-24.morning").content("gia-lua")
                .scheduleVersion(1_764_000_000_000L).reason(EventReason.DECODE_FAILED).detail("Tệp âm thanh hỏng: không đọc được")
                .numbered(DONG, "sd-a", 2, T0).sentWith(1L);
        StationEvent bare = StationEvent.of(EventType.SESSION_STARTED).numbered(DONG, "sd-a", 1, T0.plusMillis(1));

        log.record(full, new EventLog.Position(DONG, "sd-a", 0, List.of(2L)));
        log.record(bare, new EventLog.Position(DONG, "sd-a", 2, List.of()));

        assertEquals(List.of(full, bare), log.events());
        assertEquals(List.of(new EventLog.Position(DONG, "sd-a", 2, List.of())), log.positions());
    }

    @Test
    void aLiveItemsDropAndResumeAreTakenAndKeepHowMuchWasHeardAndWhetherItWasLate() {
        Topics topics = new Topics("xa-an-binh/v1");
        StationMonitor monitor = new StationMonitor(topics, Set.of(DONG), new SqliteEventLog(store, CLOCK));
        List<StationEvent> sent = List.of(
                StationEvent.of(EventType.ITEM_STARTED).session("2026-11-24.morning").content("relay-vov1")
                        .numbered(DONG, "sd-a", 1, T0),
                StationEvent.of(EventType.ITEM_DROPPED).session("2026-11-24.morning").content("relay-vov1")
                        .reason(EventReason.STREAM_STALLED).played(61_250).numbered(DONG, "sd-a", 2, T0.plusSeconds(71)),
                StationEvent.of(EventType.ITEM_RESUMED).session("2026-11-24.morning").content("relay-vov1")
                        .played(61_250).numbered(DONG, "sd-a", 3, T0.plusSeconds(95)),
                // An older agent's overlong detail is cut on the way in: the new fields must survive the cut.
                StationEvent.of(EventType.ITEM_FINISHED).session("2026-11-25.morning").content("rec-vov1-20261124-0535")
                        .played(900_000).markedLate().numbered(DONG, "sd-a", 4, T0.plusSeconds(86_400)));
        for (StationEvent e : sent) {
            monitor.handleEvent(topics.event(DONG), Json.write(e));
        }
        monitor.handleEvent(topics.event(DONG), Json.write(new StationEvent(SchemaVersion.CURRENT, DONG, "sd-a", 5,
                T0.plusSeconds(86_500), EventType.ITEM_FINISHED, "2026-11-25.morning", "gia-lua", null, null,
                "x".repeat(5000), null, 12_000L, true)));

        store.close();
        store = Store.open(data.resolve("loalang.db"));
        List<StationEvent> kept = new SqliteEventLog(store, CLOCK).events();
        assertEquals(sent, kept.subList(0, 4));
        assertEquals(List.of(12_000L, true), List.of(kept.get(4).playedMillis(), kept.get(4).late()));
        assertEquals(null, kept.get(0).playedMillis(), "none said: none kept");
        assertEquals(null, kept.get(0).late());
    }

    @Test
    void storesTimesSoThatSortingTheTextSortsByTime() {
        EventLog log = new SqliteEventLog(store, CLOCK);
        // Instant.toString() would write 22:30:00.5Z and 22:30:00.53Z, which sort the wrong way round as text.
        log.record(StationEvent.of(EventType.ITEM_STARTED).numbered(DONG, "sd-a", 1, T0.plusMillis(530)),
                new EventLog.Position(DONG, "sd-a", 1, List.of()));
        log.record(StationEvent.of(EventType.ITEM_STARTED).numbered(DONG, "sd-a", 2, T0.plusMillis(500)),
                new EventLog.Position(DONG, "sd-a", 2, List.of()));

        List<Long> byTime = store.query(c -> {
            List<Long> out = new ArrayList<>();
            try (var s = c.prepareStatement("SELECT seq FROM station_event ORDER BY at"); var rs = s.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getLong(1));
                }
            }
            return out;
        });

        assertEquals(List.of(2L, 1L), byTime);
        assertEquals(T0.plusMillis(530), log.events().get(0).at(), "and read back exactly");
    }

    @Test
    void keepsThePositionOfEachStationWithItsNumbersAheadOfAGap() {
        EventLog log = new SqliteEventLog(store, CLOCK);
        log.record(null, new EventLog.Position(DONG, "sd-a", 3, List.of(5L, 9L)));
        log.record(null, new EventLog.Position("thon-tay-1", "sd-t", 1, List.of()));
        // A new journal replaces the old one, numbers ahead included.
        log.record(null, new EventLog.Position(DONG, "sd-b", 0, List.of(2L)));

        assertEquals(List.of(new EventLog.Position(DONG, "sd-b", 0, List.of(2L)),
                new EventLog.Position("thon-tay-1", "sd-t", 1, List.of())), log.positions());
        assertEquals(List.of(), log.events());
    }

    @Test
    void anEventThatCannotBeWrittenDoesNotMoveThePosition() {
        EventLog log = new SqliteEventLog(store, CLOCK);
        StationEvent first = event(1);
        log.record(first, new EventLog.Position(DONG, "sd-a", 1, List.of()));

        // The same (station, stream, seq) again breaks the key: the position must stay where it was.
        assertThrows(StoreException.class, () -> log.record(first, new EventLog.Position(DONG, "sd-a", 9, List.of())));

        assertEquals(List.of(new EventLog.Position(DONG, "sd-a", 1, List.of())), log.positions());
        assertEquals(List.of(first), log.events());
    }

    @Test
    void aControllerKilledBetweenIntakeAndReceiptComesBackWithTheSameDedupState() {
        Topics topics = new Topics("xa-an-binh/v1");
        List<Long> acks = new ArrayList<>();
        StationMonitor before = new StationMonitor(topics, Set.of(DONG), new SqliteEventLog(store, CLOCK));
        before.onAcknowledge((station, stream, upTo) -> acks.add(upTo));
        for (long seq : new long[] {1, 2, 4, 6}) {
            before.handleEvent(topics.event(DONG), Json.write(event(seq)));
        }
        List<EventLog.Position> held = new SqliteEventLog(store, CLOCK).positions();

        // Killed: the connection goes away without the monitor knowing; a new process opens the file.
        store.close();
        store = Store.open(data.resolve("loalang.db"));
        EventLog reopened = new SqliteEventLog(store, CLOCK);
        assertEquals(held, reopened.positions());
        assertEquals(List.of(new EventLog.Position(DONG, "sd-a", 2, List.of(4L, 6L))), reopened.positions());

        StationMonitor after = new StationMonitor(topics, Set.of(DONG), reopened);
        after.onAcknowledge((station, stream, upTo) -> acks.add(upTo));
        List<StationEvent> taken = new ArrayList<>();
        after.onEvent(taken::add);
        acks.clear();
        for (long seq : new long[] {1, 2, 4, 6, 3, 5}) {
            after.handleEvent(topics.event(DONG), Json.write(event(seq)));
        }

        assertEquals(List.of(3L, 5L), taken.stream().map(StationEvent::seq).toList(), "only the missing ones are new");
        assertEquals(4, after.totals().duplicatesDropped());
        assertEquals(List.of(2L, 2L, 2L, 2L, 4L, 6L), acks);
        assertEquals(List.of(1L, 2L, 4L, 6L, 3L, 5L), reopened.events().stream().map(StationEvent::seq).toList());
    }

    @Test
    void aSessionIsHeardOnlyOnceAnItemOfItStartedOnThatStationOrWhenSomethingOutrankingItHeldItOff() {
        SqliteEventLog log = new SqliteEventLog(store, CLOCK);
        List<StationEvent.Draft> said = List.of(
                // The sound card could not be opened: started, relay on and off, nothing on the line.
                StationEvent.of(EventType.SESSION_STARTED).session("output-failed"),
                StationEvent.of(EventType.SESSION_FINISHED).session("output-failed").reason(EventReason.OUTPUT_FAILED),
                StationEvent.of(EventType.SESSION_FINISHED).session("agent-down").reason(EventReason.MISSED),
                StationEvent.of(EventType.SESSION_FINISHED).session("too-late").reason(EventReason.WINDOW_ENDED),
                StationEvent.of(EventType.SESSION_STARTED).session("played"),
                StationEvent.of(EventType.ITEM_FAILED).session("played").content("gia-lua").reason(EventReason.DECODE_FAILED),
                StationEvent.of(EventType.ITEM_STARTED).session("played").content("bao-hiem"),
                // Held off the line by an emergency for its whole window: no fault of the station.
                StationEvent.of(EventType.SESSION_FINISHED).session("held-off").reason(EventReason.PREEMPTED));
        long seq = 0;
        for (StationEvent.Draft e : said) {
            seq++;
            log.record(e.numbered(DONG, "sd-a", seq, T0.plusSeconds(seq)), new EventLog.Position(DONG, "sd-a", seq, List.of()));
        }
        log.record(StationEvent.of(EventType.ITEM_STARTED).session("elsewhere").numbered("thon-tay-1", "sd-t", 1, T0),
                new EventLog.Position("thon-tay-1", "sd-t", 1, List.of()));

        assertEquals(Set.of("played", "held-off"), log.sessionsHeard(DONG,
                List.of("output-failed", "agent-down", "too-late", "played", "held-off", "elsewhere", "never-said")));
    }

    private static StationEvent event(long seq) {
        return StationEvent.of(EventType.ITEM_FINISHED).session("2026-11-24.morning").content("gia-lua")
                .numbered(DONG, "sd-a", seq, T0.plusSeconds(seq));
    }
}
