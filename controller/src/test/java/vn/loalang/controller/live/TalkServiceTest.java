package vn.loalang.controller.live;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import vn.loalang.controller.audit.AuditLog;
import vn.loalang.controller.change.ChangeException;
import vn.loalang.controller.directory.Commune;
import vn.loalang.controller.directory.Directory;
import vn.loalang.controller.link.ControllerLink;
import vn.loalang.controller.store.Store;
import vn.loalang.controller.testing.MqttProbe;
import vn.loalang.controller.testing.SharedBroker;
import vn.loalang.controller.users.Role;
import vn.loalang.controller.users.User;
import vn.loalang.protocol.SchemaVersion;
import vn.loalang.protocol.Topics;
import vn.loalang.protocol.live.LatePolicy;
import vn.loalang.protocol.live.LiveTalk;
import vn.loalang.protocol.live.TalkState;
import vn.loalang.protocol.schedule.Item;
import vn.loalang.protocol.schedule.LiveChannelId;
import vn.loalang.protocol.signing.Ed25519Keys;
import vn.loalang.protocol.signing.EnvelopeSigner;
import vn.loalang.protocol.signing.EnvelopeVerifier;
import vn.loalang.protocol.signing.MessageType;
import vn.loalang.protocol.station.EventReason;
import vn.loalang.protocol.station.EventType;
import vn.loalang.protocol.station.StationEvent;
import vn.loalang.protocol.testing.ManualClock;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A live talk through its whole life on the real embedded broker, with the real ffmpeg and a real SQLite
 * store: a signed, retained {@link LiveTalk} per village that verifies with the commune key, STARTING at
 * once, ON_AIR at the first frame, ENDED when the speaker ends it, with the recording once kept, and gone
 * from the broker after {@code lateUntil}; the socket's ticket works once; the stations' events count.
 */
@ExtendWith(SharedBroker.class)
class TalkServiceTest {
    private static final Instant T0 = Instant.parse("2026-12-06T08:15:00Z");
    private static final KeyPair KEYS = Ed25519Keys.generate();

    @TempDir
    Path dir;
    private final ManualClock clock = new ManualClock(T0);
    private final AuditLog audit = new AuditLog(clock);
    private final User operator = new User("van.thu", "Văn thư xã", Role.OPERATOR, List.of(), "vi", T0, false);
    private final User headOfTay = new User("truong.tay", "Trưởng thôn Tây", Role.VILLAGE_HEAD, List.of("thon-tay"),
            "vi", T0, false);
    private Topics topics;
    private Store store;
    private ControllerLink link;
    private ChannelRegistry channels;
    private TalkService talks;
    private MqttProbe probe;

    @BeforeEach
    void start(TestInfo test) throws Exception {
        topics = new Topics("test/talk-" + test.getTestMethod().orElseThrow().getName());
        store = Store.open(dir.resolve("loalang.db"));
        Commune seed = new Commune(new Commune.Settings("xa-an-binh", "Xã An Bình", null, null, null),
                List.of(new Commune.Village("thon-dong", "Thôn Đông", null),
                        new Commune.Village("thon-tay", "Thôn Tây", null)),
                List.of(new Commune.Station("thon-dong-1", null, "thon-dong"),
                        new Commune.Station("thon-tay-1", null, "thon-tay"),
                        new Commune.Station("thon-tay-2", null, "thon-tay")),
                List.of(), null);
        Directory directory = Directory.open(store, audit, clock, null, seed, null);
        link = new ControllerLink(SharedBroker.broker().url(), "controller-talk-" + test.getTestMethod().orElseThrow()
                .getName(), null, null);
        link.connect();
        channels = ChannelRegistry.embedded(() -> URI.create("http://127.0.0.1:8081/"));
        talks = new TalkService(store, audit, clock, directory::current, channels, topics,
                new EnvelopeSigner("xa-an-binh-1", KEYS.getPrivate(), clock), link::publish,
                Optional.of(Ffmpeg.find("ffmpeg")));
    }

