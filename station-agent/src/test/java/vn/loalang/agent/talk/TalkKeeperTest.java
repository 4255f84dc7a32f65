package vn.loalang.agent.talk;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vn.loalang.agent.content.ContentCache;
import vn.loalang.agent.events.EventOutbox;
import vn.loalang.agent.live.LiveStates;
import vn.loalang.agent.playout.Priority;
import vn.loalang.agent.playout.Program;
import vn.loalang.agent.testing.RecordingSender;
import vn.loalang.agent.trust.SignedInbox;
import vn.loalang.agent.trust.TrustGate;
import vn.loalang.audio.ContentHash;
import vn.loalang.audio.testing.Fixtures;
import vn.loalang.protocol.SchemaVersion;
import vn.loalang.protocol.Topics;
import vn.loalang.protocol.live.ChannelState;
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

import java.io.IOException;
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
import java.util.function.BiConsumer;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Live talks as a station takes them, through the real signed inbox and trust gate: for its village only,
 * on the line at LIVE priority at once, their end told to the player, cancelled, and when missed played
 * late from the recording or skipped, as the commune says.
 */
class TalkKeeperTest {
    private static final String STATION = "thon-tay-1";
    private static final String TALK = "t-20261206-081500-ab12";
    private static final Instant T0 = Instant.parse("2026-12-06T08:15:00Z");
    private static final Topics TOPICS = Topics.defaults();
    private static final LiveChannelId CHANNEL = LiveChannelId.talk(TALK);
    /** The station's built-in chime, as BuiltinClips would give it. */
    private static final Item CHIME = new Item("builtin-chime", "Chuông", "c".repeat(64),
            URI.create("http://127.0.0.1:9/content/chime"), 1000, 1500, 0.0);

    @TempDir
    Path dir;
    private final ManualClock clock = new ManualClock(T0);
    private final KeyPair commune = Ed25519Keys.generate();
    private final EnvelopeSigner signer = new EnvelopeSigner("k1", commune.getPrivate(), clock);
    private final RecordingSender link = new RecordingSender(true);
    private final List<Program> submitted = new CopyOnWriteArrayList<>();
    private final List<String> cancelled = new CopyOnWriteArrayList<>();
    private final List<String> subscribed = new CopyOnWriteArrayList<>();
    private final LiveStates states = new LiveStates(STATION);
    private EventOutbox events;
    private ContentCache cache;
    private TalkKeeper keeper;
    private TrustGate gate;

    @BeforeEach
    void station() throws IOException {
        events = new EventOutbox(dir.resolve("events"), STATION, clock, Duration.ofHours(1));
        events.start(link);
        cache = new ContentCache(STATION, dir.resolve("cache"));
        EnvelopeVerifier verifier = new EnvelopeVerifier(Map.of("k1", commune.getPublic()), clock, Duration.ofMinutes(5));
        gate = new TrustGate(STATION, verifier, dir.resolve("state"), events, clock);
        SignedInbox inbox = new SignedInbox(STATION, TOPICS, gate, events);
        keeper = new TalkKeeper(STATION, TOPICS, inbox, states, cache, () -> Optional.of(CHIME), new TalkKeeper.Line() {
            @Override
            public void submit(Program program) {
                submitted.add(program);
            }

            @Override
            public boolean cancel(String programId) {
                cancelled.add(programId);
                return true;
            }
        }, new TalkKeeper.Subscriptions() {
            @Override
            public void subscribe(String topic, BiConsumer<String, byte[]> handler) {
                subscribed.add("+" + topic);
            }

            @Override
            public void unsubscribe(String topic) {
                subscribed.add("-" + topic);
            }
        }, events, clock);
        keeper.zone("thon-tay");
    }

    @AfterEach
    void close() {
        keeper.close();
        gate.close(); // its replay guard is written behind: done before the temporary folder goes
        events.close();
    }

    private LiveTalk talk(String zone, TalkState state, LatePolicy late, Item recording) {
        Instant ended = state == TalkState.ENDED || state == TalkState.CANCELLED ? T0.plusSeconds(120) : null;
        return new LiveTalk(SchemaVersion.CURRENT, TALK, zone, "Họp thôn tối nay", "Ông Ba, trưởng thôn",
                URI.create("http://127.0.0.1:9/live/" + CHANNEL.mount()), CHANNEL, "mp3", state, T0, T0.plusSeconds(900),
                ended, -6.0, late, T0.plusSeconds(3600), recording);
    }

    private void receive(String topicZone, LiveTalk talk) {
        receive(topicZone, talk, talk.lateUntil());
    }

    private void receive(String topicZone, LiveTalk talk, Instant envelopeExpires) {
        String topic = TOPICS.zoneTalk(topicZone, talk.talkId());
        keeper.onMessage(topic, signer.sign(MessageType.LIVE_TALK, topic, talk, envelopeExpires));
    }

    /** The talk's recording, kept by the controller and already in the cache. */
    private Item recording() throws IOException {
        Path source = Fixtures.path(Fixtures.ITEM_660HZ_1S);
        String sha = ContentHash.sha256(source);
        Files.copy(source, dir.resolve("cache").resolve(sha));
        return new Item("rec-" + TALK, "Họp thôn tối nay (ghi lại)", sha, URI.create("http://127.0.0.1:9/content/" + sha),
                Files.size(source), 1000, 0.0);
    }

    private List<StationEvent> sentOf(EventType type) {
        return link.sent().stream().filter(e -> e.type() == type).toList();
    }

