package vn.loalang.agent.clock;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import vn.loalang.protocol.station.EventReason;
import vn.loalang.protocol.station.EventType;
import vn.loalang.protocol.station.StationEvent;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The one answer on the station to "what time is it, and can it be trusted". A Pi on a pole has no
 * battery clock: after a power cut it boots with the time saved minutes or hours earlier
 * (fake-hwclock), and a private APN may have no NTP. Its own clock is trusted when the Pi has an RTC
 * ({@code clock.rtc}) or NTP has synced ({@link TimeSync}); otherwise when the controller's signed
 * time has arrived (in its presence), and from then on the time is the Pi's clock plus the offset
 * learnt from it. Until one of the three, {@link #trusted()} is false: the playout holds every
 * scheduled session (emergencies still sound), and this is logged and reported once.
 *
 * <p>The controller's time comes as the signing time of a retained message, renewed by the controller
 * every few minutes: each is the controller's time when it was signed, so {@code signedAt − Pi clock on
 * arrival} is never more than the true offset and less by the time the copy waited. The highest of
 * the samples of the last {@link #WINDOW} is the estimate (the freshest copy wins; an older retained
 * one cannot pull the time back). Trust, once gained, is kept: a clock that was right drifts by
 * seconds a day, not hours; NTP taking over later replaces the offset by the Pi's own clock, then set.
 *
 * <p>It is a {@link Clock}: every part of the station (the trust gate's validity check included)
 * reads the time from it, so signed messages are judged by the controller's time, not the Pi's.
 */
public final class StationClock extends Clock implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(StationClock.class);
    /** How long a sample of the controller's time counts. */
    static final Duration WINDOW = Duration.ofHours(1);
    /** How often NTP is asked while it has not synced (one short process on the Pi). */
    static final Duration NTP_POLL = Duration.ofSeconds(60);

    /** What the time is taken from. */
    public enum Source {
        /** Nothing vouches for the Pi's clock yet. */
        NONE,
        /** A battery-backed clock (configured). */
        RTC,
        /** NTP has set the Pi's clock. */
        NTP,
        /** The Pi's clock plus the offset learnt from the controller's signed time. */
        CONTROLLER
    }

    private record Sample(Instant receivedAt, Duration offset) {
    }

    private final String stationId;
    private final Clock host;
    private final TimeSync ntp;
    private final Consumer<StationEvent.Draft> report;
    private final List<Runnable> trustListeners = new CopyOnWriteArrayList<>();
    private final Deque<Sample> samples = new ArrayDeque<>();
    private final ScheduledExecutorService poll;
    private final Duration ntpPoll;
    private volatile Source source;
    private volatile Duration offset = Duration.ZERO;

    /**
     * @param host   the Pi's own clock
     * @param rtc    true when the Pi has a battery-backed clock ({@code clock.rtc})
     * @param report where the CLOCK_OFFSET events about trust go (the event outbox)
     */
    public StationClock(String stationId, Clock host, TimeSync ntp, boolean rtc, Consumer<StationEvent.Draft> report) {
        this(stationId, host, ntp, rtc, report, NTP_POLL);
    }

    /** With NTP asked every {@code ntpPoll} (tests). */
    StationClock(String stationId, Clock host, TimeSync ntp, boolean rtc, Consumer<StationEvent.Draft> report,
                 Duration ntpPoll) {
        this.stationId = stationId;
        this.ntpPoll = ntpPoll;
        this.host = host;
        this.ntp = ntp;
        this.report = report;
        this.source = rtc ? Source.RTC : ntp.synced() ? Source.NTP : Source.NONE;
        this.poll = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "clock-" + stationId);
            t.setDaemon(true);
            return t;
        });
    }

    /** Says how the clock stands, and asks NTP every {@link #NTP_POLL} until it has synced (or for good, with an RTC). */
    public void start() {
        Source now = source;
        if (now == Source.NONE) {
            String detail = "the station clock (" + host.instant() + ") is not trusted: no RTC, NTP not synced, no "
                    + "signed time from the controller yet; scheduled sessions are held, emergencies still sound";
            log.warn("Station {}: {}", stationId, detail);
            report.accept(StationEvent.of(EventType.CLOCK_OFFSET).reason(EventReason.CLOCK_UNTRUSTED).detail(detail));
        } else {
            log.info("Station {} trusts its clock ({}): {}", stationId, describe(now), host.instant());
        }
        if (now != Source.RTC && now != Source.NTP) {
            poll.scheduleWithFixedDelay(this::askNtp, ntpPoll.toMillis(), ntpPoll.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /** True once an RTC, NTP or the controller's signed time vouches for the time {@link #instant()} gives. */
    public boolean trusted() {
        return source != Source.NONE;
    }

    public Source source() {
        return source;
    }

    /** What is added to the Pi's clock: the controller's time minus the Pi's while that is the source, else zero. */
    public Duration correction() {
        return source == Source.CONTROLLER ? offset : Duration.ZERO;
    }

    /** Runs {@code listener} once, when the clock becomes trusted (on the thread that learnt it: keep it short). */
    public void onTrusted(Runnable listener) {
        trustListeners.add(listener);
    }

    /**
     * The controller's time, signed at {@code signedAt} and verified (signature, target, not a replay),
     * has just arrived: a sample of the offset, and trust if nothing else vouched for the clock yet.
     */
    public void controllerTime(Instant signedAt) {
        Source before;
        synchronized (this) {
            add(signedAt);
            before = source;
            if (before == Source.NONE) {
                source = Source.CONTROLLER;
            }
        }
        if (before == Source.NONE) {
            trusted(Source.CONTROLLER, "by the controller's signed time, " + signed(offset) + " from the Pi's clock");
        }
    }

    /**
     * A signing time of the controller's from a message it signs as it sends it (a receipt, a command): a
     * recent lower bound of its time, kept among the samples like the presence's. It vouches for nothing (only
     * the presence does), but while the time is the controller's it sets the clock forward when it is fresher
     * than the presence's copy: a station that boots while the controller is up takes the retained copy, up to
     * one renewal old, and the receipt of its first events sets it right within a round trip.
     */
    public void lowerBound(Instant signedAt) {
        Duration before;
        Duration after;
        synchronized (this) {
            before = offset;
            add(signedAt);
            after = offset;
        }
        if (source == Source.CONTROLLER && after.compareTo(before) > 0) {
            log.info("Station {} set its clock {} forward by a message the controller signed as it sent it",
                    stationId, signed(after.minus(before)));
        }
    }

    /** One sample more, samples beyond {@link #WINDOW} forgotten, the highest the offset; under the lock. */
    private void add(Instant signedAt) {
        Instant now = host.instant();
        samples.addLast(new Sample(now, Duration.between(now, signedAt)));
        samples.removeIf(s -> Duration.between(s.receivedAt(), now).abs().compareTo(WINDOW) > 0);
        offset = samples.stream().map(Sample::offset).max(Duration::compareTo).orElseThrow();
    }

    private void askNtp() {
        try {
            if (source == Source.NTP || !ntp.synced()) {
                return;
            }
            Source before;
            synchronized (this) {
                before = source;
                source = Source.NTP;
                offset = Duration.ZERO;
                samples.clear();
            }
            if (before == Source.NONE) {
                trusted(Source.NTP, "NTP has synced it");
            } else {
                log.info("Station {}: NTP has synced the clock; it no longer adds the controller's offset", stationId);
            }
            poll.shutdown();
        } catch (RuntimeException e) {
            log.error("Station {} could not ask NTP about its clock: {}", stationId, e.toString(), e);
        }
    }

    private void trusted(Source by, String how) {
        String detail = "the station clock is trusted, " + how + "; it is now " + instant()
                + " and scheduled sessions play again";
        log.info("Station {}: {}", stationId, detail);
        report.accept(StationEvent.of(EventType.CLOCK_OFFSET).reason(EventReason.CLOCK_TRUSTED).detail(detail));
        for (Runnable listener : trustListeners) {
            try {
                listener.run();
            } catch (RuntimeException e) {
                log.error("Station {}: a part failed on hearing the clock is trusted ({}): {}", stationId, by,
                        e.toString(), e);
            }
        }
    }

    private static String describe(Source s) {
        return s == Source.RTC ? "battery-backed clock, clock.rtc" : "NTP synced";
    }

    private static String signed(Duration d) {
        return String.format(Locale.ROOT, "%+.1f s", d.toMillis() / 1000.0);
    }

    @Override
    public Instant instant() {
        Instant now = host.instant();
        return source == Source.CONTROLLER ? now.plus(offset) : now;
    }

    @Override
    public long millis() {
        return instant().toEpochMilli();
    }

    @Override
    public ZoneId getZone() {
        return host.getZone();
    }

    /** The same station time in another zone: still this clock's trust and offset. */
    @Override
    public Clock withZone(ZoneId zone) {
        StationClock self = this;
        return new Clock() {
            @Override
            public ZoneId getZone() {
                return zone;
            }

            @Override
            public Clock withZone(ZoneId other) {
                return self.withZone(other);
            }

            @Override
            public Instant instant() {
                return self.instant();
            }
        };
    }

    @Override
    public void close() {
        poll.shutdownNow();
    }
}
