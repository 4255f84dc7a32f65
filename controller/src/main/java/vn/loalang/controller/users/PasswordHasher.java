package vn.loalang.controller.users;

import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Password hashes with PBKDF2-HMAC-SHA256 from the JDK, in the self-describing form
 * {@code pbkdf2-sha256$<iterations>$<salt b64>$<hash b64>}, so that the cost can be raised later
 * without invalidating stored hashes. 600,000 iterations is OWASP's 2023 figure for this KDF: slow
 * enough to make a stolen database expensive to crack, about a third of a second per login here.
 * <p>
 * Few hashes run at once (half the cores, at most 4): a flood of logins then takes those cores
 * and no more, and the alert path, which never hashes, keeps the rest. A hash that cannot get a
 * slot within a short wait is refused with {@link Busy} rather than queued without bound.
 */
public final class PasswordHasher {
    public static final int DEFAULT_ITERATIONS = 600_000;
    private static final String SCHEME = "pbkdf2-sha256";
    private static final int SALT_BYTES = 16;
    private static final int HASH_BITS = 256;
    private static final SecureRandom RANDOM = new SecureRandom();

    /** Long enough for a queue of a few logins at a third of a second each, short enough not to pile up threads. */
    public static final Duration DEFAULT_WAIT = Duration.ofMillis(800);

    /** No slot for a password hash came free in time: the server is busy with logins; try again in a second. */
    public static final class Busy extends RuntimeException {
        Busy(String message) {
            super(message);
        }
    }

    private final int iterations;
    private final Semaphore slots;
    private final int slotCount;
    private final Duration wait;

    public PasswordHasher() {
        this(DEFAULT_ITERATIONS);
    }

    /** Fewer iterations only for tests that create many users. */
    public PasswordHasher(int iterations) {
        this(iterations, Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors() / 2)), DEFAULT_WAIT);
    }

    /** @param slots how many hashes may run at once; {@code wait} how long one waits for a slot before {@link Busy} */
    public PasswordHasher(int iterations, int slots, Duration wait) {
        if (iterations < 1) {
            throw new IllegalArgumentException("iterations must be positive");
        }
        if (slots < 1) {
            throw new IllegalArgumentException("slots must be positive");
        }
        this.iterations = iterations;
        this.slots = new Semaphore(slots, true);
        this.slotCount = slots;
        this.wait = wait;
    }

    /** How many hashes may run at once. */
    public int slots() {
        return slotCount;
    }

    /** How many hashes could start now without waiting. */
    public int freeSlots() {
        return slots.availablePermits();
    }

    public String hash(char[] password) {
        byte[] salt = new byte[SALT_BYTES];
        RANDOM.nextBytes(salt);
        Base64.Encoder b64 = Base64.getEncoder().withoutPadding();
        return SCHEME + "$" + iterations + "$" + b64.encodeToString(salt) + "$"
                + b64.encodeToString(derive(password, salt, iterations));
    }

    /** True when {@code password} matches {@code stored}; false for a wrong password or a damaged hash. */
    public boolean verify(char[] password, String stored) {
        String[] parts = stored == null ? new String[0] : stored.split("\\$");
        if (parts.length != 4 || !parts[0].equals(SCHEME)) {
            return false;
        }
        try {
            int rounds = Integer.parseInt(parts[1]);
            byte[] salt = Base64.getDecoder().decode(parts[2]);
            byte[] expected = Base64.getDecoder().decode(parts[3]);
            if (rounds < 1 || salt.length == 0 || expected.length == 0) {
                return false;
            }
            // Constant time: how much of a guess matched must not leak through timing.
            return MessageDigest.isEqual(expected, derive(password, salt, rounds));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** A stored hash made with fewer iterations than this hasher uses: rehash at the next good login. */
    public boolean needsRehash(String stored) {
        String[] parts = stored.split("\\$");
        try {
            return parts.length != 4 || !parts[0].equals(SCHEME) || Integer.parseInt(parts[1]) < iterations;
        } catch (NumberFormatException e) {
            return true;
        }
    }

    /** A password for a first administrator: 20 characters from an alphabet without look-alikes. */
    public static String randomPassword() {
        String alphabet = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
        StringBuilder sb = new StringBuilder(20);
        for (int i = 0; i < 20; i++) {
            sb.append(alphabet.charAt(RANDOM.nextInt(alphabet.length())));
        }
        return sb.toString();
    }

    private byte[] derive(char[] password, byte[] salt, int rounds) {
        try {
            if (!slots.tryAcquire(wait.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new Busy("Máy chủ đang bận kiểm tra mật khẩu, thử lại sau giây lát / the server is busy checking"
                        + " passwords, try again in a moment");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Busy("interrupted while waiting to check a password");
        }
        try {
            return pbkdf2(password, salt, rounds);
        } finally {
            slots.release();
        }
    }

    private static byte[] pbkdf2(char[] password, byte[] salt, int rounds) {
        PBEKeySpec spec = new PBEKeySpec(password, salt, rounds, HASH_BITS);
        try {
            return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("PBKDF2WithHmacSHA256 is missing from this JDK", e);
        } finally {
            spec.clearPassword();
        }
    }
}
