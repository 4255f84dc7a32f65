package vn.loalang.protocol.golden;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import vn.loalang.protocol.Json;
import vn.loalang.protocol.MalformedMessageException;
import vn.loalang.protocol.Topics;
import vn.loalang.protocol.alert.Alert;
import vn.loalang.protocol.alert.AlertPreamble;
import vn.loalang.protocol.live.ChannelState;
import vn.loalang.protocol.schedule.EndRule;
import vn.loalang.protocol.schedule.Fallback;
import vn.loalang.protocol.live.LatePolicy;
import vn.loalang.protocol.schedule.LiveChannelId;
import vn.loalang.protocol.live.LiveState;
import vn.loalang.protocol.live.LiveTalk;
import vn.loalang.protocol.schedule.RelaySpec;
import vn.loalang.protocol.live.TalkId;
import vn.loalang.protocol.live.TalkState;
import vn.loalang.protocol.schedule.Item;
import vn.loalang.protocol.schedule.Schedule;
import vn.loalang.protocol.schedule.Session;
import vn.loalang.protocol.signing.Ed25519Keys;
import vn.loalang.protocol.signing.EnvelopeVerifier;
import vn.loalang.protocol.signing.EnvelopeVerifier.Verified;
import vn.loalang.protocol.signing.MessageType;
import vn.loalang.protocol.signing.RejectedMessageException;
import vn.loalang.protocol.signing.ReleaseSignature;
import vn.loalang.protocol.signing.SignedEnvelope;
import vn.loalang.protocol.station.ClockTrust;
import vn.loalang.protocol.station.Command;
import vn.loalang.protocol.station.ControllerClock;
import vn.loalang.protocol.station.ControllerPresence;
import vn.loalang.protocol.station.EventAck;
import vn.loalang.protocol.station.EventReason;
import vn.loalang.protocol.station.EventType;
import vn.loalang.protocol.station.Presence;
import vn.loalang.protocol.station.Release;
import vn.loalang.protocol.station.StationEvent;
import vn.loalang.protocol.station.StationState;
import vn.loalang.protocol.station.Telemetry;
import vn.loalang.protocol.testing.ManualClock;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.util.Base64;
import java.util.Optional;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The golden wire files of schema 1 (golden/README.md), read byte for byte as they are checked in:
 * today's agent (and controller) must accept them in every later version, and the same messages with
 * fields a newer controller adds must still verify and parse to the same records. Expected values are
 * literals here, not taken from {@link GoldenWireFiles}, so that a change to the generator cannot
 * loosen the test.
 */
class GoldenWireTest {
    private static final String DIR = "/golden/schema-1/";
    private static final Instant SIGNED_AT = Instant.parse("2026-12-07T23:00:00Z");
    private static final String SHA_GIA_LUA = "3b1f6a1c0065eeb08041daf5b029b610c3886169b315efec9627602e2cfb0fa6";
    private static final String STREAM = "5b0f3c1e-8a2d-4f6b-9c1d-2e7a4b8f0d13";

    /** A minute after the controller signed: within every golden message's validity (the command's is 5 minutes). */
    private final ManualClock clock = new ManualClock(SIGNED_AT.plus(Duration.ofMinutes(1)));
    private final EnvelopeVerifier verifier = new EnvelopeVerifier(Map.of("golden-test-key", publicKey()), clock,
            Duration.ofSeconds(30));

    // ---- the files themselves ----

    @Test
    void everyGoldenFileIsStillTheBytesThatWereCheckedIn() throws Exception {
        String manifest = new String(bytes("SHA256SUMS"), StandardCharsets.US_ASCII);
        Map<String, String> sums = new LinkedHashMap<>();
        for (String line : manifest.split("\n")) {
            sums.put(line.substring(66), line.substring(0, 64));
        }
        assertEquals(34, sums.size(), "nine messages, the controller's presence with its signed time, an UPDATE "
                + "command and telemetry with the clock's trust (issue 16), a schedule with a relay, a live channel's "
                + "state, a live talk, a live item's event and telemetry with levels (issue 17), each also as a newer "
                + "controller or agent sends it");
        for (Map.Entry<String, String> e : sums.entrySet()) {
            assertEquals(e.getValue(), sha256(bytes(e.getKey())), e.getKey() + " was changed: golden files are never "
                    + "edited; a new schema version gets a folder of its own (golden/README.md)");
        }
    }

