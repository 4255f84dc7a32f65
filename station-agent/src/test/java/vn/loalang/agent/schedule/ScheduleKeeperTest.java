package vn.loalang.agent.schedule;

import java.util.function.BiConsumer;
import vn.loalang.agent.trust.SignedInbox;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import vn.loalang.agent.events.EventOutbox;
import vn.loalang.protocol.testing.ManualClock;
import vn.loalang.agent.testing.RecordingSender;
import vn.loalang.agent.trust.TrustGate;
import vn.loalang.protocol.Json;
import vn.loalang.protocol.Topics;
import vn.loalang.protocol.schedule.Item;
import vn.loalang.protocol.schedule.Schedule;
import vn.loalang.protocol.schedule.Session;
import vn.loalang.protocol.signing.Ed25519Keys;
import vn.loalang.protocol.signing.EnvelopeSigner;
import vn.loalang.protocol.signing.EnvelopeVerifier;
import vn.loalang.protocol.signing.MessageType;
import vn.loalang.protocol.signing.RejectReason;
import vn.loalang.protocol.signing.SignedEnvelope;
import vn.loalang.protocol.station.EventType;
import vn.loalang.protocol.station.StationEvent;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The schedule path through the {@link TrustGate}: what is accepted, kept, ignored and refused, and what is reported. */
class ScheduleKeeperTest {
    private static final String STATION = "st-01";
    private static final Topics TOPICS = Topics.defaults();
    private static final String TOPIC = TOPICS.schedule(STATION);
    private static final String KEY_ID = "commune-2026a";
    private static final Instant T0 = Instant.parse("2026-03-02T04:00:00Z");
    private static final KeyPair COMMUNE = Ed25519Keys.generate();

    @TempDir
    Path dir;

    private final ManualClock stationClock = new ManualClock(T0);
    private final EnvelopeSigner signer = new EnvelopeSigner(KEY_ID, COMMUNE.getPrivate(), Clock.fixed(T0, ZoneOffset.UTC));
    private final List<Schedule> changes = new CopyOnWriteArrayList<>();
    private EventOutbox events;
    private RecordingSender sender;
    private ScheduleKeeper keeper;
    private TrustGate gate;
    /** The schedule topic as the station's link delivers it: through the signed inbox to the keeper. */
    private BiConsumer<String, byte[]> deliver;

    @BeforeEach
    void startStation() throws IOException {
        boot();
    }

    @AfterEach
    void stopStation() {
        gate.close();
        events.close();
    }

    /** Builds the station's parts on {@link #dir}, as at boot. */
    private void boot() throws IOException {
        EnvelopeVerifier verifier = new EnvelopeVerifier(Map.of(KEY_ID, COMMUNE.getPublic()), stationClock,
                Duration.ofMinutes(5));
        events = new EventOutbox(dir.resolve("events"), STATION, stationClock, Duration.ofHours(1));
        sender = new RecordingSender(true);
        events.start(sender);
        gate = new TrustGate(STATION, verifier, dir.resolve("state"), events);
        keeper = new ScheduleKeeper(STATION, TOPIC, verifier, dir.resolve("state"), events);
        deliver = new SignedInbox(STATION, TOPICS, gate, events).schedules(keeper);
        changes.clear();
        keeper.onChange(changes::add);
    }

    /** An orderly restart, as the agent's close does it: the replay guard, written behind the message, is on disk first. */
    private void reboot() throws IOException {
        gate.close();
        events.close();
        boot();
    }

    static Schedule schedule(String stationId, long version) {
        Item item = new Item("gia-lua", "Giá lúa hôm nay", "a".repeat(64), URI.create("http://127.0.0.1:8080/content/gia-lua"),
                16_000, 2000, -1.5);
        Session morning = new Session("2026-03-02.morning", "Buổi sáng", T0.plus(Duration.ofHours(1)),
                T0.plus(Duration.ofMinutes(90)), List.of(item));
        return new Schedule(1, stationId, "xom-1", version, "Asia/Ho_Chi_Minh", T0, T0.plus(Duration.ofDays(1)),
                List.of(morning));
    }

    private byte[] signed(long version) {
        return signer.sign(MessageType.SCHEDULE, TOPIC, schedule(STATION, version), T0.plus(Duration.ofDays(1)));
    }

