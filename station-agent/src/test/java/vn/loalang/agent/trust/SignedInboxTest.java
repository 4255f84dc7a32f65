package vn.loalang.agent.trust;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vn.loalang.agent.events.EventOutbox;
import vn.loalang.protocol.SchemaVersion;
import vn.loalang.protocol.Topics;
import vn.loalang.protocol.live.ChannelState;
import vn.loalang.protocol.live.LatePolicy;
import vn.loalang.protocol.live.LiveState;
import vn.loalang.protocol.live.LiveTalk;
import vn.loalang.protocol.live.TalkState;
import vn.loalang.protocol.schedule.LiveChannelId;
import vn.loalang.protocol.alert.Alert;
import vn.loalang.protocol.alert.AlertPriority;
import vn.loalang.protocol.alert.AlertPreamble;
import vn.loalang.protocol.schedule.Item;
import vn.loalang.protocol.schedule.Schedule;
import vn.loalang.protocol.schedule.Session;
import vn.loalang.protocol.signing.Ed25519Keys;
import vn.loalang.protocol.signing.EnvelopeSigner;
import vn.loalang.protocol.signing.EnvelopeVerifier;
import vn.loalang.protocol.signing.MessageType;
import vn.loalang.protocol.station.Command;
import vn.loalang.protocol.station.EventAck;
import vn.loalang.protocol.station.EventReason;
import vn.loalang.protocol.station.EventType;
import vn.loalang.protocol.station.StationEvent;
import vn.loalang.protocol.testing.ManualClock;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The one way in for signed messages, with the station's real trust gate and journal: what a
 * handler is given (only accepted, typed messages, each once), and what it never sees.
 */
class SignedInboxTest {
    private static final String STATION = "st-01";
    private static final String VILLAGE = "thon-tay";
    private static final Topics TOPICS = Topics.defaults();
    private static final Instant T0 = Instant.parse("2026-03-02T04:00:00Z");

    @TempDir
    Path dir;

    private final KeyPair commune = Ed25519Keys.generate();
    private final ManualClock clock = new ManualClock(T0);
    private final EnvelopeSigner signer = new EnvelopeSigner("k1", commune.getPrivate(), clock);
    private final List<StationEvent> journalled = new CopyOnWriteArrayList<>();
    /** What the handlers were given, in order: "keep …" and "accept …". */
    private final List<String> handed = new CopyOnWriteArrayList<>();
    /** The signed sequence number of each message accepted. */
    private final List<Long> seqs = new CopyOnWriteArrayList<>();
    private EventOutbox events;
    private SignedInbox inbox;
    /** Its replay guard is written behind each message: closed before the temporary folder goes. */
    private TrustGate gate;

    @BeforeEach
    void station() throws IOException {
        events = new EventOutbox(dir.resolve("events"), STATION, clock, Duration.ofHours(1));
        events.onRecord(journalled::add);
        EnvelopeVerifier verifier = new EnvelopeVerifier(Map.of("k1", commune.getPublic()), clock, Duration.ofMinutes(5));
        gate = new TrustGate(STATION, verifier, dir.resolve("state"), events, clock);
        inbox = new SignedInbox(STATION, TOPICS, gate, events);
    }

    @AfterEach
    void close() {
        gate.close();
        events.close();
    }

    private <T> SignedInbox.Handler<T> recording(java.util.function.Function<T, String> name) {
        return new SignedInbox.Handler<>() {
            @Override
            public boolean keep(SignedInbox.Accepted<T> message) {
                handed.add("keep " + name.apply(message.body()));
                return true;
            }

            @Override
            public void accept(SignedInbox.Accepted<T> message) {
                handed.add("accept " + name.apply(message.body()) + " on " + message.topic());
                seqs.add(message.seq());
            }
        };
    }

    private BiConsumer<String, byte[]> schedules() {
        return inbox.schedules(recording(s -> "schedule " + s.stationId() + " v" + s.version()));
    }

    private BiConsumer<String, byte[]> commands() {
        return inbox.commands(recording(c -> "command " + c.id()));
    }

    private BiConsumer<String, byte[]> alerts() {
        return inbox.alerts(recording(a -> "alert " + a.id()));
    }

    private BiConsumer<String, byte[]> receipts() {
        return inbox.receipts(recording(a -> "receipt " + a.stationId() + " to " + a.upTo()));
    }