    @Test
    void theCheckedInPrivateKeyIsThePublicKeysPair() throws Exception {
        PrivateKey key = Ed25519Keys.parsePrivate(new String(resource("/golden/test-signing-key.pem"),
                StandardCharsets.US_ASCII));
        byte[] probe = "Giá lúa hôm nay".getBytes(StandardCharsets.UTF_8);
        Signature signer = Signature.getInstance("Ed25519");
        signer.initSign(key);
        signer.update(probe);
        byte[] signature = signer.sign();
        Signature check = Signature.getInstance("Ed25519");
        check.initVerify(publicKey());
        check.update(probe);
        assertTrue(check.verify(signature));
    }

    // ---- signed: controller → station ----

    @Test
    void schedule() throws Exception {
        String topic = "loalang/v1/station/thon-dong-01/schedule";
        Verified<Schedule> v = verifier.verify(topic, MessageType.SCHEDULE, bytes("schedule.json"), Schedule.class);
        assertEnvelope(v, 1_796_684_400_000_000L, Instant.parse("2026-12-09T17:00:00Z"));
        Schedule s = v.payload();
        assertEquals(1, s.schema());
        assertEquals("thon-dong-01", s.stationId());
        assertEquals("thon-dong", s.zone());
        assertEquals(7, s.version());
        assertEquals("Asia/Ho_Chi_Minh", s.timeZone());
        assertEquals(Instant.parse("2026-12-07T17:00:00Z"), s.validFrom());
        assertEquals(Instant.parse("2026-12-09T17:00:00Z"), s.validUntil());
        assertEquals(LocalTime.of(22, 0), s.quietHours().start());
        assertEquals(LocalTime.of(5, 0), s.quietHours().end());
        assertEquals(List.of("2026-12-08.sang", "2026-12-08.chieu"), s.sessions().stream().map(Session::id).toList());
        Session morning = s.sessions().get(0);
        assertEquals("Buổi sáng", morning.name());
        assertEquals(Instant.parse("2026-12-07T23:30:00Z"), morning.start());
        assertEquals(Instant.parse("2026-12-08T00:00:00Z"), morning.end());
        assertEquals(List.of("gia-lua", "tiem-chung"), morning.items().stream().map(Item::contentId).toList());
        Item giaLua = morning.items().get(0);
        assertEquals("Giá lúa hôm nay", giaLua.title());
        assertEquals(SHA_GIA_LUA, giaLua.sha256());
        assertEquals(URI.create("https://dieu-khien.xa-an-binh.vn:8443/content/" + SHA_GIA_LUA), giaLua.url());
        assertEquals(380_000, giaLua.sizeBytes());
        assertEquals(95_000, giaLua.durationMillis());
        assertEquals(-1.5, giaLua.gainDb());
        Session afternoon = s.sessions().get(1);
        assertEquals("Buổi chiều", afternoon.name());
        assertEquals("Tin của xã An Bình", afternoon.items().get(0).title());
        assertEquals(2.25, afternoon.items().get(0).gainDb());
        assertWrittenAgainAsSigned("schedule.json", s);
        assertNewerControllerGivesTheSame("schedule.json", topic, MessageType.SCHEDULE, Schedule.class, v);
    }

