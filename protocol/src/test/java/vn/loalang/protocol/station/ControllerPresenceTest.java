package vn.loalang.protocol.station;

import org.junit.jupiter.api.Test;
import vn.loalang.protocol.Json;
import vn.loalang.protocol.MalformedMessageException;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ControllerPresenceTest {
    @Test
    void readsWhatControllersBeforeTheRecordWrote() throws Exception {
        // Written by controllers up to issue 14 from a map: the same fields, in any order.
        String older = "{\"commune\":\"xa-an-binh\",\"bootId\":\"b-1\",\"presence\":\"ONLINE\"}";

        ControllerPresence p = Json.read(older.getBytes(StandardCharsets.UTF_8), ControllerPresence.class);

        assertEquals(ControllerPresence.online("b-1", "xa-an-binh"), p);
    }

    @Test
    void theLastWillNamesNoCommuneAndANewerFieldIsIgnored() throws Exception {
        String will = "{\"presence\":\"OFFLINE\",\"bootId\":\"b-1\",\"since\":\"2027-01-01T00:00:00Z\"}";

        ControllerPresence p = Json.read(will.getBytes(StandardCharsets.UTF_8), ControllerPresence.class);

        assertEquals(Presence.OFFLINE, p.presence());
        assertNull(p.commune());
        assertEquals(new String(Json.write(ControllerPresence.offline("b-1")), StandardCharsets.UTF_8),
                "{\"presence\":\"OFFLINE\",\"bootId\":\"b-1\"}");
    }

    @Test
    void aPresenceWithoutItsBootIsRefused() {
        assertThrows(MalformedMessageException.class, () -> Json.read(
                "{\"presence\":\"ONLINE\"}".getBytes(StandardCharsets.UTF_8), ControllerPresence.class));
    }
}
