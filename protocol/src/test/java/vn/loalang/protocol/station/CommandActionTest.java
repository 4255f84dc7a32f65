package vn.loalang.protocol.station;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CommandActionTest {
    private static final Instant NOW = Instant.parse("2026-12-06T02:00:00Z");

    @Test
    void theWireNamesAreTheEnumsNames() {
        assertEquals(Set.of("TEST_TONE", "RELAY_TEST", "RESYNC", "RESTART", "UPDATE"), Command.ACTIONS);
        for (CommandAction a : CommandAction.values()) {
            if (a == CommandAction.UPDATE) {
                continue; // it carries a release: UpdateCommandTest
            }
            Command c = Command.of("c-1", "thon-1-a", a, 5, NOW, NOW.plusSeconds(60));
            assertEquals(a.name(), c.action());
            assertEquals(a, c.actionCode());
        }
        assertEquals(Optional.empty(), CommandAction.parse("FORMAT_DISK"));
    }

    @Test
    void onlyTheTimedActionsBoundTheirSeconds() {
        assertTrue(CommandAction.TEST_TONE.timed() && CommandAction.RELAY_TEST.timed());
        assertThrows(IllegalArgumentException.class,
                () -> Command.of("c-2", "thon-1-a", CommandAction.TEST_TONE, 61, NOW, NOW.plusSeconds(60)));
        assertEquals(0, Command.of("c-3", "thon-1-a", CommandAction.RESYNC, 0, NOW, NOW.plusSeconds(60)).seconds());
        assertThrows(IllegalArgumentException.class, () -> new Command(1, "c-4", "thon-1-a", "FORMAT_DISK", 5, NOW,
                NOW.plusSeconds(60)));
    }
}
