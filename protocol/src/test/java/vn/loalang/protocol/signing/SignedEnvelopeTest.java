package vn.loalang.protocol.signing;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import vn.loalang.protocol.Json;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SignedEnvelopeTest {
    record Hello(String text) {
        Hello {
            if (text == null || text.isBlank()) {
                throw new IllegalArgumentException("text is empty");
            }
        }
    }

    static final Instant NOW = Instant.parse("2026-11-23T10:00:00Z");
    static final String TOPIC = "loalang/v1/station/thon-1/schedule";
    final KeyPair controller = Ed25519Keys.generate();
    final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
    final EnvelopeSigner signer = new EnvelopeSigner("commune", controller.getPrivate(), clock);
    final EnvelopeVerifier verifier = new EnvelopeVerifier(Map.of("commune", controller.getPublic()), clock,
            Duration.ofMinutes(5));

    byte[] signed(Object payload) {
        return signer.sign(MessageType.SCHEDULE, TOPIC, payload, NOW.plusSeconds(3600));
    }

    RejectReason rejection(String topic, byte[] raw) {
        return assertThrows(RejectedMessageException.class,
                () -> verifier.verify(topic, MessageType.SCHEDULE, raw, Hello.class)).reason();
    }

    @Test
    void aSignedMessageVerifies() throws Exception {
        var v = verifier.verify(TOPIC, MessageType.SCHEDULE, signed(new Hello("xin chào")), Hello.class);
        assertEquals("xin chào", v.payload().text());
        assertEquals("commune", v.keyId());
        assertEquals(NOW.plusSeconds(3600), v.expiresAt());
    }

    @Test
    void sequenceNumbersStrictlyIncreaseEvenOnAFrozenClock() throws Exception {
        long a = verifier.verify(TOPIC, MessageType.SCHEDULE, signed(new Hello("a")), Hello.class).seq();
        long b = verifier.verify(TOPIC, MessageType.SCHEDULE, signed(new Hello("b")), Hello.class).seq();
        assertTrue(b > a);
    }

    @Test
    void aRestartedSignerContinuesAboveItsKeptFloorAndRaisesItAheadOfNeedNotAtEveryMessage() throws Exception {
        java.util.List<Long> raised = new java.util.ArrayList<>();
        SequenceFloor kept = new SequenceFloor() {
            @Override
            public long read() {
                return raised.isEmpty() ? 0 : raised.get(raised.size() - 1);
            }

            @Override
            public void raise(long atLeast) {
                raised.add(atLeast);
            }
        };
        EnvelopeSigner first = new EnvelopeSigner("commune", controller.getPrivate(), clock, kept);
        long last = 0;
        for (int i = 0; i < 100; i++) {
            last = verifier.verify(TOPIC, MessageType.SCHEDULE,
                    first.sign(MessageType.SCHEDULE, TOPIC, new Hello("a"), NOW.plusSeconds(60)), Hello.class).seq();
        }
        assertEquals(1, raised.size(), "a hundred messages, one write");
        assertTrue(raised.get(0) >= last);

        // Restarted with a clock an hour behind: still above everything signed before.
        Clock behind = Clock.fixed(NOW.minusSeconds(3600), ZoneOffset.UTC);
        long next = new EnvelopeVerifier(Map.of("commune", controller.getPublic()), behind, Duration.ofMinutes(5))
                .verify(TOPIC, MessageType.SCHEDULE, new EnvelopeSigner("commune", controller.getPrivate(), behind, kept)
                        .sign(MessageType.SCHEDULE, TOPIC, new Hello("b"), NOW), Hello.class).seq();
        assertTrue(next > last, next + " after " + last);
    }

    @Test
    void anAlteredBodyHasABadSignature() {
        SignedEnvelope env = read(signed(new Hello("đúng")));
        String body = new String(Base64.getUrlDecoder().decode(env.body()), StandardCharsets.UTF_8)
                .replace("đúng", "sai!");
        byte[] forged = Json.write(new SignedEnvelope(1, env.keyId(),
                Base64.getUrlEncoder().withoutPadding().encodeToString(body.getBytes(StandardCharsets.UTF_8)),
                env.signature()));
        assertEquals(RejectReason.BAD_SIGNATURE, rejection(TOPIC, forged));
    }

    @Test
    void anAttackersOwnKeyIsUnknownOrBad() {
        KeyPair attacker = Ed25519Keys.generate();
        byte[] ownKeyId = new EnvelopeSigner("attacker", attacker.getPrivate(), clock)
                .sign(MessageType.SCHEDULE, TOPIC, new Hello("x"), NOW.plusSeconds(60));
        assertEquals(RejectReason.UNKNOWN_KEY, rejection(TOPIC, ownKeyId));
        byte[] stolenKeyId = new EnvelopeSigner("commune", attacker.getPrivate(), clock)
                .sign(MessageType.SCHEDULE, TOPIC, new Hello("x"), NOW.plusSeconds(60));
        assertEquals(RejectReason.BAD_SIGNATURE, rejection(TOPIC, stolenKeyId));
    }

    @Test
    void aMessageForAnotherStationOrTypeIsRefused() {
        assertEquals(RejectReason.WRONG_TARGET, rejection("loalang/v1/station/thon-2/schedule", signed(new Hello("x"))));
        byte[] command = signer.sign(MessageType.COMMAND, TOPIC, new Hello("x"), NOW.plusSeconds(60));
        assertEquals(RejectReason.WRONG_TARGET, rejection(TOPIC, command));
    }

    @Test
    void expiredAndFutureMessagesAreRefused() {
        byte[] raw = signed(new Hello("x"));
        EnvelopeVerifier later = new EnvelopeVerifier(Map.of("commune", controller.getPublic()),
                Clock.fixed(NOW.plusSeconds(3600), ZoneOffset.UTC), Duration.ofMinutes(5));
        assertEquals(RejectReason.EXPIRED, assertThrows(RejectedMessageException.class,
                () -> later.verify(TOPIC, MessageType.SCHEDULE, raw, Hello.class)).reason());
        EnvelopeVerifier earlier = new EnvelopeVerifier(Map.of("commune", controller.getPublic()),
                Clock.fixed(NOW.minusSeconds(3600), ZoneOffset.UTC), Duration.ofMinutes(5));
        assertEquals(RejectReason.NOT_YET_VALID, assertThrows(RejectedMessageException.class,
                () -> earlier.verify(TOPIC, MessageType.SCHEDULE, raw, Hello.class)).reason());
        assertThrows(IllegalArgumentException.class,
                () -> signer.sign(MessageType.SCHEDULE, TOPIC, new Hello("x"), NOW));
    }

    /** The controller's time is what a station with a wrong clock sets it by: its window is not judged by that clock, the rest is. */
    @Test
    void theControllersTimeIsVerifiedWhateverTheStationClockSaysButNothingElseIsLetThrough() throws Exception {
        String presence = "loalang/v1/controller/state";
        byte[] time = signer.sign(MessageType.CONTROLLER_CLOCK, presence, new Hello("boot-1"), NOW.plusSeconds(1800));
        for (Instant station : List.of(NOW.minus(Duration.ofHours(12)), NOW.plus(Duration.ofDays(2)))) {
            EnvelopeVerifier off = new EnvelopeVerifier(Map.of("commune", controller.getPublic()),
                    Clock.fixed(station, ZoneOffset.UTC), Duration.ofMinutes(5));
            assertThrows(RejectedMessageException.class, () -> off.verify(presence, MessageType.CONTROLLER_CLOCK, time,
                    Hello.class), "by the station's own clock it is refused");
            var v = off.verifyRegardlessOfTime(presence, MessageType.CONTROLLER_CLOCK, time, Hello.class);
            assertEquals(NOW, v.issuedAt());
            assertEquals("boot-1", v.payload().text());
        }
        assertEquals(RejectReason.WRONG_TARGET, assertThrows(RejectedMessageException.class,
                () -> verifier.verifyRegardlessOfTime(TOPIC, MessageType.CONTROLLER_CLOCK, time, Hello.class)).reason());
        assertEquals(RejectReason.WRONG_TARGET, assertThrows(RejectedMessageException.class,
                () -> verifier.verifyRegardlessOfTime(presence, MessageType.CONTROLLER_CLOCK, signed(new Hello("x")),
                        Hello.class)).reason(), "a schedule is not a time");
        byte[] forged = new EnvelopeSigner("commune", Ed25519Keys.generate().getPrivate(), clock)
                .sign(MessageType.CONTROLLER_CLOCK, presence, new Hello("boot-1"), NOW.plusSeconds(1800));
        assertEquals(RejectReason.BAD_SIGNATURE, assertThrows(RejectedMessageException.class,
                () -> verifier.verifyRegardlessOfTime(presence, MessageType.CONTROLLER_CLOCK, forged, Hello.class)).reason());
    }

    @Test
    void aRefusalAfterTheSignatureWasCheckedCarriesTheSignersTimeAndOnlyThen() {
        byte[] raw = signed(new Hello("x"));
        EnvelopeVerifier behind = new EnvelopeVerifier(Map.of("commune", controller.getPublic()),
                Clock.fixed(NOW.minusSeconds(3600), ZoneOffset.UTC), Duration.ofMinutes(5));
        RejectedMessageException future = assertThrows(RejectedMessageException.class,
                () -> behind.verify(TOPIC, MessageType.SCHEDULE, raw, Hello.class));
        assertEquals(NOW, future.signedIssuedAt().orElseThrow());

        RejectedMessageException forged = assertThrows(RejectedMessageException.class,
                () -> new EnvelopeVerifier(Map.of("commune", Ed25519Keys.generate().getPublic()), clock,
                        Duration.ofMinutes(5)).verify(TOPIC, MessageType.SCHEDULE, raw, Hello.class));
        assertEquals(RejectReason.BAD_SIGNATURE, forged.reason());
        assertTrue(forged.signedIssuedAt().isEmpty(), "an unverified body tells nothing about anyone's clock");
    }

    @Test
    void malformedInputIsRejectedWithAReason() {
        for (String bad : new String[]{"", "garbage", "{}", "[1,2]", "{\"schema\":1,\"keyId\":\"commune\"}",
                "{\"schema\":1,\"keyId\":\"commune\",\"body\":\"***\",\"signature\":\"***\"}"}) {
            RejectReason r = rejection(TOPIC, bad.getBytes(StandardCharsets.UTF_8));
            assertEquals(RejectReason.MALFORMED, r, bad);
        }
        assertEquals(RejectReason.UNSUPPORTED_SCHEMA,
                rejection(TOPIC, "{\"schema\":9,\"keyId\":\"k\",\"body\":\"\",\"signature\":\"\"}".getBytes()));
    }

    @Test
    void aSignedButInvalidPayloadIsMalformed() {
        ObjectNode empty = Json.mapper().createObjectNode().put("text", " ");
        var e = assertThrows(RejectedMessageException.class,
                () -> verifier.verify(TOPIC, MessageType.SCHEDULE, signed(empty), Hello.class));
        assertEquals(RejectReason.MALFORMED, e.reason());
        assertTrue(e.getMessage().contains("text is empty"), e.getMessage());
    }

    @Test
    void theReplayGuardTellsDuplicatesFromReplays() throws Exception {
        ReplayGuard guard = new ReplayGuard(Map.of());
        assertEquals(ReplayGuard.Verdict.NEW, guard.check(TOPIC, 10));
        guard.accept(TOPIC, 10);
        assertEquals(ReplayGuard.Verdict.DUPLICATE, guard.check(TOPIC, 10));
        assertEquals(RejectReason.REPLAYED, assertThrows(RejectedMessageException.class, () -> guard.check(TOPIC, 9)).reason());
        assertEquals(ReplayGuard.Verdict.NEW, guard.check("other/topic", 9));
        ReplayGuard restored = new ReplayGuard(guard.snapshot());
        assertThrows(RejectedMessageException.class, () -> restored.check(TOPIC, 5));
    }

    @Test
    void keysSurviveARoundTripThroughPemFiles() throws Exception {
        Path dir = Files.createTempDirectory("keys");
        KeyPair created = Ed25519Keys.loadOrCreate(dir.resolve("controller.pem"));
        KeyPair loaded = Ed25519Keys.loadOrCreate(dir.resolve("controller.pem"));
        assertEquals(created.getPublic(), loaded.getPublic());
        assertEquals(created.getPublic(), Ed25519Keys.readPublic(dir.resolve("controller.pub.pem")));
        assertTrue(Files.readString(dir.resolve("controller.pem")).startsWith("-----BEGIN PRIVATE KEY-----"));
    }

    private static SignedEnvelope read(byte[] raw) {
        try {
            return Json.read(raw, SignedEnvelope.class);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
