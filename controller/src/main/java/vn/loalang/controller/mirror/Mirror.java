package vn.loalang.controller.mirror;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import vn.loalang.controller.alert.AlertService;
import vn.loalang.controller.content.LibraryItem;
import vn.loalang.controller.directory.Commune;
import vn.loalang.controller.mirror.channel.WebhookChannel;
import vn.loalang.controller.priority.BackgroundThreads;
import vn.loalang.controller.store.Store;

import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The chat and SMS mirror, put together (decision 0042): alerts, their cancels, session summaries and bulletins go
 * into the {@link Outbox} on a thread of its own ({@value #ENQUEUE_THREAD}, nice 10) — the alert path only hands the
 * record over — then out through the {@link MirrorSender}, with the {@link MirrorUpkeep}'s timers behind. The
 * services' code is registered in {@link #channels()}: the webhook here, the others by the composition.
 */
public final class Mirror implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Mirror.class);
    public static final String ENQUEUE_THREAD = "mirror-enqueue";
    /** Far more than alerts, cancels and bulletins a commune makes in an hour; past it the mirror drops, never blocks. */
    static final int QUEUE = 1000;

    private final Channels channels = new Channels();
    private final Outbox outbox;
    private final ActiveAlerts activeAlerts;
    private final Clock clock;
    private final MirrorSender sender;
    private final MirrorUpkeep upkeep;
    private final ExecutorService enqueue = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(QUEUE), BackgroundThreads.named(ENQUEUE_THREAD));

    /**
     * @param listenBase the public address of "Nghe lại" its links point at
     * @param allowLocal {@code --mirror-allow-local}: the channels may call this machine (tests, a local gateway)
     */
    public Mirror(Store store, Clock clock, Supplier<Commune> commune, Function<String, Optional<LibraryItem>> library,
                  Path dataDir, Supplier<URI> listenBase, boolean allowLocal) {
        Messages messages = new Messages(commune, listenBase);
        MirrorTargets targets = new MirrorTargets(store);
        this.outbox = new Outbox(store, clock, targets, messages);
        this.activeAlerts = new ActiveAlerts(store);
        this.clock = clock;
        MirrorChannels configured = new MirrorChannels(store, id -> new FileChannelSecrets(dataDir, id), allowLocal);
        channels.register(ChannelKind.WEBHOOK, config -> new WebhookChannel(config, allowLocal, clock));
        this.sender = new MirrorSender(outbox, configured, targets, channels, messages,
                new RetryPolicy(Math::random), clock, commune, library);
        this.upkeep = new MirrorUpkeep(outbox, sender, new SessionSummaries(store, clock, outbox, messages, library),
                targets, clock);
    }

    /** Where each kind of service's code is registered (one line each in the composition). */
    public Channels channels() {
        return channels;
    }

    /** The delivery log, for the console and the API. */
    public Outbox outbox() {
        return outbox;
    }

    /**
     * Starts the timers; the first round looks for rows a previous run left. Before that, on the mirror's thread, the
     * alerts still on the air are enqueued again from their rows ({@link ActiveAlerts}): one handed over just before a
     * crash or a stop was lost with the hand-off; those already in the outbox add nothing.
     */
    public void start() {
        hand("the alerts on the air at start", () -> {
            ActiveAlerts.Found found = activeAlerts.at(clock.instant());
            int rows = 0;
            for (AlertService.Published a : found.active()) {
                rows += outbox.alert(a);
            }
            for (AlertService.Cancelled c : found.cancelled()) {
                rows += outbox.cancel(c);
            }
            return rows;
        });
        upkeep.start();
    }

    /** {@link AlertService#onPublished}: hands the alert to the mirror's thread, nothing else. */
    public void alertPublished(AlertService.Published alert) {
        hand("alert " + alert.id(), () -> outbox.alert(alert));
    }

    /** {@link AlertService#onCancelled}: the same for a cancel. */
    public void alertCancelled(AlertService.Cancelled cancel) {
        hand("cancel of alert " + cancel.id(), () -> outbox.cancel(cancel));
    }

    /**
     * A bulletin (market prices) to the targets of {@code villages} that take its category: its text as written,
     * a link to the village's page. Returns at once; the same {@code bulletinId} twice is sent once.
     */
    public void bulletin(String bulletinId, List<String> villages, String title, String text, String libraryId) {
        hand("bulletin " + bulletinId, () -> outbox.bulletin(bulletinId, List.copyOf(villages), title, text,
                libraryId));
    }

    private void hand(String what, Supplier<Integer> work) {
        try {
            enqueue.execute(() -> {
                try {
                    int rows = work.get();
                    if (rows > 0) {
                        log.info("Mirror: {} goes to {} target(s)", what, rows);
                        sender.pump();
                    }
                } catch (RuntimeException e) {
                    log.error("Mirror: {} could not be put in the outbox ({})", what, e.toString(), e);
                }
            });
        } catch (RejectedExecutionException e) {
            log.error("Mirror: {} dropped: {} messages are waiting to be put in the outbox already", what, QUEUE);
        }
    }

    @Override
    public void close() {
        upkeep.close();
        enqueue.shutdownNow();
        sender.close();
    }
}
