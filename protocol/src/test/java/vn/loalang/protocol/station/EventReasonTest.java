package vn.loalang.protocol.station;

import org.junit.jupiter.api.Test;
import vn.loalang.protocol.Json;
import vn.loalang.protocol.signing.RejectReason;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EventReasonTest {
    private static final Instant AT = Instant.parse("2026-12-06T05:00:00Z");

    @Test
    void everyReasonTheTrustGateGivesIsAnEventReason() {
        for (RejectReason r : RejectReason.values()) {
            assertEquals(r.name(), EventReason.of(r).name());
        }
    }

    @Test
    void aReasonTravelsAsItsNameAndIsReadBack() throws Exception {
        StationEvent sent = StationEvent.of(EventType.SESSION_FINISHED).session("sang").reason(EventReason.WINDOW_ENDED)
                .numbered("thon-1-a", "s1", 3, AT);
        String json = new String(Json.write(sent), StandardCharsets.UTF_8);

        StationEvent read = Json.read(json.getBytes(StandardCharsets.UTF_8), StationEvent.class);

        assertTrue(json.contains("\"reason\":\"WINDOW_ENDED\""), json);
        assertEquals(Optional.of(EventReason.WINDOW_ENDED), read.reasonCode());
    }

    @Test
    void aReasonFromANewerAgentIsKeptAsTextNotRefused() throws Exception {
        String json = "{\"schema\":1,\"stationId\":\"thon-1-a\",\"stream\":\"s1\",\"seq\":4,"
                + "\"at\":\"2026-12-06T05:00:00Z\",\"type\":\"SESSION_FINISHED\",\"reason\":\"SOLAR_LOW\"}";

        StationEvent read = Json.read(json.getBytes(StandardCharsets.UTF_8), StationEvent.class);

        assertEquals("SOLAR_LOW", read.reason());
        assertEquals(Optional.empty(), read.reasonCode());
        assertEquals(SessionOutcome.FAILED, SessionOutcome.of(read));
    }

    @Test
    void noReasonIsNoneOnTheWire() {
        StationEvent e = StationEvent.of(EventType.COMMAND_DONE).session("c-1").reason(null).numbered("thon-1-a", "s1", 1, AT);

        assertNull(e.reason());
        assertEquals(Optional.empty(), e.reasonCode());
        assertEquals(CommandOutcome.DONE, CommandOutcome.of(e));
        assertEquals(Optional.empty(), EventReason.parse(null));
    }

    @Test
    void aSessionsOutcomeIsReadOneWay() {
        assertEquals(SessionOutcome.COMPLETED, SessionOutcome.of(finished(null)));
        assertEquals(SessionOutcome.CANCELLED, SessionOutcome.of(finished(EventReason.CANCELLED)));
        assertEquals(SessionOutcome.HELD_BACK, SessionOutcome.of(finished(EventReason.PREEMPTED)));
        assertEquals(SessionOutcome.HELD_BACK, SessionOutcome.of(finished(EventReason.QUIET_HOURS)));
        for (EventReason fault : new EventReason[]{EventReason.WINDOW_ENDED, EventReason.OUTPUT_STALLED,
                EventReason.OUTPUT_FAILED, EventReason.STOPPED, EventReason.MISSED}) {
            assertEquals(SessionOutcome.FAILED, SessionOutcome.of(finished(fault)), fault.name());
        }
    }

    @Test
    void anOutcomeIsOnlyReadFromTheEventThatEndsIt() {
        StationEvent started = StationEvent.of(EventType.SESSION_STARTED).session("sang").numbered("thon-1-a", "s1", 1, AT);

        assertThrows(IllegalArgumentException.class, () -> SessionOutcome.of(started));
        assertThrows(IllegalArgumentException.class, () -> CommandOutcome.of(started));
        assertEquals(CommandOutcome.FAILED, CommandOutcome.of(StationEvent.of(EventType.COMMAND_DONE).session("c-2")
                .reason(EventReason.NOT_SUPERVISED).numbered("thon-1-a", "s1", 2, AT)));
    }

    private static StationEvent finished(EventReason reason) {
        return StationEvent.of(EventType.SESSION_FINISHED).session("sang").reason(reason).numbered("thon-1-a", "s1", 1, AT);
    }
}
