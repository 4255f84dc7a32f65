package vn.loalang.controller.mirror;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import vn.loalang.controller.priority.BackgroundThreads;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The mirror's timers, on two background threads (nice 10). {@value #THREAD}, every {@value #EVERY_SECONDS} s and
 * with store work only: rows left SENDING over {@link #STALE} ago go back to waiting (a crash mid-request: sent again,
 * at least once), rows past their give-up time fail, due rows go to the sender; once a minute the session summaries.
 * {@value #POLL_THREAD}, which talks to the services: once a minute the delivery reports of sent SMS (a few dozen, in
 * turn), once a day each group's member count.
 */
public final class MirrorUpkeep implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(MirrorUpkeep.class);
    public static final String THREAD = "mirror-upkeep";
    public static final String POLL_THREAD = "mirror-poll";
    static final long EVERY_SECONDS = 5;
    /** Longer than any request's timeout (15 s), so a row being sent now is never taken for a crashed one. */
    static final Duration STALE = Duration.ofMinutes(2);
    /** Receipts are asked for this long after sending; an SMS not delivered in a day is not coming. */
    static final Duration RECEIPT_WINDOW = Duration.ofHours(24);
    /**
     * Delivery reports asked for in one round (once a minute). The Android gateway is the office's phone, whose small
     * web server also takes every SMS to send: half a request a second leaves it free, and a day's 1,000 SMS are
     * each asked about every half hour or so.
     */
    static final int RECEIPTS_PER_ROUND = 30;

    private final Outbox outbox;
    private final MirrorSender sender;
    private final SessionSummaries summaries;
    private final MirrorTargets targets;
    private final Clock clock;
    private final ScheduledExecutorService upkeep = Executors.newSingleThreadScheduledExecutor(
            BackgroundThreads.named(THREAD));
    private final ScheduledExecutorService poll = Executors.newSingleThreadScheduledExecutor(
            BackgroundThreads.named(POLL_THREAD));
    /** Channels that said they track no receipts: not asked again until the controller restarts. */
    private final Set<String> untracked = new HashSet<>();
    private long rounds;

    public MirrorUpkeep(Outbox outbox, MirrorSender sender, SessionSummaries summaries, MirrorTargets targets,
                        Clock clock) {
        this.outbox = outbox;
        this.sender = sender;
        this.summaries = summaries;
        this.targets = targets;
        this.clock = clock;
    }

    public void start() {
        upkeep.scheduleWithFixedDelay(this::safeTick, 0, EVERY_SECONDS, TimeUnit.SECONDS);
        poll.scheduleWithFixedDelay(this::safeReceipts, 1, 1, TimeUnit.MINUTES);
        poll.scheduleWithFixedDelay(this::safeMembers, 2, 24 * 60, TimeUnit.MINUTES);
    }

    /** One round of the store's side; public for tests with a stepped clock. */
    public void tick() {
        Instant now = clock.instant();
        int recovered = outbox.recover(now, STALE);
        if (recovered > 0) {
            log.warn("{} mirror message(s) were being sent when the controller stopped: they are sent again (at least"
                    + " once: a chat may show one twice)", recovered);
        }
        int failed = outbox.giveUp(now);
        if (failed > 0) {
            log.warn("{} mirror message(s) could not be sent before their time and failed", failed);
        }
        if (rounds++ % (60 / EVERY_SECONDS) == 0) {
            summaries.tick();
        }
        sender.pump();
    }

    /**
     * Delivery reports of sent messages, for channels that give them: at most {@value #RECEIPTS_PER_ROUND} a round,
     * those asked least recently first, none while the channel has an alert or a cancel to send.
     */
    public void receipts() {
        Instant now = clock.instant();
        List<Outbox.Delivery> turn = outbox.awaitingReceipt(now.minus(RECEIPT_WINDOW), Set.copyOf(untracked),
                RECEIPTS_PER_ROUND);
        // Marked before asking: a row whose question fails (the phone is off) still goes to the back of the line.
        outbox.polled(turn, now);
        for (Outbox.Delivery d : turn) {
            if (untracked.contains(d.channelId())) {
                continue;
            }
            Channel channel = sender.channelFor(d.channelId()).orElse(null);
            if (channel == null) {
                continue;
            }
            Channel.Receipt r = channel.receipt(d.remoteId());
            switch (r) {
                case DELIVERED -> outbox.delivered(d.id());
                case FAILED -> outbox.undelivered(d.id(), "dịch vụ báo tin không tới máy / the service reports it"
                        + " was not delivered");
                case NOT_TRACKED -> untracked.add(d.channelId());
                case WAITING -> { }
            }
        }
    }

    /** Each group's member count, where the service says. */
    public void members() {
        for (MirrorTarget t : targets.allActive()) {
            Channel channel = sender.channelFor(t.channelId()).orElse(null);
            if (channel == null) {
                continue;
            }
            OptionalInt n = channel.members(t);
            if (n.isPresent()) {
                targets.members(t.id(), n.getAsInt());
            }
        }
    }

    private void safeTick() {
        try {
            tick();
        } catch (RuntimeException e) {
            log.error("Mirror upkeep failed ({}); trying again in {} s", e.toString(), EVERY_SECONDS, e);
        }
    }

    private void safeReceipts() {
        try {
            receipts();
        } catch (RuntimeException e) {
            log.error("Mirror delivery reports failed ({}); trying again in a minute", e.toString(), e);
        }
    }

    private void safeMembers() {
        try {
            members();
        } catch (RuntimeException e) {
            log.error("Mirror member counts failed ({}); trying again tomorrow", e.toString(), e);
        }
    }

    @Override
    public void close() {
        upkeep.shutdownNow();
        poll.shutdownNow();
    }
}