    @Test
    void aTalkToTheVillageGoesOnTheLineAtOnceAsLiveAndItsEndIsToldToThePlayer() {
        assertEquals(List.of("+" + TOPICS.zoneTalks("thon-tay")), subscribed);

        receive("thon-tay", talk("thon-tay", TalkState.STARTING, LatePolicy.PLAY_LATE, null));
        receive("thon-tay", talk("thon-tay", TalkState.ON_AIR, LatePolicy.PLAY_LATE, null));

        assertEquals(1, submitted.size(), "STARTING then ON_AIR: one program");
        Program p = submitted.get(0);
        assertEquals(TALK, p.id());
        assertEquals(Priority.LIVE, p.priority());
        assertEquals(T0, p.start());
        assertEquals(T0.plusSeconds(900), p.end());
        assertEquals(2, p.items().size());
        assertEquals(CHIME, p.items().get(0), "the station's chime first");
        assertEquals(-6.0, p.volumeDb(), "the operator's level for the talk travels with its program");
        Item live = p.items().get(1);
        assertTrue(live.live());
        assertEquals(CHANNEL, live.relay().channel());
        assertEquals(Optional.of(ChannelState.ON_AIR), states.state(CHANNEL));

        clock.advance(Duration.ofSeconds(120));
        receive("thon-tay", talk("thon-tay", TalkState.ENDED, LatePolicy.PLAY_LATE, null));
        assertTrue(states.ended(CHANNEL, T0), "the player ends the item once what was received has played");
        assertEquals(1, submitted.size(), "heard live: the recording is not played again");
        assertEquals(List.of(), cancelled);
    }

    @Test
    void aTalkToAnotherVillageIsRefusedAndAFollowedVillageChangeMovesTheSubscription() {
        receive("thon-tay", talk("thon-dong", TalkState.ON_AIR, LatePolicy.PLAY_LATE, null));

        assertEquals(List.of(), submitted);
        await().until(() -> sentOf(EventType.MESSAGE_REJECTED).size() == 1);
        assertEquals(EventReason.WRONG_TARGET.name(), sentOf(EventType.MESSAGE_REJECTED).get(0).reason());

        keeper.zone("thon-dong");
        assertEquals(List.of("+" + TOPICS.zoneTalks("thon-tay"), "-" + TOPICS.zoneTalks("thon-tay"),
                "+" + TOPICS.zoneTalks("thon-dong")), subscribed);
    }

    @Test
    void aCancelledTalkIsTakenOffTheLine() {
        receive("thon-tay", talk("thon-tay", TalkState.ON_AIR, LatePolicy.PLAY_LATE, null));
        receive("thon-tay", talk("thon-tay", TalkState.CANCELLED, LatePolicy.PLAY_LATE, null));

        assertTrue(cancelled.contains(TALK), cancelled.toString());
        assertTrue(states.ended(CHANNEL, T0));
    }

    @Test
    void aMissedTalkPlaysLateFromItsRecordingOnceItComesWithinItsLateWindow() throws Exception {
        Item recording = recording();
        clock.advance(Duration.ofMinutes(10)); // the station was offline for the whole talk

        receive("thon-tay", talk("thon-tay", TalkState.ENDED, LatePolicy.PLAY_LATE, null));
        assertEquals(List.of(), submitted, "ENDED before the controller kept the recording: wait for it");
        receive("thon-tay", talk("thon-tay", TalkState.ENDED, LatePolicy.PLAY_LATE, recording));

        await().until(() -> submitted.size() == 1);
        Program late = submitted.get(0);
        assertEquals(TALK + "~late", late.id());
        assertEquals(Priority.LIVE, late.priority());
        assertEquals(List.of(CHIME, recording.asLate()), late.items());
        assertTrue(late.items().get(1).playedLate(), "its events are marked late");
        assertEquals(-6.0, late.volumeDb(), "played late at the talk's level");
        assertEquals(List.of(), sentOf(EventType.ITEM_FAILED));
    }

    @Test
    void aMissedTalkIsSkippedByPolicyOrWhenItIsTooLateAndTheSkipIsJournalled() throws Exception {
        Item recording = recording();
        clock.advance(Duration.ofMinutes(10));
        receive("thon-tay", talk("thon-tay", TalkState.ENDED, LatePolicy.SKIP, recording));

        await().until(() -> sentOf(EventType.ITEM_FAILED).size() == 1);
        StationEvent skipped = sentOf(EventType.ITEM_FAILED).get(0);
        assertEquals(EventReason.LATE_SKIPPED.name(), skipped.reason());
        assertEquals(TALK + "~late", skipped.sessionId());
        assertTrue(skipped.playedLate());
        assertEquals(List.of(), submitted);
    }

    @Test
    void aMissedTalkPastItsLateWindowIsSkipped() throws Exception {
        Item recording = recording();
        clock.advance(Duration.ofMinutes(61)); // lateUntil was T0 + 60 min
        // The envelope may outlive the late window (a controller signing with a margin): the window decides.
        receive("thon-tay", talk("thon-tay", TalkState.ENDED, LatePolicy.PLAY_LATE, recording), T0.plus(Duration.ofHours(2)));

        await().until(() -> sentOf(EventType.ITEM_FAILED).size() == 1);
        assertEquals(EventReason.LATE_SKIPPED.name(), sentOf(EventType.ITEM_FAILED).get(0).reason());
        assertTrue(sentOf(EventType.ITEM_FAILED).get(0).detail().contains("too late"));
        assertEquals(List.of(), submitted);
    }
}
