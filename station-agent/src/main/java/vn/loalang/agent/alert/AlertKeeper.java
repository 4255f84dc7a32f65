package vn.loalang.agent.alert;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import vn.loalang.agent.content.ContentCache;
import vn.loalang.agent.content.ContentFetchException;
import vn.loalang.agent.events.EventOutbox;
import vn.loalang.agent.playout.Priority;
import vn.loalang.agent.playout.Program;
import vn.loalang.agent.trust.SignedInbox;
import vn.loalang.protocol.Topics;
import vn.loalang.protocol.alert.Alert;
import vn.loalang.protocol.alert.AlertPriority;
import vn.loalang.protocol.schedule.Item;
import vn.loalang.protocol.station.EventReason;
import vn.loalang.protocol.station.EventType;
import vn.loalang.protocol.station.StationEvent;

import vn.loalang.protocol.files.AtomicFiles;
import vn.loalang.protocol.Ids;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * Alerts for the station's village: admitted by the signed inbox (a forged, replayed or expired
 * alert never reaches a relay), their audio fetched into the cache, then put on the line as
 * programs of their priority — the preamble first, then what was said, as many times as asked,
 * until the alert expires or is cancelled. An alert whose audio cannot be fetched still sounds:
 * the preamble and the station's built-in fallback announcement.
 */
