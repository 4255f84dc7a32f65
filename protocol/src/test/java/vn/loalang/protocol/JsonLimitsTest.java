package vn.loalang.protocol;

import org.junit.jupiter.api.Test;
import vn.loalang.protocol.station.StationState;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JsonLimitsTest {
    private static final String STATE = "{\"schema\":1,\"stationId\":\"thon-dong-1\",\"presence\":\"ONLINE\",\"bootId\":\"b\","
            + "\"connection\":1,\"agentVersion\":\"0.1.0\",\"at\":\"2026-11-23T22:30:00Z\"";

    @Test
    void anUnknownFieldNestedDeeperThanAnyMessageIsRefusedNotWalked() {
        String deep = "[".repeat(65) + "]".repeat(65);
        byte[] raw = (STATE + ",\"future\":" + deep + "}").getBytes(StandardCharsets.UTF_8);

        MalformedMessageException e = assertThrows(MalformedMessageException.class, () -> Json.read(raw, StationState.class));
        assertTrue(e.getMessage().contains("nesting depth"), e.getMessage());
    }

    @Test
    void aNumberOfMoreThanSixtyFourDigitsIsRefused() {
        byte[] raw = (STATE + ",\"future\":" + "9".repeat(65) + "}").getBytes(StandardCharsets.UTF_8);

        assertThrows(MalformedMessageException.class, () -> Json.read(raw, StationState.class));
    }

    @Test
    void unknownFieldsWithinTheLimitsAreIgnoredAsANewerPeerMayAddThem() throws Exception {
        String nested = "[".repeat(10) + "1" + "]".repeat(10);
        byte[] raw = (STATE + ",\"future\":" + nested + ",\"big\":" + "9".repeat(60) + "}").getBytes(StandardCharsets.UTF_8);

        assertEquals("thon-dong-1", Json.read(raw, StationState.class).stationId());
    }
}
