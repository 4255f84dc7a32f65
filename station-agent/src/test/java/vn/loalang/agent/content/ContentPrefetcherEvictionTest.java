package vn.loalang.agent.content;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vn.loalang.agent.events.EventOutbox;
import vn.loalang.protocol.testing.ManualClock;
import vn.loalang.agent.testing.RecordingSender;
import vn.loalang.protocol.schedule.EndRule;
import vn.loalang.protocol.schedule.Fallback;
import vn.loalang.protocol.schedule.Item;
import vn.loalang.protocol.schedule.LiveChannelId;
import vn.loalang.protocol.schedule.RelaySpec;
import vn.loalang.protocol.schedule.Schedule;
import vn.loalang.protocol.schedule.Session;
import vn.loalang.protocol.station.EventType;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.function.Predicate;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The prefetcher keeps the cache within budget as schedules change: what the coming sessions need,
 * what is on air and what the playout holds stay; the rest goes, least recently used first.
 */
class ContentPrefetcherEvictionTest {
    private static final String STATION = "st-01";
    private static final int FILE_BYTES = 200 * 1024;
    /** Room for three files, not four. */
    private static final long BUDGET = 3 * FILE_BYTES + FILE_BYTES / 2;
    private static final Instant T0 = Instant.parse("2026-03-02T04:00:00Z");

    @TempDir
    Path dir;

    private final ManualClock clock = new ManualClock(T0);
    private final RecordingSender link = new RecordingSender(true);
    private ContentServer server;
    private EventOutbox events;
    private ContentPrefetcher prefetcher;

    @BeforeEach
    void start() throws IOException {
        server = new ContentServer();
        events = new EventOutbox(dir.resolve("events"), STATION, clock, Duration.ofHours(1));
        events.start(link);
    }

    @AfterEach
    void stop() {
        if (prefetcher != null) {
            prefetcher.close();
        }
        events.close();
        server.close();
    }

    private void startPrefetcher(Predicate<String> inUse) throws IOException {
        ContentCache cache = new ContentCache(STATION, dir.resolve("cache"), BUDGET, clock);
        prefetcher = new ContentPrefetcher(STATION, cache, events, clock, inUse);
        prefetcher.start();
    }

    private Item item(String name) {
        return server.offer(name, FILE_BYTES);
    }

    private static Session session(String id, Instant start, Item... items) {
        return new Session(id, id, start, start.plus(Duration.ofHours(1)), List.of(items));
    }

    private static Schedule schedule(long version, Session... sessions) {
        return new Schedule(1, STATION, "xom-1", version, "Asia/Ho_Chi_Minh", T0.minus(Duration.ofDays(1)),
                T0.plus(Duration.ofDays(7)), Arrays.asList(sessions));
    }

    private boolean cached(Item item) {
        return Files.exists(dir.resolve("cache").resolve(item.sha256()));
    }

    /** Delivers the schedule and waits until every coming session of it is reported ready. */
    private void deliver(Schedule s, int readySessionsSoFar) {
        prefetcher.scheduleChanged(s);
        await().until(() -> link.sentOfType(EventType.CONTENT_READY).size() >= readySessionsSoFar);
    }

    /** Lets the clock move on so that files fetched later count as used later. */
    private void minuteLater() {
        clock.advance(Duration.ofMinutes(1));
    }

    /** A relay slot of the session starting at {@code start} (issue 17): a stream, with {@code fallback} as its file. */
    private static Item relay(Instant start, Item fallback) {
        RelaySpec spec = new RelaySpec("vov1", "VOV1", URI.create("http://127.0.0.1:9/live/relay-vov1.mp3"),
                LiveChannelId.relay("vov1"), RelaySpec.CODEC_MP3, start, start.plus(Duration.ofMinutes(15)), EndRule.FIXED,
                10, Fallback.ITEM_THEN_REST, fallback, RelaySpec.RELAY_JITTER_MILLIS);
        return Item.live("vov1-" + start.getEpochSecond(), "Tiếp sóng VOV1", spec, 0.0);
    }

