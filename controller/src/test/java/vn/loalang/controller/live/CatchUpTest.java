package vn.loalang.controller.live;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vn.loalang.controller.directory.Commune;
import vn.loalang.controller.directory.LiveSettings;
import vn.loalang.controller.directory.PlaylistEntry;
import vn.loalang.controller.report.PlannedSessions;
import vn.loalang.controller.station.EventLog;
import vn.loalang.controller.station.SqliteEventLog;
import vn.loalang.controller.store.Store;
import vn.loalang.protocol.SchemaVersion;
import vn.loalang.protocol.schedule.EndRule;
import vn.loalang.protocol.schedule.Fallback;
import vn.loalang.protocol.schedule.Item;
import vn.loalang.protocol.schedule.LiveChannelId;
import vn.loalang.protocol.schedule.RelaySpec;
import vn.loalang.protocol.schedule.Schedule;
import vn.loalang.protocol.schedule.Session;
import vn.loalang.protocol.station.EventType;
import vn.loalang.protocol.station.StationEvent;

import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * VOV1 relayed 05:35–06:05 on 24 November 2026 to three stations, on a real SQLite store: tram-a heard 25 of
 * 30 minutes, tram-b 10 (a stall it never got over), tram-c nothing (it was offline). The evening session is
 * each station's next.
 */
class CatchUpTest {
    private static final Instant MORNING = Instant.parse("2026-11-23T22:30:00Z");
    private static final Instant SLOT_START = MORNING.plusSeconds(300);
    private static final Instant SLOT_END = MORNING.plusSeconds(2100);
    private static final Instant AFTER = MORNING.plusSeconds(3 * 3600);
    private static final Instant EVENING = MORNING.plusSeconds(11 * 3600 + 1800);

    @TempDir
    Path dir;
    private Store store;
    private EventLog events;
    private final Map<String, Long> seq = new HashMap<>();
    private final AtomicInteger compiles = new AtomicInteger();

    @BeforeEach
    void open() {
        store = Store.open(dir.resolve("loalang.db"));
        events = new SqliteEventLog(store, Clock.systemUTC());
        RelaySpec vov1 = new RelaySpec("vov1", "VOV1", URI.create("http://127.0.0.1/live/relay-vov1.mp3"),
                LiveChannelId.relay("vov1"), RelaySpec.CODEC_MP3, SLOT_START, SLOT_END, EndRule.FIXED, 10,
                Fallback.REST_OF_SESSION, null, RelaySpec.RELAY_JITTER_MILLIS);
        for (String station : List.of("tram-a", "tram-b", "tram-c")) {
            store.transaction(c -> {
                PlannedSessions.write(c, schedule(station, new Session("2026-11-24.morning", "Buổi sáng", MORNING,
                        MORNING.plusSeconds(3600), List.of(Item.live("relay-vov1", "VOV1", vov1, 0))), evening()));
                return null;
            });
        }
        event("tram-a", StationEvent.of(EventType.ITEM_DROPPED).played(300_000), SLOT_START.plusSeconds(310));
        event("tram-a", StationEvent.of(EventType.ITEM_RESUMED).played(300_000), SLOT_START.plusSeconds(600));
        event("tram-a", StationEvent.of(EventType.ITEM_FINISHED).played(1_500_000), SLOT_END);
        event("tram-b", StationEvent.of(EventType.ITEM_DROPPED).played(600_000), SLOT_START.plusSeconds(610));
        // Another day's relay of the same source: not this slot's.
        event("tram-c", StationEvent.of(EventType.ITEM_FINISHED).played(1_800_000), SLOT_END.plusSeconds(86_400));
    }

    @AfterEach
    void close() {
        store.close();
    }

