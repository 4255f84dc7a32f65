package vn.loalang.controller.live;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vn.loalang.controller.audit.AuditLog;
import vn.loalang.controller.content.LibraryCatalog;
import vn.loalang.controller.content.LibraryItem;
import vn.loalang.controller.store.Store;
import vn.loalang.controller.testing.IcecastUnderTest;
import vn.loalang.controller.testing.Upstream;
import vn.loalang.protocol.SchemaVersion;
import vn.loalang.protocol.live.LiveState;
import vn.loalang.protocol.schedule.EndRule;
import vn.loalang.protocol.schedule.Fallback;
import vn.loalang.protocol.schedule.Item;
import vn.loalang.protocol.schedule.LiveChannelId;
import vn.loalang.protocol.schedule.RelaySpec;
import vn.loalang.protocol.schedule.Schedule;
import vn.loalang.protocol.schedule.Session;

import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The relay slots of the published schedules, pulled for real: Icecast2 on 127.0.0.1 fed by an ffmpeg playing
 * the province's signal, the controller's ffmpeg pulling it from the slot's lead, once for every station that
 * has the slot, then recorded into the real library from the slot's start to its end, and the recording handed
 * to the catch-up.
 */
class RelayPlanTest {
    private static final Clock CLOCK = Clock.systemUTC();
    private static final ZoneId HANOI = ZoneId.of("Asia/Ho_Chi_Minh");
    /**
     * Long enough for ffmpeg's start and probe, and the catch-up of what the upstream sent meanwhile, to be over
     * before the slot: what the product's 20 s lead is for. On this 2-core machine under load, ffmpeg took 5 s
     * to start, then delivered those 5 s of audio at once, and a 5 s lead recorded them into the slot.
     */
    private static final Duration LEAD = Duration.ofSeconds(12);
    /** Short here (the product waits a minute): long enough to see that the catch-up is not told at the slot's end. */
    private static final Duration GRACE = Duration.ofSeconds(3);

    @TempDir
    Path dir;
    private IcecastUnderTest ice;
    private Store store;
    private LibraryCatalog library;
    private Upstreams upstreams;
    private final Map<String, Schedule> published = new ConcurrentHashMap<>();
    private final List<String> recorded = new CopyOnWriteArrayList<>();
    private final List<Instant> toldAt = new CopyOnWriteArrayList<>();
    private final List<LiveState> states = new CopyOnWriteArrayList<>();

    @BeforeEach
    void open() throws Exception {
        ice = IcecastUnderTest.start();
        store = Store.open(dir.resolve("loalang.db"));
        library = LibraryCatalog.open(store, dir.resolve("content"), -18, new AuditLog(CLOCK), CLOCK);
        ChannelRegistry channels = ChannelRegistry.embedded(() -> URI.create("http://127.0.0.1:1"));
        upstreams = new Upstreams(Optional.of(Ffmpeg.find("ffmpeg")), channels, new LiveStatePublisher() {
            @Override
            public void publish(LiveState state) {
                states.add(state);
            }

            @Override
            public void clear(LiveChannelId channel) {
            }
        }, CLOCK, null);
    }

    @AfterEach
    void close() {
        upstreams.close();
        store.close();
        ice.close();
    }

    private static Schedule scheduleOf(String station, RelaySpec relay) {
        Instant from = relay.start().minusSeconds(30);
        Session s = new Session("relay", "Buổi sáng", from, relay.end().plusSeconds(30),
                List.of(Item.live("relay-" + relay.sourceId(), "Tiếp sóng " + relay.sourceName(), relay, 0.0)));
        return new Schedule(SchemaVersion.CURRENT, station, "thon-dong", 1, "Asia/Ho_Chi_Minh", from.minusSeconds(60),
                from.plus(Duration.ofHours(1)), List.of(s));
    }

    private static RelaySpec relay(String source, Instant start, Instant end) {
        return relay(source, start, end, EndRule.FIXED, 10);
    }