public final class AlertKeeper implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(AlertKeeper.class);
    /** How long an alert's audio may take to arrive before the fallback is said instead. */
    static final Duration FETCH_DEADLINE = Duration.ofSeconds(10);

    /** Where alert programs go: the station's playout. */
    public interface Line {
        void submit(Program program);

        boolean cancel(String programId);
    }

    /** Subscribes and unsubscribes topics on the station's MQTT link. */
    public interface Subscriptions {
        void subscribe(String topic, BiConsumer<String, byte[]> handler);

        void unsubscribe(String topic);
    }

    private final String stationId;
    private final Topics topics;
    /** Alerts from the village's topic, admitted and checked by the inbox, to {@link #accept}. */
    private final BiConsumer<String, byte[]> inbound;
    private final ContentCache cache;
    private final BuiltinClips builtins;
    private final Line line;
    private final Subscriptions subscriptions;
    private final EventOutbox events;
    private final Clock clock;
    private final ExecutorService preparing;
    private final ExecutorService fetching;
    private final Path zoneFile;
    /** Held while an alert's programs are submitted and while one is ended: a cancel never slips between. */
    private final Object lineLock = new Object();
    /** Alert id → the program ids it was put on the line as. */
    private final Map<String, List<String>> active = new ConcurrentHashMap<>();
    /** Alerts cancelled, so that one cancelled while its audio was still being fetched never starts. */
    private final java.util.Set<String> ended = ConcurrentHashMap.newKeySet();
    private volatile String zone;

    /**
     * @param zoneFile where the station's village is kept: after a reboot with an expired schedule the
     *                 station still follows its village's alerts
     */
    public AlertKeeper(String stationId, Topics topics, SignedInbox inbox, ContentCache cache, BuiltinClips builtins,
                       Line line, Subscriptions subscriptions, EventOutbox events, Clock clock, Path zoneFile) {
        this.zoneFile = zoneFile;
        this.stationId = stationId;
        this.topics = topics;
        this.inbound = inbox.alerts(this::accept);
        this.cache = cache;
        this.builtins = builtins;
        this.line = line;
        this.subscriptions = subscriptions;
        this.events = events;
        this.clock = clock;
        this.preparing = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "alerts-" + stationId);
            t.setDaemon(true);
            return t;
        });
        this.fetching = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "alert-fetch-" + stationId);
            t.setDaemon(true);
            return t;
        });
        storedZone().ifPresent(this::zone);
    }

    private Optional<String> storedZone() {
        try {
            return Files.exists(zoneFile) ? Optional.of(Files.readString(zoneFile).strip()).filter(Ids::isValid)
                    : Optional.empty();
        } catch (IOException e) {
            log.warn("Station {} cannot read its village from {}: {}", stationId, zoneFile, e.getMessage());
            return Optional.empty();
        }
    }

    private void rememberZone(String newZone) {
        try {
            AtomicFiles.write(zoneFile, newZone.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        } catch (IOException e) {
            log.warn("Station {} cannot keep its village in {}: {}", stationId, zoneFile, e.getMessage());
        }
    }

    /** The station's village, from its schedule: its alert topic is followed, the old one left. */
    public synchronized void zone(String newZone) {
        if (newZone == null || newZone.equals(zone)) {
            return;
        }
        if (zone != null) {
            subscriptions.unsubscribe(topics.zoneAlerts(zone));
        }
        zone = newZone;
        subscriptions.subscribe(topics.zoneAlerts(newZone), this::onMessage);
        rememberZone(newZone);
        log.info("Station {} follows the alerts of village {}", stationId, newZone);
    }

    public void onMessage(String topic, byte[] raw) {
        if (raw.length == 0) {
            // The controller clears a retained alert once it has expired: nothing to do.
            log.debug("Station {}: the retained alert on {} was cleared", stationId, topic);
            return;
        }
        inbound.accept(topic, raw);
    }

    private void accept(SignedInbox.Accepted<Alert> message) {
        Alert alert = message.body();
        if (alert.cancelled()) {
            end(alert.id(), EventReason.CANCELLED, "cancelled by the controller");
            return;
        }
        log.info("Station {} received {} alert {} '{}' ({} item(s), {} time(s), until {})", stationId,
                alert.priority().name().toLowerCase(java.util.Locale.ROOT), alert.id(), alert.title(),
                alert.items().size(), alert.repeats(), alert.expiresAt());
        StationEvent.Draft received = StationEvent.of(EventType.ALERT_RECEIVED).session(alert.id())
                .detail(alert.priority() + " " + alert.title() + ": " + alert.items().size() + " item(s), "
                        + alert.repeats() + " time(s), until " + alert.expiresAt());
        if (alert.unrecognized()) {
            // A newer controller's priority or preamble: played as the highest this agent knows, never dropped.
            String played = "played as " + alert.priority().heardAs() + " with " + alert.preamble().heardAs();
            log.warn("Station {} does not know the priority or preamble of alert {} (a newer controller's); {}",
                    stationId, alert.id(), played);
            received = received.reason(alert.priority() == AlertPriority.UNRECOGNIZED ? EventReason.UNKNOWN_PRIORITY
                    : EventReason.UNKNOWN_PREAMBLE).detail("a priority or preamble this agent does not know, "
                    + played + ": " + alert.title() + ", until " + alert.expiresAt());
        }
        events.record(received);
        preparing.submit(() -> prepare(alert));
    }

    /**
     * Puts each repeat on the line at once, the preamble first, and fetches what the alert says
     * meanwhile: the siren is the station's own and sounds while the clip is on its way; the line
     * waits in silence for a clip not yet arrived, and says the built-in fallback in its place if it
     * does not come within {@link #FETCH_DEADLINE}.
     */
    private void prepare(Alert alert) {
        try {
            Arrival arrival = alert.items().isEmpty() ? null : new Arrival(alert);
            List<Item> items = new ArrayList<>();
            builtins.preamble(alert.preamble()).ifPresent(items::add);
            if (arrival == null) {
                builtins.fallback().ifPresent(items::add);
            } else {
                items.addAll(alert.items());
            }
            if (items.isEmpty()) {
                log.error("Station {} has nothing to say for alert {}: no preamble, no audio, no fallback", stationId,
                        alert.id());
                return;
            }
            synchronized (lineLock) {
                if (ended.contains(alert.id())) {
                    log.info("Station {} drops alert {}: cancelled before it went on the line", stationId, alert.id());
                    return;
                }
                long playMillis = items.stream().mapToLong(Item::durationMillis).sum();
                Instant first = clock.instant();
                List<String> ids = new ArrayList<>();
                Priority priority = alert.emergency() ? Priority.EMERGENCY : Priority.WARNING;
                for (int k = 0; k < alert.repeats(); k++) {
                    Instant start = first.plus(Duration.ofMillis(k * (playMillis + alert.intervalSeconds() * 1000L)));
                    if (!start.isBefore(alert.expiresAt())) {
                        break;
                    }
                    String id = vn.loalang.protocol.alert.AlertId.sessionId(alert.id(), k + 1);
                    ids.add(id);
                    line.submit(new Program(id, alert.title(), priority, start, alert.expiresAt(), items, arrival));
                }
                active.put(alert.id(), ids);
            }
            if (arrival != null) {
                // Off this thread: the next alert must not wait for this one's download to go on the line.
                fetching.execute(arrival::fetch);
            }
        } catch (RuntimeException e) {
            log.error("Station {} could not prepare alert {}: {}", stationId, alert.id(), e.toString(), e);
        }
    }

    /** An alert's audio on its way into the cache, as the line sees it while the preamble plays. */
    private final class Arrival implements Program.LateContent {
        private final Alert alert;
        private volatile boolean over;

        Arrival(Alert alert) {
            this.alert = alert;
        }

        @Override
        public boolean stillComing(Item item) {
            return !over && alert.items().contains(item);
        }

        @Override
        public Optional<Item> standIn() {
            return builtins.fallback();
        }

        /** Fetches every item within {@link #FETCH_DEADLINE} all told; a failure is logged and reported. */
        void fetch() {
            try {
                String failure = fetchAll(alert);
                if (failure != null) {
                    log.error("Station {} cannot fetch the audio of alert {} ({}); it says its built-in announcement"
                            + " instead", stationId, alert.id(), failure);
                    events.record(StationEvent.of(EventType.CONTENT_FAILED).session(alert.id()).reason(EventReason.DOWNLOAD_FAILED)
                            .detail(failure + "; the built-in fallback is said instead"));
                }
            } finally {
                over = true;
            }
        }
    }

    /** Null when every item of the alert is in the cache; else why not. */
    private String fetchAll(Alert alert) {
        java.util.concurrent.Future<String> job;
        try {
            job = fetching.submit(() -> {
                for (Item item : alert.items()) {
                    String why = fetchOne(item);
                    if (why != null) {
                        return item.contentId() + ": " + why;
                    }
                }
                return null;
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            return "the station is stopping"; // closed while this alert was being prepared
        }
        try {
            return job.get(FETCH_DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            job.cancel(true);
            return "not fetched within " + FETCH_DEADLINE.toSeconds() + " s";
        } catch (java.util.concurrent.ExecutionException e) {
            return e.getCause().toString();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    /** Null when {@code item} is in the cache; else why not, after up to three attempts. */
    private String fetchOne(Item item) {
        String why = null;
        for (int attempt = 1; attempt <= 3 && !Thread.currentThread().isInterrupted(); attempt++) {
            try {
                cache.fetch(item);
                return null;
            } catch (ContentFetchException e) {
                why = e.getMessage();
            }
        }
        return why == null ? "interrupted" : why;
    }

    private void end(String alertId, EventReason reason, String why) {
        int stopped = 0;
        synchronized (lineLock) {
            ended.add(alertId);
            List<String> ids = active.remove(alertId);
            for (String id : ids == null ? List.of(alertId) : ids) {
                if (line.cancel(id)) {
                    stopped++;
                }
            }
        }
        log.info("Station {} ends alert {}: {} ({} program(s) stopped)", stationId, alertId, why, stopped);
        events.record(StationEvent.of(EventType.ALERT_ENDED).session(alertId).reason(reason).detail(why));
    }

    @Override
    public void close() {
        fetching.shutdownNow();
        preparing.shutdownNow();
        try {
            preparing.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
