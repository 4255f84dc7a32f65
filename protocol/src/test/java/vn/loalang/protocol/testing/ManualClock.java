package vn.loalang.protocol.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * A clock that stands still at a time the test chooses and moves only when the test moves it:
 * expiries, re-sends and deadlines without waiting for them. One for every module's tests.
 */
public final class ManualClock extends Clock {
    private final Instant[] now;
    private final ZoneId zone;

    public ManualClock(Instant start) {
        this(new Instant[]{start}, ZoneOffset.UTC);
    }

    private ManualClock(Instant[] now, ZoneId zone) {
        this.now = now;
        this.zone = zone;
    }

    public void set(Instant instant) {
        synchronized (now) {
            now[0] = instant;
        }
    }

    public void advance(Duration d) {
        synchronized (now) {
            now[0] = now[0].plus(d);
        }
    }

    @Override
    public Instant instant() {
        synchronized (now) {
            return now[0];
        }
    }

    @Override
    public ZoneId getZone() {
        return zone;
    }

    /** The same time in another zone: moving either moves both. */
    @Override
    public Clock withZone(ZoneId zone) {
        return new ManualClock(now, zone);
    }
}