    private static RelaySpec relay(String source, Instant start, Instant end, EndRule rule, int silenceSeconds) {
        return new RelaySpec(source, "Đài tỉnh", URI.create("http://127.0.0.1:1/live/relay-" + source + ".mp3"),
                LiveChannelId.relay(source), "mp3", start, end, rule, silenceSeconds, Fallback.WAIT, null, 3000);
    }

    private RelayPlan plan(Upstream province) {
        return plan(province, UpstreamSupervisor.DEFAULT_GONE_GRACE);
    }

    private RelayPlan plan(Upstream province, Duration goneGrace) {
        LiveSource tinh = new LiveSource("tinh", "Đài tỉnh", province.url().toString(), LiveSource.Kind.AUTO,
                EndRule.FIXED, 10, true);
        return new RelayPlan(published::values, id -> id.equals("tinh") ? Optional.of(tinh) : Optional.empty(),
                upstreams, new RelayPlan.Recording(library, dir.resolve("data"), () -> HANOI, () -> 7),
                (source, start, end, recordingId) -> {
                    recorded.add(source + " " + start + " " + end + " " + recordingId);
                    toldAt.add(CLOCK.instant());
                }, CLOCK, LEAD, GRACE, goneGrace);
    }

    private LiveState lastState() {
        return states.get(states.size() - 1);
    }

    @Test
    void aSlotIsPulledOnceFromItsLeadRecordedForItsLengthAndHandedToTheCatchUp() throws Exception {
        try (Upstream province = Upstream.mp3(ice, "/province.mp3", Upstream.signal())) {
            await().atMost(Duration.ofSeconds(10)).until(() -> ice.hasSource("/province.mp3"));
            Instant start = CLOCK.instant().plus(LEAD).plusSeconds(2);
            Instant end = start.plusSeconds(8);
            // Three stations of two villages have the same slot: one slot, one fetch.
            published.put("thon-dong-1", scheduleOf("thon-dong-1", relay("tinh", start, end)));
            published.put("thon-dong-2", scheduleOf("thon-dong-2", relay("tinh", start, end)));
            published.put("thon-tay-1", scheduleOf("thon-tay-1", relay("tinh", start, end)));
            try (RelayPlan plan = plan(province).start()) {
                await().atMost(Duration.ofSeconds(10)).until(() -> !plan.active().isEmpty());
                Instant pulledAt = CLOCK.instant();
                assertTrue(!pulledAt.isBefore(start.minus(LEAD).minusMillis(50)),
                        "pulled at " + pulledAt + ", before the lead of the slot at " + start);
                assertEquals(1, plan.active().size());
                await().atMost(Duration.ofSeconds(15)).until(() -> upstreams.running("tinh")
                        .map(u -> u.state() == vn.loalang.protocol.live.ChannelState.ON_AIR).orElse(false));
                assertEquals(1, ice.listeners("/province.mp3"), "one fetch for three stations");

                await().atMost(Duration.ofSeconds(45)).until(() -> !recorded.isEmpty());
                assertTrue(plan.active().isEmpty(), "the slot is over");
                assertFalse(upstreams.running("tinh").isPresent(), "nothing pulls the source after its last slot");
                String[] r = recorded.get(0).split(" ");
                assertEquals("tinh", r[0]);
                assertEquals(start.toString(), r[1]);
                assertEquals(end.toString(), r[2]);
                LibraryItem item = library.index().byId(r[3]).orElseThrow();
                assertEquals("relay-recording", item.category());
                // Recorded from the slot's start (within one round of the plan) to its end: about 8 s.
                long ms = item.duration().toMillis();
                assertTrue(ms >= 6_500 && ms <= 8_700, "recording of " + ms + " ms for an 8 s slot");
                assertEquals(1, recorded.size(), "one recording per slot, whatever the number of stations");
                // The stations' reports of the slot are given time to come in before the catch-up judges it.
                assertFalse(toldAt.get(0).isBefore(end.plus(GRACE)),
                        "the catch-up was told at " + toldAt.get(0) + ", before the grace after the slot's end " + end);
            }
        }
    }

