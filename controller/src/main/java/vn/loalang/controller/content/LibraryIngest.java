package vn.loalang.controller.content;

import vn.loalang.audio.AudioContentException;
import vn.loalang.audio.AudioInfo;
import vn.loalang.audio.AudioProbe;
import vn.loalang.audio.ContentHash;
import vn.loalang.audio.Loudness;
import vn.loalang.audio.LoudnessMeter;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * What the library learns of a file before accepting it: decoded in full (a header check passes
 * damaged files), its exact duration, its SHA-256 and its loudness as broadcast. The verdict is the
 * same whether the file comes from a commune file or an upload.
 */
public final class LibraryIngest {
    /** Peaks are kept 1 dB under full scale: MP3 decoding overshoots, cheap amplifiers clip. */
    static final double PEAK_CEILING_DBTP = -1.0;
    /** A quiet recording is lifted at most this much: more would lift its noise as well. */
    static final double MAX_BOOST_DB = 12.0;

    /** A file that decoded in full, with what was measured. */
    public record Measured(Path file, String sha256, long sizeBytes, AudioInfo info, Loudness loudness) {
    }

    private LibraryIngest() {
    }

    /**
     * Decodes, probes and measures {@code file}. A name ending in {@code .mp3} or {@code .wav} must
     * match what the bytes are: a WAV saved as {@code .mp3} plays here but is a sign of a mix-up
     * (the wrong recording), so it is refused with both names.
     */
    public static Measured measure(Path file) throws AudioContentException, IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException("file " + file + " does not exist");
        }
        AudioInfo info = AudioProbe.probe(file);
        String name = file.getFileName().toString();
        String ext = name.contains(".") ? name.substring(name.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT) : "";
        if ((ext.equals("mp3") || ext.equals("wav")) && !ext.equalsIgnoreCase(info.container())) {
            // Its own problem, not UNSUPPORTED_FORMAT: the catalog converts those, and a mix-up must reach the operator.
            throw new AudioContentException(AudioContentException.Problem.MISLABELLED, file, name
                    + " is named ." + ext + " but holds a " + info.container() + " file: check that it is the right"
                    + " recording, then name it ." + info.container().toLowerCase(Locale.ROOT));
        }
        Loudness loudness = LoudnessMeter.measureAsBroadcast(file);
        return new Measured(file, ContentHash.sha256(file), Files.size(file), info, loudness);
    }

    /** The gain a station applies: the loudness correction to {@code targetLufs}, plus the manual trim, to 0.01 dB. */
    public static double gainDb(double loudnessLufs, double truePeakDbtp, double targetLufs, double trimDb) {
        double correction = new Loudness(loudnessLufs, truePeakDbtp, java.time.Duration.ZERO)
                .gainTo(targetLufs, PEAK_CEILING_DBTP, MAX_BOOST_DB);
        return Math.round((correction + trimDb) * 100) / 100.0;
    }
}
