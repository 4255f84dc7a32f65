package vn.loalang.protocol.signing;

import com.fasterxml.jackson.databind.JsonNode;
import vn.loalang.protocol.Json;
import vn.loalang.protocol.SchemaVersion;

import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.Objects;

/**
 * Signs what the controller sends. Sequence numbers come from the clock in microseconds and never
 * repeat within a run, so they keep increasing across controller restarts without any stored
 * counter (as long as the server clock is not set back).
 */
public final class EnvelopeSigner {
    private final String keyId;
    private final PrivateKey key;
    private final Clock clock;
    private long lastSeq;

    public EnvelopeSigner(String keyId, PrivateKey key, Clock clock) {
        this.keyId = Objects.requireNonNull(keyId, "keyId");
        this.key = Objects.requireNonNull(key, "key");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    public String keyId() {
        return keyId;
    }

    /** The JSON bytes of a {@link SignedEnvelope} carrying {@code payload} for {@code target}. */
    public byte[] sign(MessageType type, String target, Object payload, Instant expiresAt) {
        Instant now = clock.instant();
        if (!expiresAt.isAfter(now)) {
            throw new IllegalArgumentException("refusing to sign a message that has already expired (" + expiresAt + ")");
        }
        JsonNode tree = Json.mapper().valueToTree(payload);
        byte[] body = Json.write(new SignedBody(type, target, nextSeq(now), now, expiresAt, tree));
        byte[] signature = ed25519(body);
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        return Json.write(new SignedEnvelope(SchemaVersion.CURRENT, keyId, b64.encodeToString(body),
                b64.encodeToString(signature)));
    }

    private synchronized long nextSeq(Instant now) {
        long micros = now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
        lastSeq = Math.max(lastSeq + 1, micros);
        return lastSeq;
    }

    private byte[] ed25519(byte[] body) {
        try {
            Signature s = Signature.getInstance("Ed25519");
            s.initSign(key);
            s.update(body);
            return s.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign with key " + keyId + ": " + e.getMessage(), e);
        }
    }
}
