package vn.loalang.provisioning.broker;

import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * Mosquitto 2's own password hash, {@code $7$iterations$salt$hash}: PBKDF2 with HMAC-SHA512, a
 * 12-byte salt and a 64-byte result, both in standard Base64; the format {@code mosquitto_passwd}
 * writes and the broker checks. Made here so that no plaintext password ever goes through a shell.
 */
public final class MosquittoPassword {
    /**
     * Mosquitto's default is 101. Station passwords are 192 random bits, so iterations add nothing
     * against guessing them; a few more cost little at each connect, and slow down a stolen file's
     * use on any weaker password an administrator might set by hand.
     */
    public static final int ITERATIONS = 1000;
    private static final int SALT_BYTES = 12;
    private static final int HASH_BITS = 512;
    private static final SecureRandom RANDOM = new SecureRandom();

    private MosquittoPassword() {
    }

    public static String hash(String password) {
        return hash(password, ITERATIONS);
    }

    /** With another iteration count: what the broker pays at each connect (see the connect benchmark). */
    public static String hash(String password, int iterations) {
        byte[] salt = new byte[SALT_BYTES];
        RANDOM.nextBytes(salt);
        return format(iterations, salt, pbkdf2(password, salt, iterations));
    }

    /** Whether {@code password} matches a {@code $7$} line's hash, as the broker would decide. */
    public static boolean matches(String password, String hashed) {
        String[] parts = hashed.split("\\$");
        if (parts.length != 5 || !parts[1].equals("7")) {
            throw new IllegalArgumentException("not a Mosquitto $7$ (PBKDF2-SHA512) hash");
        }
        int iterations = Integer.parseInt(parts[2]);
        byte[] salt = Base64.getDecoder().decode(parts[3]);
        byte[] expected = Base64.getDecoder().decode(parts[4]);
        return MessageDigest.isEqual(expected, pbkdf2(password, salt, iterations));
    }

    static String format(int iterations, byte[] salt, byte[] hash) {
        Base64.Encoder b64 = Base64.getEncoder();
        return "$7$" + iterations + "$" + b64.encodeToString(salt) + "$" + b64.encodeToString(hash);
    }

    static byte[] pbkdf2(String password, byte[] salt, int iterations) {
        try {
            PBEKeySpec spec = new PBEKeySpec(password.toCharArray(), salt, iterations, HASH_BITS);
            return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA512").generateSecret(spec).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JDK has no PBKDF2WithHmacSHA512", e);
        }
    }

    /** A new random password: 24 bytes (192 bits), URL-safe Base64, no padding: 32 characters. */
    public static String newSecret() {
        byte[] b = new byte[24];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }
}