    @Test
    void aRelaysFallbackIsFetchedAndKeptWhileASessionPlaysTheRelayAndTheStreamItselfIsNoFile() throws IOException {
        startPrefetcher(sha -> false);
        Item a = item("a"), f = item("f"), d = item("d"), e = item("e");
        Instant first = T0.plus(Duration.ofHours(1));
        deliver(schedule(1, session("s1", first, relay(first, f), a)), 1);
        assertTrue(cached(f) && cached(a), "the fallback is fetched with the session's files");
        minuteLater();

        Instant second = T0.plus(Duration.ofHours(2));
        deliver(schedule(2, session("s2", second, d, relay(second, f), e)), 2);

        await().until(() -> cached(d) && cached(e));
        await().until(() -> !cached(a));
        assertTrue(cached(f), "the relay's fallback is still needed, so it is not evicted");
        assertEquals(List.of(), link.sentOfType(EventType.CONTENT_FAILED), "nothing is fetched for the stream itself");
    }

    @Test
    void contentANewScheduleNoLongerNeedsIsEvictedOldestFirstOnceTheNewContentIsIn() throws IOException {
        startPrefetcher(sha -> false);
        Item a = item("a"), b = item("b"), c = item("c"), d = item("d"), e = item("e");
        deliver(schedule(1, session("s1", T0.plus(Duration.ofHours(1)), a, b, c)), 1);
        minuteLater();

        deliver(schedule(2, session("s2", T0.plus(Duration.ofHours(2)), d, e)), 2);

        await().until(() -> cached(d) && cached(e));
        await().until(() -> !cached(a) && !cached(b));
        assertTrue(cached(c), "within budget again after two evictions; the third old file may stay");
    }

    @Test
    void aSessionOfTheReplacedScheduleThatIsOnAirKeepsItsFilesUntilItEnds() throws IOException {
        startPrefetcher(sha -> false);
        Item a = item("a"), b = item("b"), c = item("c"), d = item("d"), e = item("e");
        Session onAir = session("s1", T0.minus(Duration.ofMinutes(10)), a, b, c);
        deliver(schedule(1, onAir), 1);
        minuteLater();

        // The operator drops the session while it plays: its files must outlive the schedule that named them.
        deliver(schedule(2, session("s2", T0.plus(Duration.ofHours(2)), d, e)), 2);
        await().until(() -> cached(d) && cached(e));
        assertTrue(cached(a) && cached(b) && cached(c), "over budget rather than cut a session on air");

        clock.set(onAir.end().plus(Duration.ofMinutes(1)));
        deliver(schedule(3, session("s2", T0.plus(Duration.ofHours(2)), d, e)), 3);

        await().until(() -> !cached(a) && !cached(b));
        assertTrue(cached(d) && cached(e));
    }

    @Test
    void contentThePlayoutHoldsIsNotEvictedEvenWhenNoScheduleNamesIt() throws IOException {
        Item alert = item("bao-chay");
        startPrefetcher(alert.sha256()::equals);
        Item b = item("b"), c = item("c"), d = item("d");
        deliver(schedule(1, session("s1", T0.plus(Duration.ofHours(1)), alert)), 1);
        minuteLater();

        deliver(schedule(2, session("s2", T0.plus(Duration.ofHours(2)), b, c, d)), 2);

        await().until(() -> cached(b) && cached(c) && cached(d));
        assertTrue(cached(alert), "the oldest file, but the playout holds it");
    }

    @Test
    void thePrefetcherSaysWhetherItIsStillWorking() throws IOException {
        startPrefetcher(sha -> false);
        assertTrue(prefetcher.alive());

        prefetcher.close();

        await().until(() -> !prefetcher.alive());
        assertFalse(prefetcher.alive());
        assertEquals(List.of(), link.sentOfType(EventType.CONTENT_FAILED));
    }
}
