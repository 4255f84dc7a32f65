package vn.loalang.protocol.signing;

/**
 * What travels on every controller→station topic:
 * <pre>{"schema":1,"keyId":"commune-2026a","body":"&lt;base64url JSON&gt;","signature":"&lt;base64url Ed25519&gt;"}</pre>
 * The signature covers the exact bytes of {@code body} (after base64url decoding), so no JSON
 * canonicalisation is needed: a verifier checks the bytes first and parses them only afterwards.
 */
public record SignedEnvelope(int schema, String keyId, String body, String signature) {
}
