package vn.loalang.controller.live;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import vn.loalang.controller.content.AudioConverter;
import vn.loalang.controller.content.ConversionException;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The library's converter: ffmpeg ({@link Ffmpeg#decodeCommand}) run from an argument list, never a
 * shell (the file name is the uploader's), for at most {@link #LIMIT}: a file that takes longer is
 * not a recording a commune broadcasts, and a stuck decoder must not hold an upload for ever.
 */
public final class FfmpegConverter implements AudioConverter {
    private static final Logger log = LoggerFactory.getLogger(FfmpegConverter.class);
    /** A 30-minute programme converts in well under a minute on a commune server (docs/benchmarks.md). */
    public static final Duration LIMIT = Duration.ofMinutes(10);

    private final Ffmpeg ffmpeg;
    private final Duration limit;

    public FfmpegConverter(Ffmpeg ffmpeg) {
        this(ffmpeg, LIMIT);
    }

    FfmpegConverter(Ffmpeg ffmpeg, Duration limit) {
        this.ffmpeg = ffmpeg;
        this.limit = limit;
    }

    @Override
    public Path toPlayable(Path original, Path out) throws ConversionException {
        long started = System.nanoTime();
        FfmpegProcess p;
        try {
            p = FfmpegProcess.start("library-" + original.getFileName(), ffmpeg.decodeCommand(original, out), null);
        } catch (IOException e) {
            throw new ConversionException("ffmpeg (" + ffmpeg.program() + ") could not be started: " + e.getMessage(), e);
        }
        try (p) {
            int exit = p.exited().get(limit.toMillis(), TimeUnit.MILLISECONDS);
            p.awaitErrorsRead(2000);
            if (exit != 0) {
                String errors = String.join("; ", p.lastErrors());
                throw new ConversionException("ffmpeg could not read it (exit " + exit + ")"
                        + (errors.isEmpty() ? "" : ": " + errors.replaceAll("\\[(error|fatal)\\] ?", "")));
            }
            log.info("Library: {} converted to MP3 by ffmpeg in {} ms", original.getFileName(),
                    Duration.ofNanos(System.nanoTime() - started).toMillis());
            return out;
        } catch (TimeoutException e) {
            throw new ConversionException("ffmpeg did not finish converting it within " + limit.toMinutes()
                    + " minutes: cut it into shorter recordings");
        } catch (ExecutionException e) {
            throw new ConversionException("ffmpeg failed: " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConversionException("the conversion was interrupted", e);
        }
    }
}
