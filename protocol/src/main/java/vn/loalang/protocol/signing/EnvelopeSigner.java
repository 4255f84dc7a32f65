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
 * Signs what the controller sends. A sequence number is the clock in microseconds, or one more than
 * the last, whichever is higher, so it never repeats. The floor it keeps ({@link SequenceFloor}, the
 * controller's store) makes that hold across restarts too, even when the server clock was stepped
 * back after running ahead: the stations' replay guard would otherwise refuse every new message until
 * the clock caught up again. The floor is raised ahead of need, by {@link #RESERVE} at a time, so the
 * store is written about once every few seconds under load, not once per message.
 */
public final class EnvelopeSigner {
    /** How far above the sequence in use the floor is raised: ten seconds' worth of clock-derived sequences. */
    static final long RESERVE = 10_000_000L;

    private final String keyId;
    private final PrivateKey key;
    private final Clock clock;
    private final SequenceFloor floor;
    private long lastSeq;
    private long reserved;

    /** A signer whose sequence is kept in memory only: for tests and tools that sign for one run. */
    public EnvelopeSigner(String keyId, PrivateKey key, Clock clock) {
        this(keyId, key, clock, SequenceFloor.inMemory());
    }

    public EnvelopeSigner(String keyId, PrivateKey key, Clock clock, SequenceFloor floor) {
        this.keyId = Objects.requireNonNull(keyId, "keyId");
        this.key = Objects.requireNonNull(key, "key");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.floor = Objects.requireNonNull(floor, "floor");
        // Everything up to the floor may have been used before the restart: start above it.
        this.lastSeq = floor.read();
        this.reserved = lastSeq;
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
        if (lastSeq > reserved) {
            reserved = lastSeq + RESERVE;
            floor.raise(reserved);
        }
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