    @Test
    void alert() throws Exception {
        String topic = "loalang/v1/zone/thon-dong/alert/lu-2026-12-08";
        Verified<Alert> v = verifier.verify(topic, MessageType.ALERT, bytes("alert.json"), Alert.class);
        assertEnvelope(v, 1_796_684_400_000_001L, Instant.parse("2026-12-08T01:00:00Z"));
        Alert a = v.payload();
        assertEquals("lu-2026-12-08", a.id());
        assertEquals("thon-dong", a.zone());
        assertTrue(a.emergency());
        assertEquals("Cảnh báo lũ", a.title());
        assertEquals("Nước sông lên nhanh, bà con thôn Đông di chuyển lên chỗ cao", a.reason());
        assertEquals(SIGNED_AT, a.issuedAt());
        assertEquals(Instant.parse("2026-12-08T01:00:00Z"), a.expiresAt());
        assertEquals(AlertPreamble.SIREN, a.preamble());
        assertEquals(1, a.items().size());
        assertEquals("canh-bao-lu", a.items().get(0).contentId());
        assertEquals("a76552cd19e44efbb17e6540380c5a609dbbd4181b1b63785e3f588b5ac0ca01", a.items().get(0).sha256());
        assertEquals(30_000, a.items().get(0).durationMillis());
        assertEquals(3, a.repeats());
        assertEquals(60, a.intervalSeconds());
        assertFalse(a.cancelled());
        assertWrittenAgainAsSigned("alert.json", a);
        assertNewerControllerGivesTheSame("alert.json", topic, MessageType.ALERT, Alert.class, v);
    }

    @Test
    void command() throws Exception {
        String topic = "loalang/v1/station/thon-dong-01/command";
        Verified<Command> v = verifier.verify(topic, MessageType.COMMAND, bytes("command.json"), Command.class);
        assertEnvelope(v, 1_796_684_400_000_002L, Instant.parse("2026-12-07T23:05:00Z"));
        Command c = v.payload();
        assertEquals("cmd-test-tone-1", c.id());
        assertEquals("thon-dong-01", c.stationId());
        assertEquals("TEST_TONE", c.action());
        assertEquals(5, c.seconds());
        assertEquals(SIGNED_AT, c.issuedAt());
        assertEquals(Instant.parse("2026-12-07T23:05:00Z"), c.expiresAt());
        assertWrittenAgainAsSigned("command.json", c);
        assertNewerControllerGivesTheSame("command.json", topic, MessageType.COMMAND, Command.class, v);
    }

    /** Added in issue 16: an UPDATE carries a release signed by the release key, apart from the command's signature. */
    @Test
    void updateCommand() throws Exception {
        String topic = "loalang/v1/station/thon-dong-01/command";
        Verified<Command> v = verifier.verify(topic, MessageType.COMMAND, bytes("command-update.json"), Command.class);
        assertEnvelope(v, 1_796_684_400_000_004L, Instant.parse("2026-12-08T00:00:00Z"));
        Command c = v.payload();
        assertEquals("cmd-update-1", c.id());
        assertEquals("UPDATE", c.action());
        Release r = c.release();
        assertEquals("0.2.0", r.version());
        assertEquals("https://dieu-khien.xa-an-binh.vn:8443/releases/loalang-station-agent-0.2.0.jar", r.url());
        assertEquals(4_321_987, r.size());
        assertEquals("0c5a0206878e1f3ee4948a415b56e265f096b6cdf7891b11b87326cfbef2ad8e", r.sha256());
        assertEquals("release-2026", r.keyId());
        assertTrue(ReleaseSignature.verify(publicKey(), r.version(),
                r.sha256(), r.size(), r.signature()), "the release's own signature travels as it was made");
        assertWrittenAgainAsSigned("command-update.json", c);
        assertNewerControllerGivesTheSame("command-update.json", topic, MessageType.COMMAND, Command.class, v);
    }

    @Test
    void eventAck() throws Exception {
        String topic = "loalang/v1/station/thon-dong-01/ack";
        Verified<EventAck> v = verifier.verify(topic, MessageType.EVENT_ACK, bytes("event-ack.json"), EventAck.class);
        assertEnvelope(v, 1_796_684_400_000_003L, Instant.parse("2026-12-08T00:00:00Z"));
        assertEquals(new EventAck(1, "thon-dong-01", STREAM, 42), v.payload());
        assertWrittenAgainAsSigned("event-ack.json", v.payload());
        assertNewerControllerGivesTheSame("event-ack.json", topic, MessageType.EVENT_ACK, EventAck.class, v);
    }

    // ---- unsigned: station → controller ----

