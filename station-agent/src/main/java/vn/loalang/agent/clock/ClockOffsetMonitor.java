package vn.loalang.agent.clock;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import vn.loalang.agent.events.EventOutbox;
import vn.loalang.protocol.station.EventReason;
import vn.loalang.protocol.station.EventType;
import vn.loalang.protocol.station.StationEvent;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * How far the station clock is from the controller's, learnt from the signing time of the
 * controller's messages, and a CLOCK_OFFSET event whenever it leaves or re-enters the allowed limit.
 *
 * <p>Each message gives one sample, {@code issuedAt − station clock on arrival}, which is the true
 * offset minus the time the message took to arrive: never more than the offset, and much less for a
 * message that waited (a schedule retained while the station was offline, a queue on a slow 3G link).
 * So the highest samples are the best, as in NTP's minimum-delay filter. But taking the single highest
 * would let one sample decide (one taken just before the clock was stepped, say), so the estimate is
 * the median of the better half of the recent samples, the lower middle one when that half is even:
 * from three samples on, delayed ones are ignored and no single one decides alone. Samples are kept for {@link #MAX_AGE} of station time
 * (either way, so that a step of the clock by NTP clears them) and at most {@link #WINDOW} of them;
 * fewer than {@link #MIN_SAMPLES} tell nothing.
 *
 * <p>The flag has hysteresis: raised beyond the limit, lowered only within half of it, so that a clock
 * hovering at the limit does not send an event with every message.
 */
public final class ClockOffsetMonitor {
    private static final Logger log = LoggerFactory.getLogger(ClockOffsetMonitor.class);
    static final int WINDOW = 8;
    static final int MIN_SAMPLES = 3;
    static final Duration MAX_AGE = Duration.ofMinutes(15);

    private record Sample(Instant receivedAt, Duration offset) {
    }

    /** Where the station clock stands against the limit; the reason codes of CLOCK_OFFSET. */
    private enum State {
        WITHIN_LIMIT(EventReason.WITHIN_LIMIT), STATION_AHEAD(EventReason.STATION_AHEAD),
        STATION_BEHIND(EventReason.STATION_BEHIND);

        final EventReason reason;

        State(EventReason reason) {
            this.reason = reason;
        }
    }

    private final String stationId;
    private final Clock clock;
    private final Duration limit;
    private final EventOutbox events;
    private final Deque<Sample> samples = new ArrayDeque<>();
    private State state = State.WITHIN_LIMIT;

    public ClockOffsetMonitor(String stationId, Clock clock, Duration limit, EventOutbox events) {
        if (limit.isNegative() || limit.isZero()) {
            throw new IllegalArgumentException("the allowed clock offset must be positive, not " + limit);
        }
        this.stationId = stationId;
        this.clock = clock;
        this.limit = limit;
        this.events = events;
    }

    /** One message from the controller, signed at {@code controllerTime}, has just arrived. */
    public synchronized void observe(Instant controllerTime) {
        Instant now = clock.instant();
        samples.addLast(new Sample(now, Duration.between(now, controllerTime)));
        while (samples.size() > WINDOW) {
            samples.removeFirst();
        }
        estimate(now).ifPresent(offset -> judge(offset, samples.size()));
    }

    /**
     * The controller's clock minus the station's: positive when the station is behind. Empty until
     * enough recent messages have arrived.
     */
    public synchronized Optional<Duration> offset() {
        return estimate(clock.instant());
    }

    /** True from the event that said the station clock is out of its limit until the one that says it is back. */
    public synchronized boolean outOfLimit() {
        return state != State.WITHIN_LIMIT;
    }

    private Optional<Duration> estimate(Instant now) {
        samples.removeIf(s -> Duration.between(s.receivedAt(), now).abs().compareTo(MAX_AGE) > 0);
        if (samples.size() < MIN_SAMPLES) {
            return Optional.empty();
        }
        List<Duration> best = samples.stream().map(Sample::offset).sorted(Comparator.reverseOrder())
                .limit((samples.size() + 1) / 2).toList();
        return Optional.of(best.get(best.size() / 2));
    }

    private void judge(Duration offset, int messages) {
        State next;
        if (offset.abs().compareTo(limit) > 0) {
            next = offset.isNegative() ? State.STATION_AHEAD : State.STATION_BEHIND;
        } else if (offset.abs().compareTo(limit.dividedBy(2)) <= 0) {
            next = State.WITHIN_LIMIT;
        } else {
            next = state;
        }
        if (next == state) {
            return;
        }
        state = next;
        String detail;
        if (next == State.WITHIN_LIMIT) {
            detail = "station clock is within " + seconds(offset.abs()) + " of the controller's again (limit "
                    + seconds(limit) + ")";
            log.info("Station {}: {}", stationId, detail);
        } else {
            detail = "station clock is " + seconds(offset.abs()) + (next == State.STATION_AHEAD ? " ahead of" : " behind")
                    + " the controller's (limit " + seconds(limit) + "), judged from " + messages + " message(s)";
            log.warn("Station {}: {}; it plays by the controller's time unless NTP or an RTC vouches for its own clock "
                    + "(decision 0021)", stationId,
                    detail);
        }
        events.record(StationEvent.of(EventType.CLOCK_OFFSET).reason(next.reason).detail(detail));
    }

    private static String seconds(Duration d) {
        return String.format(Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
    }
}
