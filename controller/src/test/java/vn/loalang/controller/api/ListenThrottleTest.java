package vn.loalang.controller.api;

import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ListenThrottleTest {
    @Test
    void anAddressSpendsItsBurstThenGetsOneRequestASecondAndOthersAreUntouched() {
        Clock[] clock = {Clock.fixed(Instant.parse("2026-12-06T01:00:00Z"), ZoneOffset.UTC)};
        Clock moving = new Clock() {
            @Override
            public java.time.ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return clock[0].instant();
            }
        };
        ListenThrottle throttle = new ListenThrottle(moving, 3, 1.0);
        for (int i = 0; i < 3; i++) {
            assertTrue(throttle.allow("203.0.113.7"));
        }
        assertFalse(throttle.allow("203.0.113.7"));
        assertTrue(throttle.allow("203.0.113.8"), "another address has its own budget");
        // One IPv6 subscriber is one /64, whatever address of it he uses.
        for (int i = 0; i < 3; i++) {
            assertTrue(throttle.allow("2001:db8:1:2::" + (i + 1)));
        }
        assertFalse(throttle.allow("2001:db8:1:2::ffff"));

        clock[0] = Clock.offset(clock[0], java.time.Duration.ofMillis(1500));
        assertTrue(throttle.allow("203.0.113.7"), "a token back after a second");
        assertFalse(throttle.allow("203.0.113.7"));
        assertEquals(3, throttle.keys());
    }

    @Test
    void itsMemoryIsBounded() {
        ListenThrottle throttle = new ListenThrottle(Clock.systemUTC(), 5, 1.0);
        for (int i = 0; i < ListenThrottle.MAX_KEYS + 2_000; i++) {
            throttle.allow("10." + (i >> 16 & 255) + "." + (i >> 8 & 255) + "." + (i & 255));
        }
        assertTrue(throttle.keys() <= ListenThrottle.MAX_KEYS, throttle.keys() + " addresses kept");
    }
}