    @Test
    void stationEvent() throws Exception {
        StationEvent e = Json.read(bytes("station-event.json"), StationEvent.class);
        assertEquals(new StationEvent(1, "thon-dong-01", STREAM, 41, Instant.parse("2026-12-07T23:31:35.250Z"),
                EventType.ITEM_FINISHED, "2026-12-08.sang", "gia-lua", 7L, null, "Giá lúa hôm nay: 95 s", 40L), e);
        assertWrittenAgainAsUnsigned("station-event.json", e);
        assertEquals(e, Json.read(bytes("newer/station-event.json"), StationEvent.class));
    }

    @Test
    void rejectionEvent() throws Exception {
        StationEvent e = Json.read(bytes("station-event-rejected.json"), StationEvent.class);
        assertEquals(43, e.seq());
        assertEquals(EventType.MESSAGE_REJECTED, e.type());
        assertEquals("BAD_SIGNATURE", e.reason());
        assertNull(e.sessionId());
        assertNull(e.scheduleVersion());
        assertNull(e.pendingFrom());
        assertWrittenAgainAsUnsigned("station-event-rejected.json", e);
        assertEquals(e, Json.read(bytes("newer/station-event-rejected.json"), StationEvent.class));
    }

    @Test
    void stationState() throws Exception {
        StationState s = Json.read(bytes("station-state.json"), StationState.class);
        assertEquals(new StationState(1, "thon-dong-01", Presence.ONLINE, "c4a1d2e3-7f60-4b9a-8e21-93d5f7a0b6c8", 3,
                "0.1.0", Instant.parse("2026-12-07T22:58:12.125Z")), s);
        assertWrittenAgainAsUnsigned("station-state.json", s);
        assertEquals(s, Json.read(bytes("newer/station-state.json"), StationState.class));
    }

    @Test
    void controllerState() throws Exception {
        ControllerPresence p = Json.read(bytes("controller-state.json"), ControllerPresence.class);
        assertEquals(ControllerPresence.online("5e0b9c1d-2a44-4f1e-9b7a-0c3d8e6f1a27", "xa-an-binh"), p);
        assertWrittenAgainAsUnsigned("controller-state.json", p);
        assertEquals(p, Json.read(bytes("newer/controller-state.json"), ControllerPresence.class));
    }

    /** The presence as controllers since issue 16 write it: with their time, signed; what older agents read of it. */
    @Test
    void controllerStateWithItsSignedTime() throws Exception {
        String topic = "loalang/v1/controller/state";
        ControllerPresence p = Json.read(bytes("controller-state-clock.json"), ControllerPresence.class);
        assertEquals(ControllerPresence.online("5e0b9c1d-2a44-4f1e-9b7a-0c3d8e6f1a27", "xa-an-binh", p.clock()), p);
        assertWrittenAgainAsUnsigned("controller-state-clock.json", p);
        Verified<ControllerClock> time = verifier.verifyRegardlessOfTime(topic, MessageType.CONTROLLER_CLOCK,
                Json.write(p.clock()), ControllerClock.class);
        assertEquals(SIGNED_AT, time.issuedAt());
        assertEquals(SIGNED_AT.plus(Duration.ofMinutes(30)), time.expiresAt());
        assertEquals(new ControllerClock("5e0b9c1d-2a44-4f1e-9b7a-0c3d8e6f1a27"), time.payload());

        // An agent before issue 16 knows no clock: it reads the same presence as before, the clock ignored.
        assertEquals(Json.read(bytes("controller-state.json"), SchemaOnePresence.class),
                Json.read(bytes("controller-state-clock.json"), SchemaOnePresence.class));

        // A newer controller's, with fields no record here has, on every level: the same presence and time.
        ControllerPresence newer = Json.read(bytes("newer/controller-state-clock.json"), ControllerPresence.class);
        assertEquals(p.presence(), newer.presence());
        assertEquals(p.bootId(), newer.bootId());
        assertEquals(p.commune(), newer.commune());
        Verified<ControllerClock> newerTime = verifier.verifyRegardlessOfTime(topic, MessageType.CONTROLLER_CLOCK,
                Json.write(newer.clock()), ControllerClock.class);
        assertEquals(time.issuedAt(), newerTime.issuedAt());
        assertEquals(time.payload(), newerTime.payload());
    }

