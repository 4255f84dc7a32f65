package vn.loalang.controller.cli;

import org.junit.jupiter.api.Test;
import vn.loalang.protocol.config.Option;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code station}'s own options come from definitions too: a bad value is refused before any login. */
class StationCommandOptionsTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return StationCommand.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void aTestLongerThanAStationPlaysIsRefusedWithTheRule() {
        assertEquals(2, run("--user", "ky.thuat", "--station", "thon-dong-1", "--action", "test_tone", "--seconds", "90"));
        assertTrue(err.toString(StandardCharsets.UTF_8).startsWith("Tuỳ chọn sai / a bad option: --seconds = 90 is not allowed: give the test's length "
                + "as a whole number of seconds from 1 to 60, e.g. 5"), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void anUnknownActionAndAMissingStationSayWhatToGive() {
        assertEquals(2, run("--user", "ky.thuat", "--station", "thon-dong-1", "--action", "REBOOT"));
        assertTrue(err.toString(StandardCharsets.UTF_8).startsWith("Tuỳ chọn sai / a bad option: --action = REBOOT is not allowed: give the command as "
                + "LIST, TEST_TONE, RELAY_TEST, RESYNC, RESTART or UPDATE (any case), e.g. TEST_TONE"), err.toString(StandardCharsets.UTF_8));
        err.reset();
        assertEquals(2, run("--user", "ky.thuat", "--action", "LIST"));
        assertTrue(err.toString(StandardCharsets.UTF_8).startsWith("Tuỳ chọn sai / a bad option: --station is missing: give the station as 1 to 64 "
                + "characters"), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void itsUsageListsEachOfItsOptions() {
        for (Option<?> o : List.of(StationCommandOptions.STATION, StationCommandOptions.ACTION, StationCommandOptions.SECONDS,
                StationCommandOptions.WAIT, StationCommandOptions.RELEASE, StationCommandOptions.VILLAGE,
                StationCommandOptions.EVERY_STATION)) {
            assertTrue(StationCommand.USAGE.contains("  --" + o.key() + " " + o.metavar()), StationCommand.USAGE);
        }
    }
}
