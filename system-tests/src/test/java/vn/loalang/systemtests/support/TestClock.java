package vn.loalang.systemtests.support;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * A clock that runs at real speed from a time the test chooses, and can be moved forward: the
 * system starts at leisure "half an hour before the morning session" and the test then jumps to a
 * few seconds before it. Shared by the controller and the stations, like NTP-synchronised clocks.
 */
public final class TestClock extends Clock {
    private volatile Duration offset;

    public TestClock(Instant now) {
        this.offset = Duration.between(Instant.now(), now);
    }

    public void jumpTo(Instant now) {
        offset = Duration.between(Instant.now(), now);
    }

    @Override
    public Instant instant() {
        return Instant.now().plus(offset);
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        throw new UnsupportedOperationException("the test clock is UTC; zones are applied by the code under test");
    }
}