    @AfterEach
    void stop() {
        talks.close();
        if (probe != null) {
            probe.close();
        }
        channels.close();
        link.close();
        store.close();
    }

    /**
     * What a station of {@code village} that connects now finds retained for the talk, verified with the commune
     * key; asked again (a new connection each time) until {@code expected} holds, since the newest state is
     * published by the talk's own thread a moment after the store has it.
     */
    private Optional<LiveTalk> retained(String village, String talkId, java.util.function.Predicate<Optional<LiveTalk>> expected)
            throws Exception {
        Instant giveUp = Instant.now().plusSeconds(10);
        while (true) {
            Optional<LiveTalk> found = retainedNow(village, talkId);
            if (expected.test(found)) {
                return found;
            }
            assertTrue(Instant.now().isBefore(giveUp), "village " + village + " still finds " + found);
        }
    }

    /** One station's connection: the retained message of the talk, if the broker keeps one (asked for 500 ms). */
    private Optional<LiveTalk> retainedNow(String village, String talkId) throws Exception {
        org.eclipse.paho.client.mqttv3.MqttClient client = new org.eclipse.paho.client.mqttv3.MqttClient(
                SharedBroker.broker().url(), "station-" + java.util.UUID.randomUUID(),
                new org.eclipse.paho.client.mqttv3.persist.MemoryPersistence());
        try {
            client.connect();
            java.util.concurrent.CompletableFuture<MqttProbe.Message> kept = new java.util.concurrent.CompletableFuture<>();
            client.subscribe(topics.zoneTalks(village), 1, (topic, m) -> {
                // What a fresh connection gets at once is what the broker kept (the embedded Moquette does not
                // always set the retain flag on it, so the flag is not asked).
                if (topic.equals(topics.zoneTalk(village, talkId))) {
                    kept.complete(new MqttProbe.Message(topic, m.getPayload(), true));
                }
            });
            try {
                return Optional.of(verify(kept.get(500, TimeUnit.MILLISECONDS)));
            } catch (java.util.concurrent.TimeoutException e) {
                return Optional.empty();
            }
        } finally {
            if (client.isConnected()) {
                client.disconnect(1000);
            }
            client.close(true);
        }
    }

    private LiveTalk retained(String village, String talkId, TalkState state) throws Exception {
        return retained(village, talkId, t -> t.isPresent() && t.get().state() == state).orElseThrow();
    }

    private LiveTalk verify(MqttProbe.Message m) throws Exception {
        EnvelopeVerifier verifier = new EnvelopeVerifier(Map.of("xa-an-binh-1", KEYS.getPublic()), clock,
                Duration.ofMinutes(5));
        return verifier.verify(m.topic(), MessageType.LIVE_TALK, m.payload(), LiveTalk.class).payload();
    }

