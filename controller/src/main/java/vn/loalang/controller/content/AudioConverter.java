package vn.loalang.controller.content;

import java.nio.file.Path;

/**
 * Turns a recording the library cannot play itself (a phone's M4A, AMR or Ogg/Opus, a broadcast MP2,
 * a float WAV) into an MP3 it can: the catalog measures and keeps that copy, and the original beside it.
 * The controller's is ffmpeg ({@code live.FfmpegConverter}); a controller without ffmpeg has none.
 */
public interface AudioConverter {
    /**
     * Writes {@code original} as MP3 to {@code out} and returns {@code out}, within a bounded time.
     *
     * @throws ConversionException the converter cannot read it, or gave up: the message says why
     */
    Path toPlayable(Path original, Path out) throws ConversionException;
}
