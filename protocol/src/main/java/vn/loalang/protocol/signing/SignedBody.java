package vn.loalang.protocol.signing;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Instant;

/**
 * The signed part of an envelope.
 *
 * @param target    the exact topic the message is meant for: a message signed for one station cannot be
 *                  replayed onto another station's topic
 * @param seq       strictly increasing per signing key; a station refuses a lower one than it has seen on a
 *                  topic (replay)
 * @param expiresAt after this instant the message is refused (expired)
 */
public record SignedBody(MessageType type, String target, long seq, Instant issuedAt, Instant expiresAt,
                         JsonNode payload) {
}