    /** Delivers a good schedule and waits until it is reported, so later checks start from a known state. */
    private byte[] acceptVersion(long version) {
        byte[] raw = signed(version);
        long before = events.lastSeq();
        deliver.accept(TOPIC, raw);
        assertEquals(before + 1, events.lastSeq(), "accepting a schedule records one event");
        StationEvent accepted = awaitSent(before + 1);
        assertEquals(EventType.SCHEDULE_ACCEPTED, accepted.type());
        assertEquals(version, accepted.scheduleVersion());
        return raw;
    }

    private StationEvent awaitSent(long seq) {
        await().until(() -> sender.sentSeqs().contains(seq));
        return sender.sent().stream().filter(e -> e.seq() == seq).findFirst().orElseThrow();
    }

    /** Delivers {@code raw}, expects exactly one MESSAGE_REJECTED with {@code reason}, and the schedule unchanged. */
    private StationEvent assertRefused(String topic, byte[] raw, String reason) {
        Schedule kept = keeper.current().orElse(null);
        int changesBefore = changes.size();
        long before = events.lastSeq();

        deliver.accept(topic, raw);

        assertEquals(before + 1, events.lastSeq(), "a refused message is reported with exactly one event");
        StationEvent rejected = awaitSent(before + 1);
        assertEquals(EventType.MESSAGE_REJECTED, rejected.type());
        assertEquals(reason, rejected.reason());
        assertEquals(kept, keeper.current().orElse(null), "the last good schedule stays in force");
        assertEquals(changesBefore, changes.size(), "listeners hear nothing of a refused schedule");
        return rejected;
    }

    @Test
    void acceptsAValidSignedScheduleReportsItAndTellsListeners() {
        acceptVersion(7);

        Schedule current = keeper.current().orElseThrow();
        assertEquals(schedule(STATION, 7), current);
        assertEquals(List.of(current), changes);
        StationEvent event = sender.sentOfType(EventType.SCHEDULE_ACCEPTED).get(0);
        assertEquals(STATION, event.stationId());
        assertEquals(T0, event.at());
        assertTrue(event.detail().contains("1 session(s)"), event.detail());
    }

    @Test
    void hasNoScheduleBeforeTheFirstOneArrives() {
        assertTrue(keeper.current().isEmpty());
        assertEquals(0, events.lastSeq());
    }

    @Test
    void acceptedScheduleSurvivesARebootAsTheSignedMessage() throws IOException {
        byte[] raw = acceptVersion(3);

        reboot();

        assertEquals(schedule(STATION, 3), keeper.current().orElseThrow());
        assertArrayEquals(raw, Files.readAllBytes(dir.resolve("state").resolve("schedule.signed.json")));
    }

    @Test
    void aNewerScheduleReplacesTheCurrentOne() {
        acceptVersion(1);
        acceptVersion(2);

        assertEquals(2, keeper.current().orElseThrow().version());
        assertEquals(List.of(1L, 2L), changes.stream().map(Schedule::version).toList());
    }

    @Test
    void retainedCopyOfTheCurrentScheduleIsIgnoredQuietly() {
        byte[] raw = acceptVersion(1);
        long before = events.lastSeq();

        deliver.accept(TOPIC, raw);
        deliver.accept(TOPIC, raw);

        assertEquals(before, events.lastSeq(), "no event for a duplicate");
        assertEquals(1, changes.size(), "listeners are not told twice");
        assertEquals(1, keeper.current().orElseThrow().version());
    }

    @Test
    void retainedCopyArrivingAfterARebootIsStillIgnoredQuietly() throws IOException {
        byte[] raw = acceptVersion(1);
        reboot();
        long before = events.lastSeq();

        deliver.accept(TOPIC, raw);

        assertEquals(before, events.lastSeq());
        assertTrue(changes.isEmpty());
    }

    @Test
    void refusesAScheduleWhoseBodyWasAltered() {
        acceptVersion(1);
        byte[] genuine = signed(2);
        SignedEnvelope envelope = parseEnvelope(genuine);
        String body = new String(Base64.getUrlDecoder().decode(envelope.body()), StandardCharsets.UTF_8);
        assertTrue(body.contains("\"version\":2"), body);
        String altered = body.replace("\"version\":2", "\"version\":99");
        byte[] forged = Json.write(new SignedEnvelope(envelope.schema(), envelope.keyId(),
                Base64.getUrlEncoder().withoutPadding().encodeToString(altered.getBytes(StandardCharsets.UTF_8)),
                envelope.signature()));

        assertRefused(TOPIC, forged, RejectReason.BAD_SIGNATURE.name());
    }

