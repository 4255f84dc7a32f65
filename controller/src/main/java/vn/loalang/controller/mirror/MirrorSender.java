package vn.loalang.controller.mirror;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import vn.loalang.controller.content.LibraryItem;
import vn.loalang.controller.directory.Commune;
import vn.loalang.controller.priority.BackgroundThreads;
import vn.loalang.protocol.schedule.QuietHours;

import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Sends the outbox's due rows on {@value #THREADS} background threads ({@value #THREAD}, nice 10): most urgent first
 * (emergency, warning, cancel, bulletin and session, test), then oldest; at most one request in flight per channel,
 * so a service that hangs holds one thread for its timeout (≤ 15 s) and never another channel. The store is written
 * only between requests, never while one is open. What each answer does:
 * <ul>
 *   <li>sent: SENT, the channel OK;</li>
 *   <li>retry: waiting again after {@link RetryPolicy}'s back-off or the service's longer wait, which pauses the
 *       whole channel when the service limits the account; FAILED once past the row's give-up time;</li>
 *   <li>target gone: the target made inactive, its rows FAILED;</li>
 *   <li>channel down: the channel DOWN with the reason, its rows wait until a test message goes through or its
 *       settings or secrets change;</li>
 *   <li>moved: the target's address updated, sent again at once;</li>
 *   <li>refused: FAILED, this message only.</li>
 * </ul>
 * Messages that are not urgent wait out the commune's quiet hours; alerts and cancels never wait. A channel's
 * {@code ratePerMinute} spaces its requests (a service's documented pace; urgent ones first as always).
 */
public final class MirrorSender implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(MirrorSender.class);
    public static final String THREAD = "mirror-send";
    static final int THREADS = 2;
    /** A target that keeps moving is a misconfiguration, not a move. */
    static final int MOST_MOVES = 3;
    /** A DOWN channel's rows are looked at again this often (a settings change sets it OK). */
    static final Duration DOWN_RECHECK = Duration.ofMinutes(1);

    private final Outbox outbox;
    private final MirrorChannels channels;
    private final MirrorTargets targets;
    private final Channels makers;
    private final Messages messages;
    private final RetryPolicy retry;
    private final Clock clock;
    private final Supplier<Commune> commune;
    private final Function<String, Optional<LibraryItem>> library;
    private final Executor executor;
    private final ExecutorService ownPool;

    private final Object lock = new Object();
    private final Set<String> busy = new HashSet<>();
    private final Map<String, Instant> pausedUntil = new HashMap<>();
    /** A channel's pace ({@code ratePerMinute}): the earliest its next request may start. */
    private final Map<String, Instant> paceUntil = new HashMap<>();
    private final Map<String, Made> made = new HashMap<>();
    private final Map<Long, Integer> moves = new HashMap<>();
    /** What a channel's settings and secrets were when it went DOWN: a change lets it try again. */
    private final Map<String, Integer> downWith = new HashMap<>();
    private int inFlight;
    private boolean pumping;
    private boolean again;
    private volatile boolean closed;

    /** A channel made from its settings as they were; made again when they change. */
    private record Made(String settingsJson, Channel channel) {
    }

    /** On its own {@value #THREADS} background threads. */
    public MirrorSender(Outbox outbox, MirrorChannels channels, MirrorTargets targets, Channels makers,
                        Messages messages, RetryPolicy retry, Clock clock, Supplier<Commune> commune,
                        Function<String, Optional<LibraryItem>> library) {
        this(outbox, channels, targets, makers, messages, retry, clock, commune, library, null);
    }

    /** @param executor runs each send; null: the sender's own pool. Tests give {@code Runnable::run}. */
    MirrorSender(Outbox outbox, MirrorChannels channels, MirrorTargets targets, Channels makers, Messages messages,
                 RetryPolicy retry, Clock clock, Supplier<Commune> commune,
                 Function<String, Optional<LibraryItem>> library, Executor executor) {
        this.outbox = outbox;
        this.channels = channels;
        this.targets = targets;
        this.makers = makers;
        this.messages = messages;
        this.retry = retry;
        this.clock = clock;
        this.commune = commune;
        this.library = library;
        if (executor == null) {
            this.ownPool = new ThreadPoolExecutor(THREADS, THREADS, 0, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                    BackgroundThreads.named(THREAD));
            this.executor = ownPool;
        } else {
            this.ownPool = null;
            this.executor = executor;
        }
    }

    /**
     * Starts sending what is due, as far as free threads and channels allow; returns at once. Called when rows are
     * added, by the upkeep's timer, and after each send. Calls while one runs make it go round once more.
     */
    public void pump() {
        synchronized (lock) {
            if (pumping) {
                again = true;
                return;
            }
            pumping = true;
        }
        try {
            while (!closed) {
                startDue();
                synchronized (lock) {
                    if (!again) {
                        break;
                    }
                    again = false;
                }
            }
        } catch (RuntimeException e) {
            log.error("The mirror's sender could not look at its outbox ({}); the upkeep tries again", e.toString(), e);
        } finally {
            synchronized (lock) {
                pumping = false;
                again = false;
            }
        }
    }

    private void startDue() {
        synchronized (lock) {
            if (inFlight >= THREADS) {
                return;
            }
        }
        Instant now = clock.instant();
        List<Outbox.Delivery> due = outbox.due(now, 200);
        if (due.isEmpty()) {
            return;
        }
        Map<String, MirrorChannels.Row> rows = channels.all();
        boolean quiet = quietNow(now);
        for (Outbox.Delivery d : due) {
            synchronized (lock) {
                if (inFlight >= THREADS) {
                    return;
                }
                if (busy.contains(d.channelId())) {
                    continue;
                }
                Instant paused = pausedUntil.get(d.channelId());
                if (paused != null && paused.isAfter(now)) {
                    continue;
                }
                Instant paced = paceUntil.get(d.channelId());
                if (paced != null && paced.isAfter(now)) {
                    continue;
                }
            }
            if (!d.giveUpAt().isAfter(now)) {
                outbox.fail(d.id(), "hết hạn, không gửi được" + (d.lastError() == null ? "" : ": " + d.lastError())
                        + " / gave up");
                continue;
            }
            MirrorChannels.Row row = rows.get(d.channelId());
            if (row == null) {
                outbox.fail(d.id(), "kênh đã bị xoá / the channel no longer exists");
                continue;
            }
            if (!row.enabled() || (MirrorChannels.DOWN.equals(row.status()) && d.kind() != MirrorMessage.Kind.TEST
                    && !changedSinceDown(row))) {
                continue; // waits for a person (a test, new settings or secrets); give-up still applies
            }
            if (quiet && !d.kind().urgent() && d.kind() != MirrorMessage.Kind.TEST) {
                continue;
            }
            Optional<MirrorTarget> target = targets.get(d.targetId());
            if (target.isEmpty()) {
                outbox.fail(d.id(), "nơi nhận đã bị xoá / the target no longer exists");
                continue;
            }
            Optional<Channel> channel = channel(row);
            if (channel.isEmpty()) {
                channels.status(d.channelId(), MirrorChannels.DOWN, "máy chủ này chưa có mã gửi qua kênh "
                        + row.config().kind() + " / no code for this kind of channel on this controller", now);
                continue;
            }
            if (!outbox.claim(d.id(), now)) {
                continue;
            }
            MirrorMessage message = message(d, row);
            synchronized (lock) {
                busy.add(d.channelId());
                inFlight++;
                Duration gap = pace(row);
                if (gap != null) {
                    paceUntil.put(d.channelId(), now.plus(gap));
                }
            }
            try {
                executor.execute(() -> send(d, channel.get(), message, target.get()));
            } catch (RuntimeException e) {
                // Closed under us: the row stays SENDING and the upkeep's recovery sends it after the restart.
                synchronized (lock) {
                    busy.remove(d.channelId());
                    inFlight--;
                }
                return;
            }
        }
    }

    private void send(Outbox.Delivery d, Channel channel, MirrorMessage message, MirrorTarget target) {
        try {
            Outcome outcome;
            long started = System.nanoTime();
            try {
                outcome = channel.send(message, target);
            } catch (RuntimeException e) {
                outcome = new Outcome.Retry(null, "lỗi khi gửi / the channel failed: " + e, false);
                log.error("Mirror delivery {} ({} {} to target {}): the channel threw", d.id(), d.kind(), d.ref(),
                        d.targetId(), e);
            }
            record(d, outcome, (System.nanoTime() - started) / 1_000_000);
        } catch (RuntimeException e) {
            log.error("Mirror delivery {}: its outcome could not be written ({}); the upkeep sends it again", d.id(),
                    e.toString(), e);
        } finally {
            synchronized (lock) {
                busy.remove(d.channelId());
                inFlight--;
            }
            pump();
        }
    }

    /** What an answer does to the row, the target and the channel: store writes after the request, never during it. */
    private void record(Outbox.Delivery d, Outcome outcome, long millis) {
        Instant now = clock.instant();
        int attempt = d.attempts() + 1;
        if (outcome instanceof Outcome.Sent s) {
            outbox.sent(d.id(), s.remoteId(), now);
            channels.succeeded(d.channelId(), now);
            boolean wasDown;
            synchronized (lock) {
                moves.remove(d.id());
                wasDown = downWith.remove(d.channelId()) != null;
            }
            if (wasDown) {
                log.info("Mirror channel {} works again: {} waiting message(s) go now", d.channelId(),
                        outbox.releaseChannel(d.channelId(), now));
            }
            log.info("Mirror delivery {} sent: {} {} to target {} on channel {} in {} ms (attempt {})", d.id(),
                    d.kind(), d.ref(), d.targetId(), d.channelId(), millis, attempt);
        } else if (outcome instanceof Outcome.Retry r) {
            Duration wait = retry.after(attempt, r.after());
            Instant next = now.plus(wait);
            if (r.wholeChannel()) {
                synchronized (lock) {
                    pausedUntil.put(d.channelId(), next);
                }
                outbox.holdChannel(d.channelId(), next);
                channels.status(d.channelId(), MirrorChannels.PAUSED, r.reason(), now);
            }
            if (next.isAfter(d.giveUpAt())) {
                outbox.fail(d.id(), "hết hạn, không gửi được: " + r.reason() + " / gave up");
                log.warn("Mirror delivery {} failed: {} {} to target {}, past its time ({})", d.id(), d.kind(),
                        d.ref(), d.targetId(), r.reason());
            } else {
                outbox.retry(d.id(), next, r.reason());
                log.info("Mirror delivery {} waits {} s: {} {} to target {} ({}){}", d.id(), wait.toSeconds(),
                        d.kind(), d.ref(), d.targetId(), r.reason(), r.wholeChannel() ? ", channel " + d.channelId()
                                + " paused" : "");
            }
        } else if (outcome instanceof Outcome.TargetGone g) {
            outbox.fail(d.id(), g.reason());
            targets.deactivate(d.targetId());
            outbox.failTarget(d.targetId(), g.reason());
            log.warn("Mirror target {} on channel {} is gone ({}): made inactive", d.targetId(), d.channelId(),
                    g.reason());
        } else if (outcome instanceof Outcome.ChannelDown down) {
            MirrorChannels.Row row = channels.all().get(d.channelId());
            if (row != null) {
                synchronized (lock) {
                    downWith.put(d.channelId(), fingerprint(row));
                }
            }
            channels.status(d.channelId(), MirrorChannels.DOWN, down.reason(), now);
            outbox.retry(d.id(), now.plus(DOWN_RECHECK), down.reason());
            log.warn("Mirror channel {} is down ({}): its messages wait for a person", d.channelId(),
                    down.reason());
        } else if (outcome instanceof Outcome.Moved m) {
            int n;
            synchronized (lock) {
                n = moves.merge(d.id(), 1, Integer::sum);
            }
            if (n > MOST_MOVES) {
                outbox.fail(d.id(), "nơi nhận chuyển chỗ quá nhiều lần / moved more than " + MOST_MOVES + " times");
            } else {
                targets.move(d.targetId(), m.newAddress());
                outbox.retry(d.id(), now, "nơi nhận đã chuyển / the target moved");
                log.info("Mirror target {} moved; delivery {} is sent again at once", d.targetId(), d.id());
            }
        } else if (outcome instanceof Outcome.Refused r) {
            outbox.fail(d.id(), r.reason());
            log.warn("Mirror delivery {} refused: {} {} to target {} ({})", d.id(), d.kind(), d.ref(),
                    d.targetId(), r.reason());
        }
    }

    private MirrorMessage message(Outbox.Delivery d, MirrorChannels.Row row) {
        Outbox.Payload p = d.payload();
        String title = p.title();
        String text = p.text();
        if (text == null || text.isBlank()) {
            Messages.Text t = messages.test(row.config().name());
            title = t.title();
            text = t.text();
        }
        Path audio = null;
        int seconds = 0;
        if (p.contentId() != null) {
            Optional<LibraryItem> item = library.apply(p.contentId());
            if (item.isPresent()) {
                audio = item.get().file();
                seconds = (int) Math.max(1, item.get().duration().toSeconds());
            }
        }
        return new MirrorMessage(d.id(), d.kind(), d.village(), title, text, uri(p.pageUrl()), uri(p.audioUrl()),
                audio, seconds, p.expiresAt() != null ? p.expiresAt() : d.giveUpAt(), d.ref(),
                p.priority() == null ? "NORMAL" : p.priority());
    }

    private Optional<Channel> channel(MirrorChannels.Row row) {
        String id = row.config().id();
        synchronized (lock) {
            Made m = made.get(id);
            if (m != null && m.settingsJson().equals(row.settingsJson())) {
                return Optional.of(m.channel());
            }
        }
        Optional<Channel> c = makers.make(row.config());
        c.ifPresent(ch -> {
            synchronized (lock) {
                made.put(id, new Made(row.settingsJson(), ch));
            }
        });
        return c;
    }

    /**
     * Whether a DOWN channel's settings or secrets changed since it went down here (an administrator fixed it): its
     * messages are tried again, and the first that goes through sets it OK. After a restart nothing is known of how
     * it went down: a test message brings it back.
     */
    private boolean changedSinceDown(MirrorChannels.Row row) {
        Integer was;
        synchronized (lock) {
            was = downWith.get(row.config().id());
        }
        return was != null && was != fingerprint(row);
    }

    /** A change detector of a channel's settings and secrets, kept in memory only. */
    private static int fingerprint(MirrorChannels.Row row) {
        try {
            return java.util.Objects.hash(row.settingsJson(), row.config().secrets().read());
        } catch (RuntimeException e) {
            return 0; // secrets that do not read: nothing to compare, the channel stays down
        }
    }

    /** The wait between two requests of a channel its {@code ratePerMinute} asks for; null when it sets none. */
    static Duration pace(MirrorChannels.Row row) {
        String rate = row.config().setting("ratePerMinute", null);
        if (rate == null) {
            return null;
        }
        try {
            int perMinute = Integer.parseInt(rate.strip());
            return perMinute < 1 ? null : Duration.ofMillis(60_000L / perMinute);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private boolean quietNow(Instant now) {
        Commune c = commune.get();
        QuietHours q = c.commune().quietHours();
        return q != null && q.contains(now, c.commune().zone());
    }

    private static URI uri(String s) {
        try {
            return s == null ? null : URI.create(s);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** The channels as made now, for the upkeep's receipts and member counts. */
    Optional<Channel> channelFor(String channelId) {
        MirrorChannels.Row row = channels.all().get(channelId);
        return row == null || !row.enabled() ? Optional.empty() : channel(row);
    }

    @Override
    public void close() {
        closed = true;
        if (ownPool != null) {
            ownPool.shutdownNow();
        }
    }
}
