package vn.loalang.protocol.fuzz;

import vn.loalang.protocol.Json;
import vn.loalang.protocol.signing.SignedEnvelope;

import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.util.Base64;
import java.util.Random;
import java.util.function.BiFunction;

/**
 * Mutations of a signed envelope. Half mutate the envelope's bytes, which a verifier must refuse;
 * half mutate the signed body and sign it again with the commune's key, as a controller with a bug
 * (or a stolen key) would, so that the code behind the signature check is fuzzed too.
 */
public final class Resigning {
    private Resigning() {
    }

    public static BiFunction<byte[], Random, byte[]> with(String keyId, PrivateKey key) {
        return (envelope, random) -> {
            if (random.nextBoolean()) {
                return Mutator.mutate(envelope, random);
            }
            try {
                SignedEnvelope e = Json.read(envelope, SignedEnvelope.class);
                byte[] body = Mutator.mutate(Base64.getUrlDecoder().decode(e.body()), random);
                return sign(keyId, key, body);
            } catch (Exception notAnEnvelope) {
                return Mutator.mutate(envelope, random);
            }
        };
    }

    /** An envelope around exactly these body bytes, whatever they are, with a valid signature. */
    public static byte[] sign(String keyId, PrivateKey key, byte[] body) {
        try {
            Signature s = Signature.getInstance("Ed25519");
            s.initSign(key);
            s.update(body);
            Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
            return Json.write(new SignedEnvelope(Goldens.S, keyId, b64.encodeToString(body), b64.encodeToString(s.sign())));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
