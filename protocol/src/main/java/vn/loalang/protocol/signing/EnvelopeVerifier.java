package vn.loalang.protocol.signing;

import vn.loalang.protocol.Json;
import vn.loalang.protocol.MalformedMessageException;
import vn.loalang.protocol.SchemaVersion;

import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.Signature;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Objects;

/**
 * Checks a signed message in the order that keeps attacker-controlled bytes away from the parser:
 * envelope shape, known key, signature over the raw body, and only then the body: target topic,
 * type, validity window and payload. Replays are judged by a {@link ReplayGuard}, which holds state.
 */
public final class EnvelopeVerifier {
    private final Map<String, PublicKey> trustedKeys;
    private final Clock clock;
    private final Duration maxClockSkew;

    public EnvelopeVerifier(Map<String, PublicKey> trustedKeys, Clock clock, Duration maxClockSkew) {
        this.trustedKeys = Map.copyOf(trustedKeys);
        this.clock = Objects.requireNonNull(clock, "clock");
        this.maxClockSkew = Objects.requireNonNull(maxClockSkew, "maxClockSkew");
    }

    public record Verified<T>(String keyId, long seq, Instant issuedAt, Instant expiresAt, T payload) {
    }

    public <T> Verified<T> verify(String topic, MessageType expected, byte[] raw, Class<T> payloadType)
            throws RejectedMessageException {
        Authentic authentic = authentic(topic, expected, raw);
        SignedBody signed = authentic.body();
        Instant now = clock.instant();
        if (!now.isBefore(signed.expiresAt())) {
            throw new RejectedMessageException(RejectReason.EXPIRED,
                    "message expired at " + signed.expiresAt() + " (station clock says " + now + ")", signed.issuedAt());
        }
        if (signed.issuedAt().isAfter(now.plus(maxClockSkew))) {
            throw new RejectedMessageException(RejectReason.NOT_YET_VALID, "message claims to be issued at "
                    + signed.issuedAt() + ", later than the station clock " + now + " allows", signed.issuedAt());
        }
        return payload(authentic, payloadType);
    }

    /**
     * Like {@link #verify} but without the validity window: for the controller's signed time, which is
     * what a station with no trusted clock judges validity by, so it cannot be judged by it. Everything
     * else is checked (key, signature, target, type, payload); replays are the caller's to judge.
     */
    public <T> Verified<T> verifyRegardlessOfTime(String topic, MessageType expected, byte[] raw, Class<T> payloadType)
            throws RejectedMessageException {
        return payload(authentic(topic, expected, raw), payloadType);
    }

    /** A signed body whose envelope, key, signature and target are right, and the key that signed it. */
    private record Authentic(String keyId, SignedBody body) {
    }

    private Authentic authentic(String topic, MessageType expected, byte[] raw) throws RejectedMessageException {
        SignedEnvelope envelope = parse(raw, SignedEnvelope.class, "envelope");
        if (envelope.schema() != SchemaVersion.CURRENT) {
            throw new RejectedMessageException(RejectReason.UNSUPPORTED_SCHEMA,
                    "envelope schema " + envelope.schema() + " is not supported (expected " + SchemaVersion.CURRENT + ")");
        }
        if (envelope.keyId() == null || envelope.body() == null || envelope.signature() == null) {
            throw new RejectedMessageException(RejectReason.MALFORMED, "envelope lacks keyId, body or signature");
        }
        PublicKey key = trustedKeys.get(envelope.keyId());
        if (key == null) {
            throw new RejectedMessageException(RejectReason.UNKNOWN_KEY,
                    "signed with key '" + envelope.keyId() + "', which this station does not trust");
        }
        byte[] body = base64(envelope.body(), "body");
        if (!signatureValid(key, body, base64(envelope.signature(), "signature"))) {
            throw new RejectedMessageException(RejectReason.BAD_SIGNATURE,
                    "signature does not match the message: it was altered or forged (key '" + envelope.keyId() + "')");
        }
        SignedBody signed = parse(body, SignedBody.class, "signed body");
        if (!topic.equals(signed.target()) || signed.type() != expected) {
            throw new RejectedMessageException(RejectReason.WRONG_TARGET, "message was signed as " + signed.type()
                    + " for '" + signed.target() + "' but arrived as " + expected + " on '" + topic + "'");
        }
        if (signed.expiresAt() == null || signed.issuedAt() == null) {
            throw new RejectedMessageException(RejectReason.MALFORMED, "signed body lacks issuedAt or expiresAt");
        }
        return new Authentic(envelope.keyId(), signed);
    }

    private <T> Verified<T> payload(Authentic authentic, Class<T> payloadType) throws RejectedMessageException {
        SignedBody signed = authentic.body();
        T payload;
        try {
            payload = Json.read(signed.payload(), payloadType);
        } catch (MalformedMessageException e) {
            throw new RejectedMessageException(RejectReason.MALFORMED, "payload: " + e.getMessage(), e);
        }
        return new Verified<>(authentic.keyId(), signed.seq(), signed.issuedAt(), signed.expiresAt(), payload);
    }

    private static <T> T parse(byte[] json, Class<T> type, String what) throws RejectedMessageException {
        try {
            return Json.read(json, type);
        } catch (MalformedMessageException e) {
            throw new RejectedMessageException(RejectReason.MALFORMED, what + ": " + e.getMessage(), e);
        }
    }

    private static byte[] base64(String text, String field) throws RejectedMessageException {
        try {
            return Base64.getUrlDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            throw new RejectedMessageException(RejectReason.MALFORMED, "envelope " + field + " is not base64url", e);
        }
    }

    private static boolean signatureValid(PublicKey key, byte[] body, byte[] signature) {
        try {
            Signature s = Signature.getInstance("Ed25519");
            s.initVerify(key);
            s.update(body);
            return s.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }
}