    private byte[] schedule(String station, long version) {
        Item item = new Item("gia-lua", "Giá lúa hôm nay", "a".repeat(64), URI.create("http://127.0.0.1:8080/content/gia-lua"),
                16_000, 2000, -1.5);
        Schedule s = new Schedule(1, station, "xom-1", version, "Asia/Ho_Chi_Minh", T0, T0.plus(Duration.ofDays(1)),
                List.of(new Session("2026-03-02.morning", "Buổi sáng", T0.plus(Duration.ofHours(1)),
                        T0.plus(Duration.ofMinutes(90)), List.of(item))));
        return signer.sign(MessageType.SCHEDULE, TOPICS.schedule(STATION), s, T0.plus(Duration.ofDays(1)));
    }

    private byte[] command(String id, String station, String topic) {
        Command c = new Command(SchemaVersion.CURRENT, id, station, "RESYNC", 10, T0, T0.plus(Duration.ofMinutes(2)));
        return signer.sign(MessageType.COMMAND, topic, c, c.expiresAt());
    }

    private byte[] alert(String id, String zone, String topic) {
        Alert a = new Alert(SchemaVersion.CURRENT, id, zone, AlertPriority.EMERGENCY, "Nước lũ tràn đê", "lũ", T0,
                T0.plusSeconds(600), AlertPreamble.SIREN, List.of(), 1, 5, false);
        return signer.sign(MessageType.ALERT, topic, a, a.expiresAt());
    }

    private byte[] receipt(String station, long upTo) {
        return signer.sign(MessageType.EVENT_ACK, TOPICS.ack(STATION), new EventAck(1, station, "stream-1", upTo),
                T0.plus(Duration.ofMinutes(10)));
    }

    private List<StationEvent> rejected() {
        return journalled.stream().filter(e -> e.type() == EventType.MESSAGE_REJECTED).toList();
    }

    @Test
    void eachTopicHandsItsAcceptedMessageTypedToItsHandlerKeptFirst() {
        String schedule = TOPICS.schedule(STATION);
        schedules().accept(schedule, schedule(STATION, 7));
        commands().accept(TOPICS.command(STATION), command("c-1", STATION, TOPICS.command(STATION)));
        String alertTopic = TOPICS.zoneAlert(VILLAGE, "a-1");
        alerts().accept(alertTopic, alert("a-1", VILLAGE, alertTopic));
        receipts().accept(TOPICS.ack(STATION), receipt(STATION, 12));

        assertEquals(List.of(
                "keep schedule st-01 v7", "accept schedule st-01 v7 on " + schedule,
                "keep command c-1", "accept command c-1 on " + TOPICS.command(STATION),
                "keep alert a-1", "accept alert a-1 on " + alertTopic,
                "keep receipt st-01 to 12", "accept receipt st-01 to 12 on " + TOPICS.ack(STATION)), handed);
        assertEquals(seqs.stream().sorted().distinct().toList(), seqs, "each with its own signed sequence number");
        assertEquals(List.of(), rejected());
    }

    @Test
    void aMessageForAnotherStationOrVillageIsRefusedAsWrongTargetOnEveryTopic() {
        schedules().accept(TOPICS.schedule(STATION), schedule("st-02", 7));
        commands().accept(TOPICS.command(STATION), command("c-other", "st-02", TOPICS.command(STATION)));
        String theirs = TOPICS.command("st-02");
        commands().accept(theirs, command("c-elsewhere", STATION, theirs)); // ours, but on another station's topic
        alerts().accept(TOPICS.zoneAlert(VILLAGE, "a-2"), alert("a-2", "thon-dong", TOPICS.zoneAlert(VILLAGE, "a-2")));
        receipts().accept(TOPICS.ack(STATION), receipt("st-02", 12));

        assertEquals(List.of(), handed, "no handler hears a message not meant for this station");
        List<StationEvent> rejected = rejected();
        assertEquals(List.of("WRONG_TARGET", "WRONG_TARGET", "WRONG_TARGET", "WRONG_TARGET", "WRONG_TARGET"),
                rejected.stream().map(StationEvent::reason).toList());
        assertEquals("schedule for station st-02 arrived at st-01", rejected.get(0).detail());
        assertEquals("command c-other for station st-02 arrived on " + TOPICS.command(STATION), rejected.get(1).detail());
        assertEquals("command c-elsewhere for station st-01 arrived on " + theirs, rejected.get(2).detail());
        assertEquals("alert a-2 for village thon-dong arrived on " + TOPICS.zoneAlert(VILLAGE, "a-2"),
                rejected.get(3).detail());
        assertTrue(rejected.get(4).detail().startsWith("acknowledgement for station st-02"), rejected.get(4).detail());
    }