    /** The controller's presence as agents of schema 1 before issue 16 read it. */
    private record SchemaOnePresence(Presence presence, String bootId, String commune) {
    }

    @Test
    void telemetry() throws Exception {
        Telemetry t = Json.read(bytes("telemetry.json"), Telemetry.class);
        assertEquals("thon-dong-01", t.stationId());
        assertEquals(Instant.parse("2026-12-07T23:32:00Z"), t.at());
        assertEquals(86_400, t.uptimeSeconds());
        assertEquals(54.5, t.cpuTemperatureC());
        assertEquals(-61, t.signalDbm());
        assertEquals(Map.of("amp1", true), t.relays());
        assertEquals(Map.of("amp1", true), t.senses());
        assertEquals("playing", t.sink());
        assertFalse(t.nextSessionsReady());
        assertEquals(List.of("tin-xa"), t.notReady());
        assertEquals("gia-lua", t.lastItemPlayed());
        assertEquals(Instant.parse("2026-12-07T23:31:35.250Z"), t.lastItemPlayedAt());
        assertEquals(7L, t.scheduleVersion());
        assertWrittenAgainAsUnsigned("telemetry.json", t);
        assertEquals(t, Json.read(bytes("newer/telemetry.json"), Telemetry.class));
        assertNull(t.clock(), "an agent before the clock's trust was reported: unknown, not untrusted");
        assertNull(t.nextWithinSeconds());
    }

    /** Telemetry as agents since issue 16 send it: the clock's trust and source; what older controllers read of it. */
    @Test
    void telemetryWithTheClocksTrust() throws Exception {
        Telemetry t = Json.read(bytes("telemetry-clock.json"), Telemetry.class);
        assertEquals(new ClockTrust(true, ClockTrust.CONTROLLER, 44_400_012L), t.clock());
        assertEquals(330, t.nextWithinSeconds());
        assertEquals(44_400_012L, t.clockOffsetMillis());
        assertEquals("cellular", t.link());
        assertEquals(7L, t.scheduleVersion());
        assertWrittenAgainAsUnsigned("telemetry-clock.json", t);

        // A controller before it knows no clock field: it reads the rest as before.
        SchemaOneTelemetry old = Json.read(bytes("telemetry-clock.json"), SchemaOneTelemetry.class);
        assertEquals(new SchemaOneTelemetry("thon-dong-01", Instant.parse("2026-12-07T23:32:00Z"), 44_400_012L,
                Map.of("amp1", true), "playing", 7L), old);

        // A newer agent's, with fields no record here has, in the clock too: the same snapshot.
        assertEquals(t, Json.read(bytes("newer/telemetry-clock.json"), Telemetry.class));
    }

    /** Some of the telemetry as controllers of schema 1 before the clock's trust read it. */
    private record SchemaOneTelemetry(String stationId, Instant at, Long clockOffsetMillis, Map<String, Boolean> relays,
                                      String sink, Long scheduleVersion) {
    }

    // ---- issue 17: live relays and talks ----

