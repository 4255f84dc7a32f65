package vn.loalang.controller.schedule;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vn.loalang.audio.testing.Fixtures;
import vn.loalang.controller.content.ContentLibrary;
import vn.loalang.controller.directory.Commune;
import vn.loalang.controller.directory.Commune.DailySession;
import vn.loalang.controller.directory.Commune.LibraryEntry;
import vn.loalang.controller.directory.Commune.OneOffSession;
import vn.loalang.controller.directory.Commune.Program;
import vn.loalang.controller.directory.Commune.Station;
import vn.loalang.controller.directory.Commune.Village;
import vn.loalang.controller.directory.PlaylistEntry;
import vn.loalang.controller.directory.VolumeLimits;
import vn.loalang.controller.testing.TestFiles;
import vn.loalang.protocol.Json;
import vn.loalang.protocol.schedule.Schedule;
import vn.loalang.protocol.schedule.Session;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * The levels people set reach the signed schedules: each station's (or the commune's default) as
 * {@code stationVolumeDb}, each daily and one-off session's as its {@code volumeDb}; a commune that sets
 * none sends schedules without them, as before levels existed.
 */
class ScheduleVolumeTest {
    private static final URI BASE = URI.create("http://192.168.1.10:8080");
    private static final Instant NIGHT_BEFORE = Instant.parse("2026-11-23T20:00:00Z");

    @TempDir
    static Path base;
    static ContentLibrary library;

    @BeforeAll
    static void loadLibrary() throws IOException {
        TestFiles.copyFixture(Fixtures.ITEM_440HZ_2S, base);
        library = ContentLibrary.load(List.of(
                new LibraryEntry("gia-lua", "Giá lúa hôm nay", "market-prices", Fixtures.ITEM_440HZ_2S, 0.0)), base);
    }

    private static Commune commune(VolumeLimits range, Double dong1Db, Double morningDb, Double hopDanDb) {
        Program program = new Program(List.of(
                new DailySession("morning", "Buổi sáng", LocalTime.of(5, 30), LocalTime.of(6, 30),
                        PlaylistEntry.of(List.of("gia-lua")), null, null, null, null, morningDb),
                new DailySession("evening", "Buổi chiều", LocalTime.of(17, 0), LocalTime.of(18, 0), List.of("gia-lua"))),
                List.of(new OneOffSession("hop-dan", "Họp dân", LocalDate.of(2026, 11, 24), LocalTime.of(19, 0),
                        LocalTime.of(20, 0), PlaylistEntry.of(List.of("gia-lua")), hopDanDb)));
        return new Commune(new Commune.Settings("xa-an-binh", "Xã An Bình", "Asia/Ho_Chi_Minh", 2, null, null, null,
                range),
                List.of(new Village("thon-dong", "Thôn Đông", null)),
                List.of(new Station("thon-dong-1", null, "thon-dong", null, null, null, null, dong1Db),
                        new Station("thon-dong-2", null, "thon-dong")),
                List.of(), program);
    }

    private static Map<String, Schedule> compile(Commune c) throws ProgramException {
        return new ScheduleCompiler(c, library, BASE).compile(NIGHT_BEFORE, 7);
    }

    private static Session session(Schedule s, String id) {
        return s.sessions().stream().filter(x -> x.id().equals(id)).findFirst().orElseThrow();
    }

    @Test
    void stationAndSessionLevelsReachTheSchedules() throws ProgramException {
        Map<String, Schedule> schedules = compile(commune(null, -4.5, -12.0, 3.0));

        Schedule dong1 = schedules.get("thon-dong-1");
        assertEquals(-4.5, dong1.stationVolumeDb(), 1e-9);
        assertEquals(-12.0, session(dong1, "2026-11-24.morning").volumeDb(), 1e-9);
        assertEquals(-12.0, session(dong1, "2026-11-25.morning").volumeDb(), 1e-9, "every day of a daily session");
        assertNull(session(dong1, "2026-11-24.evening").volumeDb(), "a session without a level");
        assertEquals(3.0, session(dong1, "2026-11-24.hop-dan").volumeDb(), 1e-9, "a one-off session's");
        assertNull(schedules.get("thon-dong-2").stationVolumeDb(), "a station at the default 0 dB");
        assertEquals(-12.0, session(schedules.get("thon-dong-2"), "2026-11-24.morning").volumeDb(), 1e-9,
                "the session's level goes to every station that plays it");
    }

    @Test
    void aStationWithoutItsOwnLevelGetsTheCommunesDefault() throws ProgramException {
        Map<String, Schedule> schedules = compile(commune(new VolumeLimits(null, null, -6.0), -4.5, null, null));

        assertEquals(-4.5, schedules.get("thon-dong-1").stationVolumeDb(), 1e-9);
        assertEquals(-6.0, schedules.get("thon-dong-2").stationVolumeDb(), 1e-9);
        assertEquals(-6.0, schedules.get("thon-dong-2").stationVolume(), 1e-9);
    }

    @Test
    void aCommuneWithoutLevelsSendsNone() throws ProgramException {
        Schedule s = compile(commune(null, null, null, null)).get("thon-dong-1");

        String json = new String(Json.write(s), StandardCharsets.UTF_8);
        assertFalse(json.contains("olumeDb\":-") || json.matches(".*olumeDb\":[0-9].*"), json);
        assertNull(s.stationVolumeDb());
        assertEquals(0.0, session(s, "2026-11-24.morning").volume(), 1e-9);
    }
}