    private byte[] spokenWebm(double seconds) throws Exception {
        Path webm = dir.resolve("mic.webm");
        Process p = new ProcessBuilder("ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi",
                "-i", "sine=frequency=440:duration=" + seconds + ":sample_rate=48000", "-ac", "1", "-c:a", "libopus",
                "-b:a", "32k", "-f", "webm", webm.toString()).redirectErrorStream(true).start();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue());
        return Files.readAllBytes(webm);
    }

    private void event(String station, EventType type, String session, String reason) {
        talks.onEvent(new StationEvent(SchemaVersion.CURRENT, station, "boot-1", 1, clock.instant(), type, session, null,
                null, reason, null, null));
    }

    @Test
    void aTalkIsSignedAndRetainedPerVillageFromStartingToOnAirToEndedWithItsRecordingThenCleared() throws Exception {
        TalkService.Started s = talks.start(operator, new TalkService.Request(List.of("*"), "Họp thôn", null));
        assertEquals(3, s.stations());
        assertEquals(List.of("thon-dong", "thon-tay"), s.villages());
        assertEquals("/api/live/talks/" + s.id() + "/audio", s.wsPath());
        assertEquals(T0.plus(Duration.ofMinutes(TalkRequests.MAX_MINUTES)), s.maxEnd());

        LiveTalk starting = retained("thon-tay", s.id(), TalkState.STARTING);
        assertEquals("thon-tay", starting.zone());
        assertEquals("Họp thôn", starting.title());
        assertEquals("Văn thư xã", starting.speaker());
        assertEquals(LiveChannelId.talk(s.id()), starting.channel());
        assertEquals(URI.create("http://127.0.0.1:8081/live/talk-" + s.id() + ".mp3"), starting.url());
        assertEquals(LatePolicy.PLAY_LATE, starting.late());
        assertEquals("thon-dong", retained("thon-dong", s.id(), TalkState.STARTING).zone(), "each village its own message");

        List<TalkIngest.Report> reports = new CopyOnWriteArrayList<>();
        TalkIngest ingest = talks.admit(s.id(), s.ticket(), reports::add).orElseThrow();
        byte[] webm = spokenWebm(2.0);
        assertEquals(TalkIngest.Accepted.OK, ingest.accept(webm, 0, webm.length));
        await().atMost(Duration.ofSeconds(10)).until(() -> talks.status(s.id()).orElseThrow().state().equals("ON_AIR"));
        retained("thon-tay", s.id(), TalkState.ON_AIR);

        event("thon-tay-1", EventType.SESSION_STARTED, s.id(), null);
        event("thon-tay-2", EventType.ITEM_STARTED, s.id(), null);
        assertEquals(2, talks.status(s.id()).orElseThrow().stationsOnAir());
        talks.tick();
        assertEquals(new TalkIngest.Report("ON_AIR", ingest.receivedMillis(), 2), reports.get(reports.size() - 1));

        clock.set(T0.plusSeconds(30));
        TalkService.Status ended = talks.end(operator, s.id());
        await().atMost(Duration.ofSeconds(10)).until(() -> talks.status(s.id()).orElseThrow().state().equals("ENDED"));
        assertEquals("ENDED", reports.get(reports.size() - 1).state(), "the speaker's page is told it ended");
        assertNotNull(ended);
        TalkService.Status st = talks.status(s.id()).orElseThrow();
        assertEquals("van.thu", st.endedBy());
        assertEquals("speaker", st.endReason());
        LiveTalk over = retained("thon-dong", s.id(), TalkState.ENDED);
        assertEquals(T0.plusSeconds(30), over.endedAt());
        assertEquals(T0.plusSeconds(30).plus(java.time.Duration.ofMinutes(vn.loalang.controller.directory.LiveSettings.DEFAULTS.talkLateMinutes())), over.lateUntil());
        assertNull(over.recording());
        assertThrows(ChangeException.class, () -> talks.end(operator, s.id()), "already ended");

        Item recording = new Item("talk-" + s.id(), "Họp thôn — ghi lại", "a".repeat(64),
                URI.create("http://127.0.0.1:8081/content/talk.mp3"), 8000, 2000, 0);
        talks.recordingKept(s.id(), recording);
        assertEquals(recording.contentId(), retained("thon-tay", s.id(), t -> t.isPresent() && t.get().recording() != null)
                .orElseThrow().recording().contentId(), "a station that missed the talk learns of its recording");

        clock.set(over.lateUntil().minusSeconds(1));
        talks.tick();
        assertTrue(retained("thon-tay", s.id(), Optional::isPresent).isPresent(), "kept until lateUntil");
        clock.set(over.lateUntil());
        talks.tick();
        assertTrue(retained("thon-tay", s.id(), Optional::isEmpty).isEmpty(), "cleared from the broker after lateUntil");
        assertTrue(retained("thon-dong", s.id(), Optional::isEmpty).isEmpty());

        List<String> actions = new java.util.ArrayList<>(store.query(c -> audit.latest(c, 50)).stream()
                .filter(e -> e.target().equals(s.id())).map(e -> e.actor() + " " + e.action()).toList());
        java.util.Collections.reverse(actions); // latest() is the newest first
        assertEquals(List.of("van.thu talk.start", "van.thu talk.on-air", "van.thu talk.end", "system talk.recording"),
                actions);
    }

    @Test
    void theTalkIsRecordedIntoTheLibraryAndItsEndedMessageOffersTheRecordingToStationsThatMissedIt() throws Exception {
        vn.loalang.controller.content.LibraryCatalog library = vn.loalang.controller.content.LibraryCatalog.open(store,
                dir.resolve("content"), -16, audit, clock);
        talks.recordInto(new TalkService.Recordings(library, dir.resolve("data"), () -> URI.create("http://127.0.0.1:8081"),
                Recorder.KEEP_DAYS));
        TalkService.Started s = talks.start(operator, new TalkService.Request(List.of("thon-tay"), "Tiêm phòng", null));
        TalkIngest ingest = talks.admit(s.id(), s.ticket(), r -> { }).orElseThrow();
        byte[] webm = spokenWebm(3.0);
        ingest.accept(webm, 0, webm.length);
        await().atMost(Duration.ofSeconds(10)).until(() -> ingest.receivedMillis() >= 2500);
        talks.end(operator, s.id());
        await().atMost(Duration.ofSeconds(30)).until(() -> talks.status(s.id()).orElseThrow().recordingId() != null);
        assertEquals("rec-" + s.id(), talks.status(s.id()).orElseThrow().recordingId());
        Item recording = retained("thon-tay", s.id(), t -> t.isPresent() && t.get().recording() != null).orElseThrow()
                .recording();
        assertEquals("rec-" + s.id(), recording.contentId());
        assertEquals(3000, recording.durationMillis(), 300, "the whole talk, as the channel carried it");
        assertEquals("live-talk", library.index().byId(recording.contentId()).orElseThrow().category());
    }

    @Test
    void theTicketOpensTheSocketOnceAndATalkNobodySpeaksIntoIsCancelled() throws Exception {
        TalkService.Started s = talks.start(headOfTay, new TalkService.Request(List.of("thon-tay"), null, "SKIP"));
        assertTrue(talks.admit(s.id(), "AAAAAAAAAAAAAAAAAAAAAA", r -> { }).isEmpty(), "a guessed ticket");
        assertTrue(talks.admit(s.id(), s.ticket(), r -> { }).isPresent());
        assertTrue(talks.admit(s.id(), s.ticket(), r -> { }).isEmpty(), "a replayed ticket");

        clock.set(T0.plus(TalkIngest.IDLE));
        talks.tick();
        await().atMost(Duration.ofSeconds(10)).until(() -> talks.status(s.id()).orElseThrow().state().equals("CANCELLED"));
        LiveTalk cancelled = retained("thon-tay", s.id(), TalkState.CANCELLED); // no voice ever came: nothing late
        assertEquals(LatePolicy.SKIP, cancelled.late());
        assertEquals("idle", talks.status(s.id()).orElseThrow().endReason());
        assertEquals("system", talks.status(s.id()).orElseThrow().endedBy());
    }

    @Test
    void aTalkLeftRunningByAControllerThatStoppedEndsAtTheNextStart() throws Exception {
        TalkService.Started s = talks.start(operator, new TalkService.Request(List.of("thon-tay"), "Họp", null));
        TalkService restarted = new TalkService(store, audit, clock, () -> new Commune(new Commune.Settings("xa-an-binh",
                "Xã An Bình", null, null, null), List.of(new Commune.Village("thon-tay", "Thôn Tây", null)), List.of(),
                List.of(), null), channels, topics, new EnvelopeSigner("xa-an-binh-1", KEYS.getPrivate(), clock),
                link::publish, Optional.of(Ffmpeg.find("ffmpeg")));
        restarted.tick();
        assertEquals("CANCELLED", restarted.status(s.id()).orElseThrow().state());
        assertEquals("the controller restarted", restarted.status(s.id()).orElseThrow().endReason());
        retained("thon-tay", s.id(), TalkState.CANCELLED);
        talks.tick();
        assertEquals("CANCELLED", talks.status(s.id()).orElseThrow().state(), "and stays so");
    }

    @Test
    void aSpeakerWhoNeverOpensTheSocketLosesTheTalkWhenTheTicketExpires() throws Exception {
        TalkService.Started s = talks.start(operator, new TalkService.Request(List.of("thon-dong"), "Thử", null));
        clock.set(T0.plus(TalkTickets.LIFETIME).minusMillis(1));
        talks.tick();
        assertEquals("STARTING", talks.status(s.id()).orElseThrow().state());
        clock.set(T0.plus(TalkTickets.LIFETIME));
        talks.tick();
        assertEquals("CANCELLED", talks.status(s.id()).orElseThrow().state());
        assertTrue(talks.admit(s.id(), s.ticket(), r -> { }).isEmpty(), "too late to open it");
    }

    @Test
    void aVillageHeadEndsOnlyTheirVillagesTalksAndStationsReportHowTheTalkWent() throws Exception {
        TalkService.Started s = talks.start(operator, new TalkService.Request(List.of("thon-dong", "thon-tay"), "Họp",
                null));
        assertThrows(TalkService.RightsException.class, () -> talks.end(headOfTay, s.id()), "thon-dong is not theirs");
        assertThrows(TalkService.RightsException.class, () -> talks.start(headOfTay,
                new TalkService.Request(List.of("thon-dong"), "Họp", null)));
        event("thon-dong-1", EventType.ITEM_FAILED, s.id() + "~late", EventReason.LATE_SKIPPED.name());
        event("thon-tay-1", EventType.SESSION_STARTED, s.id() + "~late", null);
        event("thon-tay-2", EventType.SESSION_PREEMPTED, s.id(), null);
        event("thon-tay-2", EventType.SESSION_STARTED, "2026-12-06-morning", null);
        Map<String, String> status = new java.util.TreeMap<>();
        talks.status(s.id()).orElseThrow().deliveries().forEach(d -> status.put(d.stationId(), d.status()));
        assertEquals(Map.of("thon-dong-1", "SKIPPED", "thon-tay-1", "LATE", "thon-tay-2", "FAILED"), status);
    }

    @Test
    void aTalksMountAdmitsOnlyTheStationsOfItsVillagesUntilItEnds() throws Exception {
        java.util.function.Function<String, vn.loalang.provisioning.broker.BrokerAccount> account = id ->
                new vn.loalang.provisioning.broker.BrokerAccount(id, "$7$hash-of-" + id,
                        vn.loalang.provisioning.broker.BrokerAccount.Kind.STATION, List.of());
        LiveAccess access = new LiveAccess((user, password) -> Optional.of(account.apply(user)), (mount, client) -> { });
        talks.admitThrough(access);
        TalkService.Started s = talks.start(operator, new TalkService.Request(List.of("thon-dong"), "Thử", null));
        String mount = LiveChannelId.talk(s.id()).mount();

        assertTrue(access.admit("thon-dong-1", "pw", mount, "c1", "127.0.0.1").admitted(), "its own village's talk");
        LiveAccess.Decision stolen = access.admit("thon-tay-1", "pw", mount, "c2", "127.0.0.1");
        assertFalse(stolen.admitted(), "another village's station, even with its own good password");
        assertEquals("not on this mount", stolen.reason());

        clock.set(T0.plus(TalkTickets.LIFETIME));
        talks.tick();
        assertEquals("CANCELLED", talks.status(s.id()).orElseThrow().state());
        assertTrue(access.admit("thon-tay-1", "pw", mount, "c3", "127.0.0.1").admitted(),
                "the restriction goes with the talk (no mount of it is left to hear): none is kept for ever");
    }
}