    @Test
    void scheduleWithARelayAndLevels() throws Exception {
        String topic = "loalang/v1/station/thon-dong-01/schedule";
        Verified<Schedule> v = verifier.verify(topic, MessageType.SCHEDULE, bytes("schedule-relay.json"), Schedule.class);
        Schedule s = v.payload();
        assertEquals(-3.0, s.stationVolumeDb());
        Session morning = s.sessions().get(0);
        assertEquals(-6.0, morning.volumeDb());
        assertEquals(-9.0, s.stationVolume() + morning.volume());
        assertEquals(0.0, s.sessions().get(1).volume(), "no level given: the station's alone");
        Item relay = morning.items().get(1);
        assertTrue(relay.live());
        assertNull(relay.sha256());
        assertNull(relay.url());
        assertEquals(0, relay.sizeBytes());
        RelaySpec spec = relay.relay();
        assertEquals("vov1", spec.sourceId());
        assertEquals(new LiveChannelId("relay-vov1"), spec.channel());
        assertEquals(URI.create("https://dieu-khien.xa-an-binh.vn:8443/live/relay-vov1.mp3"), spec.url());
        assertEquals("mp3", spec.codec());
        assertTrue(spec.playable());
        assertEquals(Instant.parse("2026-12-07T22:30:20Z"), spec.start());
        assertEquals(Instant.parse("2026-12-07T22:45:20Z"), spec.end());
        assertEquals(15 * 60_000, relay.durationMillis(), "a live item lasts its slot's maximum");
        assertEquals(EndRule.PROGRAMME_END, spec.endRule());
        assertEquals(10, spec.maxSilenceSeconds());
        assertEquals(Fallback.ITEM_THEN_REST, spec.fallback());
        assertEquals("nhac-hieu", spec.fallbackItem().contentId());
        assertEquals(3000, spec.jitterTargetMillis());
        Item late = s.sessions().get(1).items().get(0);
        assertTrue(late.playedLate());
        assertFalse(morning.items().get(0).playedLate());
        assertWrittenAgainAsSigned("schedule-relay.json", s);
        assertNewerControllerGivesTheSame("schedule-relay.json", topic, MessageType.SCHEDULE, Schedule.class, v);
    }

    @Test
    void liveChannelState() throws Exception {
        String topic = "loalang/v1/live/relay-vov1/state";
        Verified<LiveState> v = verifier.verify(topic, MessageType.LIVE_STATE, bytes("live-state.json"), LiveState.class);
        LiveState state = v.payload();
        assertEquals(new LiveState(1, new LiveChannelId("relay-vov1"), ChannelState.INTERRUPTED,
                Instant.parse("2026-12-07T22:42:10Z"), null, "the upstream stopped sending at 05:42:10"), state);
        assertEquals(topic, Topics.defaults().liveState(state.channel()));
        assertWrittenAgainAsSigned("live-state.json", state);
        assertNewerControllerGivesTheSame("live-state.json", topic, MessageType.LIVE_STATE, LiveState.class, v);
        // Signed for one type, it is nothing else: a schedule's verifier refuses it.
        assertThrows(RejectedMessageException.class,
                () -> verifier.verify(topic, MessageType.SCHEDULE, bytes("live-state.json"), Schedule.class));
    }

    @Test
    void liveTalk() throws Exception {
        String topic = "loalang/v1/zone/thon-dong/talk/t-20261207-230000-ab12";
        Verified<LiveTalk> v = verifier.verify(topic, MessageType.LIVE_TALK, bytes("live-talk.json"), LiveTalk.class);
        LiveTalk t = v.payload();
        assertEquals("t-20261207-230000-ab12", t.talkId());
        assertEquals("thon-dong", t.zone());
        assertEquals("Họp thôn tối nay", t.title());
        assertEquals(TalkState.ENDED, t.state());
        assertFalse(t.live());
        assertEquals(LatePolicy.PLAY_LATE, t.late());
        assertEquals(Instant.parse("2026-12-08T00:01:35Z"), t.lateUntil());
        assertEquals(-2.0, t.volumeDb());
        assertEquals(95_000, t.recording().durationMillis());
        assertEquals(new LiveChannelId("talk-t-20261207-230000-ab12"), t.channel());
        Item live = t.liveItem();
        assertTrue(live.live());
        assertEquals(RelaySpec.TALK_JITTER_MILLIS, live.relay().jitterTargetMillis());
        assertEquals(t.url(), live.relay().url());
        assertEquals(Optional.of(new TalkId.Session("t-20261207-230000-ab12", true)),
                TalkId.parse("t-20261207-230000-ab12~late"));
        assertWrittenAgainAsSigned("live-talk.json", t);
        assertNewerControllerGivesTheSame("live-talk.json", topic, MessageType.LIVE_TALK, LiveTalk.class, v);
    }

