package vn.loalang.protocol.fuzz;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;

/**
 * Runs one fuzz case and checks the invariants that hold for every entry point: no exception escapes
 * and the call returns within {@link #callLimit()} (a handler on Paho's callback thread that blocks
 * or loops takes the broker link down with it). Each call runs on a thread of its own so that a call
 * that never returns fails the case instead of hanging the build; that thread is then stopped, as
 * it would otherwise keep a core busy for the rest of the test run.
 * <p>
 * In a long run ({@code ./loalang fuzz}, system property {@value #SECONDS_PER_PROPERTY}) a failing
 * input is saved under {@code src/test/resources/fuzz-regressions/<target>/<sha-256>.bin} of the
 * module, where {@link Regressions} replays it in every later test run.
 */
public final class Fuzz {
    /** Set by {@code ./loalang fuzz}: the seconds each property runs with random seeds. */
    public static final String SECONDS_PER_PROPERTY = "loalang.fuzz.seconds";
    /** How long one call may take before it counts as blocked (default 3000 ms). */
    public static final String CALL_LIMIT_MILLIS = "loalang.fuzz.call-limit-ms";
    /** Where failing inputs go, relative to the module directory. */
    public static final String REGRESSIONS = "src/test/resources/fuzz-regressions";

    private Fuzz() {
    }

    /** True in a long run, when failing inputs are saved and seeds are random. */
    public static boolean longRun() {
        return System.getProperty(SECONDS_PER_PROPERTY) != null;
    }

    public static Duration callLimit() {
        return Duration.ofMillis(Long.getLong(CALL_LIMIT_MILLIS, 3_000));
    }

    /**
     * One case: {@code input} to {@code handler}, within the call limit, nothing thrown. In a long run,
     * past the property's time budget, ends the property instead (see {@link FuzzBudget}).
     */
    public static void check(String target, byte[] input, FuzzTarget handler) {
        FuzzBudget.stopWhenSpent();
        try {
            call(target, input, handler);
        } catch (AssertionError failure) {
            if (longRun()) {
                Path saved = save(target, input);
                throw new AssertionError(failure.getMessage() + "; input saved as " + saved, failure.getCause());
            }
            throw failure;
        }
    }

    /** The invariants without the saving: what {@link Regressions} replays. */
    @SuppressWarnings("deprecation") // Thread.stop: the only way to end a thread looping without checking interrupts.
    static void call(String target, byte[] input, FuzzTarget handler) {
        AtomicReference<Throwable> escaped = new AtomicReference<>();
        Thread caller = new Thread(() -> {
            try {
                handler.accept(input);
            } catch (Throwable e) {
                escaped.set(e);
            }
        }, "fuzz-" + target);
        caller.setDaemon(true);
        caller.start();
        Duration limit = callLimit();
        try {
            caller.join(limit.toMillis());
            if (caller.isAlive()) {
                String where = Arrays.stream(caller.getStackTrace()).limit(12).map(f -> "\n    at " + f)
                        .collect(Collectors.joining());
                caller.interrupt();
                caller.join(200);
                if (caller.isAlive()) {
                    caller.stop();
                }
                throw new AssertionError(target + " did not return within " + limit.toMillis() + " ms for "
                        + describe(input) + "; it was blocked or looping here:" + where);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting for " + target, e);
        }
        Throwable e = escaped.get();
        if (e != null) {
            throw new AssertionError(target + " let " + e + " escape for " + describe(input), e);
        }
    }

    /** Saves a failing input where the module's {@link Regressions} test finds it; returns its path. */
    public static Path save(String target, byte[] input) {
        Path dir = moduleDir().resolve(REGRESSIONS).resolve(target);
        Path file = dir.resolve(sha256(input).substring(0, 16) + ".bin");
        try {
            Files.createDirectories(dir);
            if (!Files.exists(file)) {
                Files.write(file, input);
            } else {
                // Found again: touched, so that ./loalang fuzz lists it among this run's findings.
                Files.setLastModifiedTime(file, java.nio.file.attribute.FileTime.from(java.time.Instant.now()));
            }
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot save the failing input of " + target + " to " + file, e);
        }
    }

    /** Where {@value #REGRESSIONS} is, when not the module's directory (the mechanism's own test). */
    public static final String MODULE_DIR = "loalang.fuzz.module-dir";

    /** Surefire runs each module's tests in the module's directory and says so in {@code basedir}. */
    static Path moduleDir() {
        return Path.of(System.getProperty(MODULE_DIR, System.getProperty("basedir", System.getProperty("user.dir"))));
    }

    /** A short, printable view of an input for a failure message: its size, hash and first bytes. */
    public static String describe(byte[] input) {
        String head = new String(input, 0, Math.min(input.length, 160), java.nio.charset.StandardCharsets.UTF_8)
                .replaceAll("[\\p{Cntrl}&&[^\n]]", "?");
        return input.length + " bytes (sha-256 " + sha256(input).substring(0, 16) + ") starting «" + head + "»";
    }

    static String sha256(byte[] input) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(input));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
