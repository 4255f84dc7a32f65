package vn.loalang.controller.alert;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vn.loalang.protocol.alert.AlertId;
import vn.loalang.protocol.alert.DeliveryState;
import vn.loalang.protocol.station.EventType;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Each loudspeaker's progress from its station's events, on a real store: forward only, by {@link DeliveryState}. */
class DeliveryTrackerTest {
    @TempDir
    Path dir;
    private AlertParts parts;
    private String id;

    @BeforeEach
    void alert() {
        parts = new AlertParts(dir);
        id = parts.stored("a-20261130-140000-1a2b", List.of("thon-tay")).id();
    }

    @AfterEach
    void close() {
        parts.close();
    }

    private String of(String station) {
        return parts.statuses(id).get(station);
    }

    private long deliveryAudits() {
        return parts.auditActions().stream().filter(a -> a.equals("thon-tay-1 alert.delivery " + id)).count();
    }

    @Test
    void eachEventMovesTheLoudspeakerOneStateOnUntilItIsHeardInFull() {
        assertEquals(Map.of("thon-tay-1", "PENDING", "thon-tay-2", "PENDING"), parts.statuses(id));
        parts.event("thon-tay-1", EventType.ALERT_RECEIVED, id, null);
        assertEquals("RECEIVED", of("thon-tay-1"));
        parts.event("thon-tay-1", EventType.SESSION_STARTED, id, null);
        assertEquals("RELAY_ON", of("thon-tay-1"));
        parts.event("thon-tay-1", EventType.ITEM_STARTED, id, null);
        assertEquals("PLAYING", of("thon-tay-1"));
        parts.event("thon-tay-1", EventType.SESSION_FINISHED, id, null);
        assertEquals("COMPLETED", of("thon-tay-1"));
        assertEquals("PENDING", of("thon-tay-2"), "one station's event moves its own row only");
        assertEquals(4, deliveryAudits(), "each move audited once");
    }

    @Test
    void eventsOutOfOrderNeverMoveItBack() {
        parts.event("thon-tay-1", EventType.ITEM_STARTED, id, null);
        assertEquals("PLAYING", of("thon-tay-1"), "PLAYING before RELAY_ON: the relay was on all the same");
        parts.event("thon-tay-1", EventType.SESSION_STARTED, id, null);
        parts.event("thon-tay-1", EventType.ALERT_RECEIVED, id, null);
        assertEquals("PLAYING", of("thon-tay-1"), "the late RELAY_ON and RECEIVED do not move it back");
        parts.event("thon-tay-1", EventType.SESSION_FINISHED, id, null);
        parts.event("thon-tay-1", EventType.ALERT_RECEIVED, id, null);
        parts.event("thon-tay-1", EventType.SESSION_FINISHED, AlertId.sessionId(id, 2), "OUTPUT_FAILED");
        assertEquals("COMPLETED", of("thon-tay-1"), "nothing leaves COMPLETED: a late RECEIVED, a repeat that failed");
        assertEquals(2, deliveryAudits(), "only the two moves are audited: PENDING → PLAYING → COMPLETED");
    }

    @Test
    void aSessionEndedByTheStationOrTheControllerEndsTheDelivery() {
        parts.event("thon-tay-1", EventType.SESSION_STARTED, id, null);
        parts.event("thon-tay-1", EventType.SESSION_FINISHED, id, "OUTPUT_FAILED");
        assertEquals("FAILED", of("thon-tay-1"));
        parts.event("thon-tay-1", EventType.SESSION_FINISHED, AlertId.sessionId(id, 2), null);
        assertEquals("FAILED", of("thon-tay-1"), "a later play heard in full does not undo the failure");
        parts.event("thon-tay-2", EventType.SESSION_FINISHED, id, "CANCELLED");
        assertEquals("CANCELLED", of("thon-tay-2"), "a cancel is not a failure");

        String other = parts.stored("a-20261130-140100-2b3c", List.of("thon-tay")).id();
        parts.event("thon-tay-1", EventType.ALERT_ENDED, other, "CANCELLED");
        assertEquals("CANCELLED", parts.statuses(other).get("thon-tay-1"));
        parts.event("thon-tay-2", EventType.SESSION_FINISHED, other, "PREEMPTED");
        assertEquals("FAILED", parts.statuses(other).get("thon-tay-2"), "held back by the station: not heard");
    }

    @Test
    void aRepeatCountsForItsAlertAndWhatIsNotAboutThisAlertMovesNothing() {
        parts.event("thon-tay-1", EventType.SESSION_STARTED, AlertId.sessionId(id, 3), null);
        assertEquals("RELAY_ON", of("thon-tay-1"), "the third play's session names the same alert");
        for (String session : List.of(id + "~1", id + "~02", id + "~x", id + "~2~3", "2026-11-30.sang",
                "a-20261130-999999-ffff")) {
            parts.event("thon-tay-2", EventType.ITEM_STARTED, session, null);
        }
        parts.event("thon-tay-2", EventType.ITEM_STARTED, null, null);
        parts.event("thon-dong-1", EventType.ITEM_STARTED, id, null);
        parts.event("thon-tay-2", EventType.CONTENT_READY, id, null);
        assertEquals(Map.of("thon-tay-1", "RELAY_ON", "thon-tay-2", "PENDING"), parts.statuses(id),
                "malformed names, a schedule's session, another alert, a station the alert did not go to,"
                        + " an event that says nothing of progress");
    }
}
