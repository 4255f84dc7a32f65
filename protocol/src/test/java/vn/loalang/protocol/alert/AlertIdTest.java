package vn.loalang.protocol.alert;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AlertIdTest {
    @Test
    void everyPlaysSessionIdIsReadBackAsItsAlertAndPlay() {
        String id = AlertId.next(Instant.parse("2026-11-30T14:00:00Z"), new Random(7));
        assertTrue(id.matches("a-20261130-140000-[0-9a-f]{4}"), id);
        assertEquals(id, AlertId.sessionId(id, 1), "the first play is named as the alert");
        for (int play = 1; play <= Alert.MAX_REPEATS; play++) {
            String session = AlertId.sessionId(id, play);
            assertEquals(Optional.of(new AlertId.Play(id, play)), AlertId.parse(session), session);
        }
        assertEquals("a-1~3", AlertId.sessionId("a-1", 3), "the name stations have always given a repeat");
    }

    @Test
    void aNameNoStationMakesIsNotTakenForAnAlert() {
        for (String s : List.of("a-1~", "a-1~1", "a-1~0", "a-1~02", "a-1~x", "a-1~2~3", "a-1~11", "a-1~-2", "a-1~+2",
                "a-~2", "a-BAD~2", "a-1/2", "2026-12-01.sang", "", "~2")) {
            assertEquals(Optional.empty(), AlertId.parse(s), s);
        }
        assertEquals(Optional.empty(), AlertId.parse(null));
    }

    @Test
    void aPlayOutsideTheAlertsRepeatsOrOfABadIdIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> AlertId.sessionId("a-1", 0));
        assertThrows(IllegalArgumentException.class, () -> AlertId.sessionId("a-1", Alert.MAX_REPEATS + 1));
        assertThrows(IllegalArgumentException.class, () -> AlertId.sessionId("a-1~2", 2), "a session is not an alert");
        assertThrows(IllegalArgumentException.class, () -> AlertId.sessionId("A 1", 2));
    }
}
