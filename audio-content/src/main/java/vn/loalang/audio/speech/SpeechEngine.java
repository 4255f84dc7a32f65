package vn.loalang.audio.speech;

import java.nio.file.Path;

/**
 * Text to speech: what a village head types becomes a clip the stations can play. The outside
 * world (a synthesiser process) stays behind this one method; {@link EspeakSpeechEngine} is the
 * real implementation.
 */
public interface SpeechEngine {

    /**
     * Speaks {@code text} in {@code language} (a BCP 47-style tag such as {@code vi} or {@code en})
     * into a new WAV file in {@code outputDir}: mono, 16-bit PCM, at the engine's own rate (22,050 Hz
     * for espeak-ng). The file has been decoded in full before it is returned; the caller owns it
     * and deletes it when done. Nothing is left in {@code outputDir} when this throws.
     */
    Path speak(String text, String language, Path outputDir) throws SpeechException;
}