    @Test
    void aSlotOfASourceNoLongerKnownIsNotPulled() throws Exception {
        try (Upstream province = Upstream.mp3(ice, "/province.mp3", Upstream.signal())) {
            // Within its lead at once: the first round would pull it, were its source known.
            Instant start = CLOCK.instant().plusSeconds(1);
            published.put("thon-dong-1", scheduleOf("thon-dong-1", relay("vov1", start, start.plusSeconds(5))));
            try (RelayPlan plan = plan(province)) {
                plan.tick();
                plan.tick();
                assertTrue(plan.active().isEmpty());
                assertFalse(upstreams.running("vov1").isPresent());
                assertTrue(states.isEmpty(), "no channel was opened");
            }
        }
    }

    @Test
    void aProgrammeEndSlotEndsWhenTheUpstreamStopsAndDoesNotComeBackNotAtItsMaximum() throws Exception {
        try (Upstream province = Upstream.mp3(ice, "/province.mp3", Upstream.signal())) {
            await().atMost(Duration.ofSeconds(10)).until(() -> ice.hasSource("/province.mp3"));
            // Within its lead at once; a maximum of two minutes, far beyond the test's waits.
            Instant start = CLOCK.instant().plusSeconds(2);
            Instant max = start.plus(Duration.ofMinutes(2));
            published.put("thon-dong-1", scheduleOf("thon-dong-1",
                    relay("tinh", start, max, EndRule.PROGRAMME_END, RelaySpec.DEFAULT_SILENCE_SECONDS)));
            try (RelayPlan plan = plan(province, Duration.ofSeconds(4)).start()) {
                await().atMost(Duration.ofSeconds(15)).until(() -> upstreams.running("tinh")
                        .map(u -> u.state() == vn.loalang.protocol.live.ChannelState.ON_AIR).orElse(false)
                        && !CLOCK.instant().isBefore(start.plusSeconds(2)));
                province.kill(); // the province takes its stream down: the signal itself never fell silent

                await().atMost(Duration.ofSeconds(20)).until(() -> plan.active().isEmpty());
                assertTrue(CLOCK.instant().isBefore(max.minusSeconds(60)), "ended long before its maximum");
                assertFalse(upstreams.running("tinh").isPresent(), "nothing pulls the source any more");
                assertEquals(vn.loalang.protocol.live.ChannelState.ENDED, lastState().state(),
                        "the stations are told the programme ended: " + states);
                assertTrue(lastState().detail().contains("nothing for 4 s"), lastState().detail());
                // What was relayed is kept for the stations that missed it, as at a slot's maximum.
                await().atMost(Duration.ofSeconds(30)).until(() -> !recorded.isEmpty());
                assertTrue(recorded.get(0).startsWith("tinh " + start), recorded.get(0));
            }
        }
    }

    @Test
    void aProgrammeEndSlotEndsWhenTheUpstreamFallsSilent() throws Exception {
        // 10 s of the signal, then silence on a stream that goes on: 2 s of it close the programme.
        try (Upstream province = Upstream.mp3(ice, "/province.mp3", Upstream.signal(10))) {
            await().atMost(Duration.ofSeconds(10)).until(() -> ice.hasSource("/province.mp3"));
            Instant start = CLOCK.instant().plusSeconds(2);
            Instant max = start.plus(Duration.ofMinutes(2));
            published.put("thon-dong-1", scheduleOf("thon-dong-1", relay("tinh", start, max, EndRule.PROGRAMME_END, 2)));
            try (RelayPlan plan = plan(province, Duration.ofSeconds(60)).start()) {
                await().atMost(Duration.ofSeconds(10)).until(() -> !plan.active().isEmpty());
                await().atMost(Duration.ofSeconds(30)).until(() -> plan.active().isEmpty());
                assertTrue(province.alive(), "the upstream still sends: silence ended it, not its absence");
                assertTrue(CLOCK.instant().isBefore(max.minusSeconds(60)), "ended long before its maximum");
                assertEquals(vn.loalang.protocol.live.ChannelState.ENDED, lastState().state());
                assertTrue(lastState().detail().contains("silent"), lastState().detail());
            }
        }
    }
}