    @Test
    void liveItemEvent() throws Exception {
        StationEvent e = Json.read(bytes("station-event-live.json"), StationEvent.class);
        assertEquals(EventType.ITEM_DROPPED, e.type());
        assertEquals(Optional.of(EventReason.UPSTREAM_INTERRUPTED), e.reasonCode());
        assertEquals(710_000L, e.playedMillis());
        assertFalse(e.playedLate());
        assertWrittenAgainAsUnsigned("station-event-live.json", e);
        assertEquals(e, Json.read(bytes("newer/station-event-live.json"), StationEvent.class));
    }

    @Test
    void telemetryWithLevelsAndTheLiveItem() throws Exception {
        Telemetry t = Json.read(bytes("telemetry-live.json"), Telemetry.class);
        assertEquals(-3.0, t.volumeDb());
        assertEquals(-9.0, t.onAirVolumeDb());
        assertEquals("relay-vov1 buffered 2.9 s, 1 underrun", t.live());
        assertWrittenAgainAsUnsigned("telemetry-live.json", t);
        assertEquals(t, Json.read(bytes("newer/telemetry-live.json"), Telemetry.class));
    }

    // ---- helpers ----

    private static void assertEnvelope(Verified<?> v, long seq, Instant expiresAt) {
        assertEquals("golden-test-key", v.keyId());
        assertEquals(seq, v.seq());
        assertEquals(SIGNED_AT, v.issuedAt());
        assertEquals(expiresAt, v.expiresAt());
    }

    /** The record written again is the same JSON tree as the golden payload: no field renamed, dropped or retyped. */
    private static void assertWrittenAgainAsSigned(String file, Object record) throws Exception {
        JsonNode payload = signedBody(bytes(file)).get("payload");
        assertEquals(payload, tree(Json.write(record)), file + ": the payload as this version writes it");
    }

    private static void assertWrittenAgainAsUnsigned(String file, Object record) throws Exception {
        assertEquals(tree(bytes(file)), tree(Json.write(record)), file + ": the message as this version writes it");
    }

    /** An older agent ignores what a newer controller adds, on every level, and reads the same message. */
    private <T> void assertNewerControllerGivesTheSame(String file, String topic, MessageType type, Class<T> payloadType,
                                                       Verified<T> golden) throws Exception {
        byte[] newer = bytes("newer/" + file);
        JsonNode newerTree = tree(newer);
        assertTrue(newerTree.has("keyHint"), "the newer envelope carries a field schema 1 lacks");
        JsonNode body = signedBody(newer);
        assertTrue(body.has("addedLater"), "the newer signed body carries a field schema 1 lacks");
        assertTrue(body.get("payload").has("futureOptions"), "the newer payload carries a field schema 1 lacks");
        assertNotEquals(signedBody(bytes(file)).get("payload"), body.get("payload"));

        Verified<T> v = verifier.verify(topic, type, newer, payloadType);
        assertEquals(golden.payload(), v.payload(), file + ": parsed from what a newer controller sends");
        assertEquals(golden.seq(), v.seq());
        assertEquals(golden.issuedAt(), v.issuedAt());
        assertEquals(golden.expiresAt(), v.expiresAt());
    }

    private static JsonNode signedBody(byte[] envelope) throws MalformedMessageException, IOException {
        SignedEnvelope e = Json.read(envelope, SignedEnvelope.class);
        return tree(Base64.getUrlDecoder().decode(e.body()));
    }

    private static JsonNode tree(byte[] json) throws IOException {
        return Json.mapper().readTree(json);
    }

    private static byte[] bytes(String name) throws IOException {
        return resource(DIR + name);
    }

    private static byte[] resource(String path) throws IOException {
        try (InputStream in = GoldenWireTest.class.getResourceAsStream(path)) {
            assertNotNull(in, path + " is missing from the test resources");
            return in.readAllBytes();
        }
    }

    private static PublicKey publicKey() {
        try {
            return Ed25519Keys.parsePublic(new String(resource("/golden/test-signing-key.pub.pem"),
                    StandardCharsets.US_ASCII));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String sha256(byte[] bytes) throws GeneralSecurityException {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