    @Test
    void stationsBelowTheCoverageGetTheRecordingAtTheStartOfTheirNextSession() {
        CatchUp catchUp = catchUp(LiveSettings.MissedRelay.NEXT_SESSION);

        List<CatchUp.Coverage> coverage = catchUp.slotEnded("vov1", SLOT_START, SLOT_END, "rec-vov1-20261124-0535");

        assertEquals(List.of(new CatchUp.Coverage("tram-a", 1_500_000, 1_800_000, false),
                new CatchUp.Coverage("tram-b", 600_000, 1_800_000, true),
                new CatchUp.Coverage("tram-c", 0, 1_800_000, true)), coverage);
        assertEquals(Map.of("tram-b", Map.of("2026-11-24.evening", List.of("rec-vov1-20261124-0535")),
                "tram-c", Map.of("2026-11-24.evening", List.of("rec-vov1-20261124-0535"))), catchUp.lateItems());
        assertEquals(1, compiles.get(), "one compile puts them into the schedules");

        catchUp.slotEnded("vov1", SLOT_START, SLOT_END, "rec-vov1-20261124-0535");
        assertEquals(2, catchUp.lateItems().size(), "told twice, queued once");
        assertEquals(1, compiles.get());
    }

    @Test
    void aCommuneThatSkipsMissedRelaysQueuesNothing() {
        CatchUp catchUp = catchUp(LiveSettings.MissedRelay.SKIP);

        List<CatchUp.Coverage> coverage = catchUp.slotEnded("vov1", SLOT_START, SLOT_END, "rec-vov1-20261124-0535");

        assertEquals(2, coverage.stream().filter(CatchUp.Coverage::missed).count());
        assertEquals(Map.of(), catchUp.lateItems());
        assertEquals(0, compiles.get());
    }

    @Test
    void aProgramThatReplaysTheSourceIsCompiledAgainForItsNewestRecording() {
        Commune.Program replay = new Commune.Program(List.of(new Commune.DailySession("evening", null,
                java.time.LocalTime.of(18, 0), java.time.LocalTime.of(19, 0),
                List.of(new PlaylistEntry.LatestRecording("vov1")))), List.of());
        catchUp(LiveSettings.MissedRelay.SKIP, replay).slotEnded("vov1", SLOT_START, SLOT_END, "rec-vov1-20261124-0535");
        assertEquals(1, compiles.get());

        catchUp(LiveSettings.MissedRelay.SKIP, replay).slotEnded("dai-tinh", SLOT_START, SLOT_END, "rec-dai-tinh-20261124-0535");
        assertEquals(1, compiles.get(), "another source's recording changes no replay");
    }

    private CatchUp catchUp(LiveSettings.MissedRelay policy) {
        return catchUp(policy, null);
    }

    private CatchUp catchUp(LiveSettings.MissedRelay policy, Commune.Program program) {
        Commune commune = new Commune(new Commune.Settings("xa-an-binh", "Xã An Bình", "Asia/Ho_Chi_Minh", 1, null,
                null, null, new LiveSettings(policy, 80, null, null, null)),
                List.of(new Commune.Village("thon-dong", "Thôn Đông", null)), List.of(), List.of(), program);
        return new CatchUp(store, Clock.fixed(AFTER, ZoneOffset.UTC), () -> commune,
                station -> schedule(station, evening()), compiles::incrementAndGet);
    }

    private static Session evening() {
        return new Session("2026-11-24.evening", "Buổi chiều", EVENING, EVENING.plusSeconds(3600),
                List.of(new Item("gia-lua", "Giá lúa", "a".repeat(64), URI.create("http://127.0.0.1/content/x"), 100,
                        2000, 0)));
    }

    private static Schedule schedule(String station, Session... sessions) {
        return new Schedule(SchemaVersion.CURRENT, station, "thon-dong", 1, "Asia/Ho_Chi_Minh", MORNING.minusSeconds(3600),
                MORNING.plusSeconds(86_400), List.of(sessions));
    }

    private void event(String station, StationEvent.Draft draft, Instant at) {
        long n = seq.merge(station, 1L, Long::sum);
        events.record(draft.session("2026-11-24.morning").content("relay-vov1").numbered(station, "sd-1", n, at),
                new EventLog.Position(station, "sd-1", n, List.of()));
    }
}
