package vn.loalang.controller.live;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One ffmpeg child: started from an argument list (never a shell, so a source's URL is only ever
 * an argument), its standard output the channel's MP3, its standard error read on a thread of its
 * own ({@code ffmpeg-{name}-err}) for {@code silence_start}/{@code silence_end} and errors.
 * {@link #close} asks it to stop (SIGTERM, so it flushes its last frame) and kills it 2 s later if
 * it has not.
 */
public final class FfmpegProcess implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(FfmpegProcess.class);
    static final long STOP_GRACE_MILLIS = 2000;
    private static final Pattern SILENCE_START = Pattern.compile("silence_start: (-?[0-9.]+)");
    private static final Pattern SILENCE_END = Pattern.compile("silence_end: (-?[0-9.]+)");
    private static final int KEPT_ERRORS = 5;

    /** What ffmpeg says on standard error that matters; called on the stderr thread. */
    public interface Listener {
        /** {@code silencedetect} found silence beginning at {@code streamSeconds}, already as long as its {@code d}. */
        default void silenceStarted(double streamSeconds) {
        }

        default void silenceEnded(double streamSeconds) {
        }

        /** A line ffmpeg logged as an error or fatal. */
        default void error(String line) {
        }
    }

    private final String name;
    private final Process process;
    private final Thread stderr;
    private final java.util.concurrent.atomic.AtomicBoolean closing = new java.util.concurrent.atomic.AtomicBoolean();
    private final java.util.Deque<String> lastErrors = new java.util.concurrent.ConcurrentLinkedDeque<>();

    private FfmpegProcess(String name, Process process, Listener listener) {
        this.name = name;
        this.process = process;
        this.stderr = new Thread(() -> readErrors(listener), "ffmpeg-" + name + "-err");
        stderr.setDaemon(true);
        stderr.start();
    }

    /** Starts {@code command} (from {@link Ffmpeg}) as the process of channel or source {@code name}. */
    public static FfmpegProcess start(String name, List<String> command, Listener listener) throws IOException {
        Process p = new ProcessBuilder(command).redirectInput(command.contains("-nostdin")
                ? ProcessBuilder.Redirect.from(new java.io.File("/dev/null")) : ProcessBuilder.Redirect.PIPE).start();
        log.info("ffmpeg for {} started, pid {}", name, p.pid());
        return new FfmpegProcess(name, p, listener == null ? new Listener() { } : listener);
    }

    /** The MP3 it writes. */
    public InputStream mp3() {
        return process.getInputStream();
    }

    /** What it reads (a talk's audio); closed: it ends after what it has. */
    public OutputStream input() {
        return process.getOutputStream();
    }

    public long pid() {
        return process.pid();
    }

    public boolean alive() {
        return process.isAlive();
    }

    /** Completes with the exit code when the process has ended. */
    public CompletableFuture<Integer> exited() {
        return process.onExit().thenApply(Process::exitValue);
    }

    /** The last few error lines it wrote, for a log line when it exits. */
    public List<String> lastErrors() {
        return List.copyOf(lastErrors);
    }

    /**
     * Waits up to {@code millis} for its standard error to be read to the end, so {@link #lastErrors}
     * is complete once it has exited (the reading thread may still be behind the exit).
     */
    public void awaitErrorsRead(long millis) throws InterruptedException {
        stderr.join(millis);
    }

    private void readErrors(Listener listener) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                Matcher m;
                if ((m = SILENCE_START.matcher(line)).find()) {
                    listener.silenceStarted(Double.parseDouble(m.group(1)));
                } else if ((m = SILENCE_END.matcher(line)).find()) {
                    listener.silenceEnded(Double.parseDouble(m.group(1)));
                } else if (line.contains("[error]") || line.contains("[fatal]")) {
                    lastErrors.addLast(line.strip());
                    while (lastErrors.size() > KEPT_ERRORS) {
                        lastErrors.pollFirst();
                    }
                    log.warn("ffmpeg for {} (pid {}): {}", name, process.pid(), line.strip());
                    listener.error(line.strip());
                } else if (line.contains("[warning]")) {
                    log.info("ffmpeg for {} (pid {}): {}", name, process.pid(), line.strip());
                }
            }
        } catch (IOException e) {
            // The process ended and its pipe closed under us: nothing more to read.
        } catch (RuntimeException e) {
            log.warn("ffmpeg for {}: its standard error could not be read any further: {}", name, e.toString());
        }
    }

    /** SIGTERM, then SIGKILL after {@value #STOP_GRACE_MILLIS} ms; waits for it to end. */
    @Override
    public void close() {
        if (!closing.compareAndSet(false, true) || !process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(STOP_GRACE_MILLIS, TimeUnit.MILLISECONDS)) {
                log.warn("ffmpeg for {} (pid {}) did not stop within {} ms of SIGTERM: killed", name, process.pid(),
                        STOP_GRACE_MILLIS);
                process.destroyForcibly();
                process.waitFor(STOP_GRACE_MILLIS, TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        log.info("ffmpeg for {} (pid {}) stopped", name, process.pid());
    }
}