    @Test
    void aWrongTargetIsNotRecordedAsAcceptedSoTheRightMessageAfterItStillComesIn() {
        byte[] ours = schedule(STATION, 8); // signed first: the lower sequence number
        byte[] theirs = schedule("st-02", 7);
        schedules().accept(TOPICS.schedule(STATION), theirs); // refused: had it counted, ours would be a replay

        schedules().accept(TOPICS.schedule(STATION), ours);


        assertEquals(List.of("keep schedule st-01 v8", "accept schedule st-01 v8 on " + TOPICS.schedule(STATION)),
                handed);
        assertEquals(List.of("WRONG_TARGET"), rejected().stream().map(StationEvent::reason).toList());
    }

    @Test
    void aBadSignatureReachesNoHandler() {
        byte[] forged = command("c-1", STATION, TOPICS.command(STATION));
        forged[forged.length / 2] ^= 1; // one flipped bit: no longer what the controller signed

        commands().accept(TOPICS.command(STATION), forged);

        assertEquals(List.of(), handed);
        assertEquals(1, rejected().size(), rejected().toString());
        assertTrue(List.of("BAD_SIGNATURE", "MALFORMED").contains(rejected().get(0).reason()), rejected().toString());
    }

    @Test
    void aReplayIsRefusedAndARedeliveryIgnoredTheHandlerHearsEachMessageOnce() {
        byte[] older = receipt(STATION, 5);
        byte[] newer = receipt(STATION, 9);
        BiConsumer<String, byte[]> receipts = receipts();

        receipts.accept(TOPICS.ack(STATION), newer);
        receipts.accept(TOPICS.ack(STATION), newer); // a redelivery after a reconnect: quietly ignored
        receipts.accept(TOPICS.ack(STATION), older); // recorded off the air, sent again: a replay

        assertEquals(List.of("keep receipt st-01 to 9", "accept receipt st-01 to 9 on " + TOPICS.ack(STATION)),
                handed);
        assertEquals(List.of("REPLAYED"), rejected().stream().map(StationEvent::reason).toList());
    }

    @Test
    void aLiveStateIsTakenOnItsOwnChannelsTopicOnlyAndATalkOnItsVillagesTopicOnly() {
        // Issue 17: any station may hear any channel's state, but a state signed for one channel and delivered on
        // another's topic would end or interrupt the wrong relay.
        BiConsumer<String, byte[]> states = inbox.liveStates(recording(st -> "state " + st.channel() + " " + st.state()));
        LiveChannelId vov1 = LiveChannelId.relay("vov1");
        LiveState ended = new LiveState(SchemaVersion.CURRENT, vov1, ChannelState.ENDED, T0, T0, "programme ended");
        String own = TOPICS.liveState(vov1);
        String other = TOPICS.liveState(LiveChannelId.relay("vov2"));
        states.accept(own, signer.sign(MessageType.LIVE_STATE, own, ended, T0.plusSeconds(600)));
        states.accept(other, signer.sign(MessageType.LIVE_STATE, other, ended, T0.plusSeconds(600)));

        BiConsumer<String, byte[]> talks = inbox.talks(recording(t -> "talk " + t.talkId() + " " + t.zone()));
        String talkId = "t-20260302-040000-ab12";
        LiveTalk talk = new LiveTalk(SchemaVersion.CURRENT, talkId, VILLAGE, "Họp thôn", "Ông Ba",
                URI.create("http://127.0.0.1:9/live/talk.mp3"), LiveChannelId.talk(talkId), "mp3", TalkState.ON_AIR, T0,
                T0.plusSeconds(600), null, null, LatePolicy.SKIP, T0.plusSeconds(3600), null);
        String village = TOPICS.zoneTalk(VILLAGE, talkId);
        String elsewhere = TOPICS.zoneTalk("thon-dong", talkId);
        talks.accept(village, signer.sign(MessageType.LIVE_TALK, village, talk, talk.lateUntil()));
        talks.accept(elsewhere, signer.sign(MessageType.LIVE_TALK, elsewhere, talk, talk.lateUntil()));

        assertEquals(List.of("keep state relay-vov1 ENDED", "accept state relay-vov1 ENDED on " + own,
                "keep talk " + talkId + " " + VILLAGE, "accept talk " + talkId + " " + VILLAGE + " on " + village), handed);
        assertEquals(2, rejected().size(), rejected().toString());
        assertTrue(rejected().stream().allMatch(e -> EventReason.WRONG_TARGET.name().equals(e.reason())));
    }
}