    @Test
    void refusesAScheduleSignedWithAnotherKeyUnderTheTrustedKeyId() {
        acceptVersion(1);
        EnvelopeSigner impostor = new EnvelopeSigner(KEY_ID, Ed25519Keys.generate().getPrivate(),
                Clock.fixed(T0, ZoneOffset.UTC));
        byte[] raw = impostor.sign(MessageType.SCHEDULE, TOPIC, schedule(STATION, 2), T0.plus(Duration.ofDays(1)));

        assertRefused(TOPIC, raw, RejectReason.BAD_SIGNATURE.name());
    }

    @Test
    void refusesAScheduleSignedWithAnUnknownKey() {
        acceptVersion(1);
        EnvelopeSigner stranger = new EnvelopeSigner("someone-else", Ed25519Keys.generate().getPrivate(),
                Clock.fixed(T0, ZoneOffset.UTC));
        byte[] raw = stranger.sign(MessageType.SCHEDULE, TOPIC, schedule(STATION, 2), T0.plus(Duration.ofDays(1)));

        StationEvent rejected = assertRefused(TOPIC, raw, RejectReason.UNKNOWN_KEY.name());
        assertTrue(rejected.detail().contains("someone-else"), rejected.detail());
    }

    @Test
    void refusesAnOlderScheduleAfterANewerOneAsAReplay() {
        byte[] older = signed(1);
        byte[] newer = signed(2);
        deliver.accept(TOPIC, newer);
        assertEquals(2, keeper.current().orElseThrow().version());

        assertRefused(TOPIC, older, RejectReason.REPLAYED.name());
        assertEquals(2, keeper.current().orElseThrow().version());
    }

    @Test
    void remembersWhatItAcceptedAcrossARebootSoAnOldScheduleIsStillAReplay() throws IOException {
        byte[] older = signed(1);
        acceptVersion(2);
        reboot();

        assertRefused(TOPIC, older, RejectReason.REPLAYED.name());
        assertEquals(2, keeper.current().orElseThrow().version());
    }

    @Test
    void refusesAnExpiredSchedule() {
        acceptVersion(1);
        byte[] shortLived = signer.sign(MessageType.SCHEDULE, TOPIC, schedule(STATION, 2), T0.plus(Duration.ofMinutes(10)));
        stationClock.set(T0.plus(Duration.ofMinutes(11)));

        assertRefused(TOPIC, shortLived, RejectReason.EXPIRED.name());
    }

    @Test
    void refusesAScheduleIssuedFurtherAheadThanClocksCanDisagree() {
        acceptVersion(1);
        EnvelopeSigner fastClock = new EnvelopeSigner(KEY_ID, COMMUNE.getPrivate(),
                Clock.fixed(T0.plus(Duration.ofHours(1)), ZoneOffset.UTC));
        byte[] raw = fastClock.sign(MessageType.SCHEDULE, TOPIC, schedule(STATION, 2), T0.plus(Duration.ofDays(1)));

        assertRefused(TOPIC, raw, RejectReason.NOT_YET_VALID.name());
    }

    @Test
    void refusesAScheduleSignedForAnotherStationsTopic() {
        acceptVersion(1);
        byte[] raw = signer.sign(MessageType.SCHEDULE, TOPICS.schedule("st-02"), schedule(STATION, 2),
                T0.plus(Duration.ofDays(1)));

        StationEvent rejected = assertRefused(TOPIC, raw, RejectReason.WRONG_TARGET.name());
        assertTrue(rejected.detail().contains("st-02"), rejected.detail());
    }

    @Test
    void refusesAMessageSignedAsAnotherTypeOnTheScheduleTopic() {
        acceptVersion(1);
        byte[] raw = signer.sign(MessageType.ALERT, TOPIC, schedule(STATION, 2), T0.plus(Duration.ofDays(1)));

        assertRefused(TOPIC, raw, RejectReason.WRONG_TARGET.name());
    }

