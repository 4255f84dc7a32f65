package vn.loalang.agent;

import org.junit.jupiter.api.Test;
import vn.loalang.protocol.Json;
import vn.loalang.protocol.station.Presence;
import vn.loalang.protocol.station.StationState;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Birth, Will and goodbye as the controller reads them: one boot id, numbered by connection. */
class StationPresenceTest {
    private static final Instant T0 = Instant.parse("2026-03-02T04:00:00Z");
    private final StationPresence presence = new StationPresence("st-01", "loalang/v1/station/st-01/state", "1.2.3",
            Clock.fixed(T0, ZoneOffset.UTC));

    private static StationState read(byte[] json) throws Exception {
        return Json.read(json, StationState.class);
    }

    @Test
    void birthSaysOnlineWithTheConnectionNumberAndBootId() throws Exception {
        StationState birth = read(presence.birth(3));

        assertEquals(new StationState(1, "st-01", Presence.ONLINE, presence.bootId(), 3, "1.2.3", T0), birth);
    }

    @Test
    void willAndGoodbyeSayOfflineForTheSameBoot() throws Exception {
        StationState will = read(presence.will(2));
        StationState goodbye = read(presence.goodbye(2));

        assertEquals(Presence.OFFLINE, will.presence());
        assertEquals(Presence.OFFLINE, goodbye.presence());
        assertEquals(presence.bootId(), will.bootId());
        assertEquals(2, will.connection());
    }

    @Test
    void aLateWillFromAnEarlierConnectionDoesNotSupersedeTheNewBirth() throws Exception {
        StationState staleWill = read(presence.will(1));
        StationState birth = read(presence.birth(2));

        assertFalse(staleWill.supersedes(birth));
        assertTrue(birth.supersedes(staleWill));
        assertTrue(read(presence.will(2)).supersedes(birth), "the Will of the current connection does");
    }

    @Test
    void everyBootHasItsOwnId() {
        StationPresence nextBoot = new StationPresence("st-01", "t", "1.2.3", Clock.systemUTC());

        assertNotEquals(presence.bootId(), nextBoot.bootId());
    }
}