    @Test
    void refusesAProperlySignedScheduleMadeForAnotherStation() {
        acceptVersion(1);
        byte[] raw = signer.sign(MessageType.SCHEDULE, TOPIC, schedule("st-02", 2), T0.plus(Duration.ofDays(1)));

        StationEvent rejected = assertRefused(TOPIC, raw, "WRONG_TARGET");
        assertTrue(rejected.detail().contains("st-02"), rejected.detail());
    }

    @Test
    void refusesAProperlySignedMessageWhosePayloadIsNotAValidSchedule() {
        acceptVersion(1);
        Map<String, Object> notASchedule = Map.of("schema", 1, "stationId", STATION, "version", 0);
        byte[] raw = signer.sign(MessageType.SCHEDULE, TOPIC, notASchedule, T0.plus(Duration.ofDays(1)));

        assertRefused(TOPIC, raw, RejectReason.MALFORMED.name());
    }

    @Test
    void refusesAnEnvelopeOfAnUnknownSchemaVersion() {
        acceptVersion(1);
        byte[] raw = "{\"schema\":2,\"keyId\":\"commune-2026a\",\"body\":\"e30\",\"signature\":\"AAAA\"}"
                .getBytes(StandardCharsets.UTF_8);

        assertRefused(TOPIC, raw, RejectReason.UNSUPPORTED_SCHEMA.name());
    }

    static Stream<Arguments> malformedPayloads() {
        byte[] noise = new byte[300];
        new Random(42).nextBytes(noise);
        String envelopeStart = "{\"schema\":1,\"keyId\":\"commune-2026a\",\"body\":\"eyJ0eXBlIjoic2NoZWR1bGUi";
        return Stream.of(
                Arguments.of("empty payload (a cleared retained message)", new byte[0]),
                Arguments.of("random bytes", noise),
                Arguments.of("plain text", "lịch phát sóng".getBytes(StandardCharsets.UTF_8)),
                Arguments.of("JSON null", "null".getBytes(StandardCharsets.UTF_8)),
                Arguments.of("JSON array", "[1,2,3]".getBytes(StandardCharsets.UTF_8)),
                Arguments.of("envelope cut in the middle", envelopeStart.getBytes(StandardCharsets.UTF_8)),
                Arguments.of("envelope without body and signature",
                        "{\"schema\":1,\"keyId\":\"commune-2026a\"}".getBytes(StandardCharsets.UTF_8)),
                Arguments.of("body that is not base64url",
                        "{\"schema\":1,\"keyId\":\"commune-2026a\",\"body\":\"*** not base64 ***\",\"signature\":\"AAAA\"}"
                                .getBytes(StandardCharsets.UTF_8)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformedPayloads")
    void refusesMalformedMessagesAndKeepsTheLastGoodSchedule(String what, byte[] raw) {
        acceptVersion(1);

        assertRefused(TOPIC, raw, RejectReason.MALFORMED.name());
        assertEquals(1, keeper.current().orElseThrow().version());
    }

    @Test
    void aRefusedScheduleDoesNotReplaceTheStoredOneOnDisk() throws IOException {
        byte[] good = acceptVersion(1);
        byte[] tampered = Arrays.copyOf(signed(2), good.length / 2);
        assertRefused(TOPIC, tampered, RejectReason.MALFORMED.name());

        reboot();

        assertEquals(1, keeper.current().orElseThrow().version());
    }

    @Test
    void aStoredScheduleThatNoLongerVerifiesIsNotUsedAfterReboot() throws IOException {
        acceptVersion(1);
        Path stored = dir.resolve("state").resolve("schedule.signed.json");
        String text = Files.readString(stored);
        // Flip one character of the signature, as a bad SD card sector would.
        int sig = text.indexOf("\"signature\":\"") + "\"signature\":\"".length();
        char flipped = text.charAt(sig) == 'A' ? 'B' : 'A';
        Files.writeString(stored, text.substring(0, sig) + flipped + text.substring(sig + 1));

        reboot();

        assertTrue(keeper.current().isEmpty(), "a schedule that fails verification must not be played");
    }

    private static SignedEnvelope parseEnvelope(byte[] raw) {
        try {
            return Json.read(raw, SignedEnvelope.class);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
