package vn.loalang.systemtests.bench;

import vn.loalang.audio.AudioContentException;
import vn.loalang.audio.AudioDecoder;
import vn.loalang.audio.AudioInfo;
import vn.loalang.audio.AudioProbe;
import vn.loalang.audio.ContentHash;
import vn.loalang.audio.PcmFormat;
import vn.loalang.audio.PcmStream;
import vn.loalang.audio.WavWriter;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * MP3 decoding speed as a multiple of real time, for the project's decoder ({@link AudioDecoder},
 * mp3spi with the gapless trim, opened as the agent's session player opens an item) and for
 * mpg123, on the same file in the same run.
 * <p>
 * The file is made here, the same bytes every run: 30 s of 44.1 kHz stereo at 128 kbps CBR, the
 * heaviest format a commune is likely to upload (the demo's spoken clips are 22.05 kHz mono at
 * 56 kbps). A chord with a slow tremolo and a little seeded noise keeps the encoder spending its bits.
 */
final class DecodeBench {
    static final int ROUNDS = 7;
    private static final Duration LENGTH = Duration.ofSeconds(30);
    private static final PcmFormat SOURCE = new PcmFormat(44_100, 2);
    private static final long NOISE_SEED = 20261201L;

    /** What was decoded, and how long each round's decode took with each decoder, in nanoseconds. */
    record Result(Path file, AudioInfo info, String sha256, List<Long> decoderNanos, List<Long> mpg123Nanos) {
        double decoderTimesRealtime() {
            return info.duration().toNanos() / (double) median(decoderNanos);
        }

        double mpg123TimesRealtime() {
            return info.duration().toNanos() / (double) median(mpg123Nanos);
        }

        long decoderMillis() {
            return TimeUnit.NANOSECONDS.toMillis(median(decoderNanos));
        }

        long mpg123Millis() {
            return TimeUnit.NANOSECONDS.toMillis(median(mpg123Nanos));
        }

        /** The median round: a build or a test run elsewhere on the machine slows a few rounds, not most. */
        private static long median(List<Long> nanos) {
            List<Long> sorted = new ArrayList<>(nanos);
            Collections.sort(sorted);
            return sorted.get(sorted.size() / 2);
        }
    }

    private DecodeBench() {
    }

    /** Needs lame (to make the file) and mpg123 (to compare with): fails early with how to install them. */
    static void requireTools() throws BenchException {
        Tools.require("lame", "lame");
        Tools.require("mpg123", "mpg123");
    }

    static Result run(Path dir) throws BenchException, IOException {
        Path mp3 = makeMp3(dir);
        AudioInfo info;
        try {
            info = AudioProbe.probe(mp3);
        } catch (AudioContentException e) {
            throw new BenchException("lame made a file the project's decoder refuses: " + e.getMessage());
        }
        // Not counted: two decodes while the JIT compiles the decoder's hot loops, and one mpg123
        // run that brings its program and libraries into the page cache.
        decodeNanos(mp3, info);
        decodeNanos(mp3, info);
        mpg123Nanos(mp3);
        // Interleaved, so that both decoders meet the same load from whatever else the machine runs.
        List<Long> decoder = new ArrayList<>();
        List<Long> mpg123 = new ArrayList<>();
        for (int i = 0; i < ROUNDS; i++) {
            decoder.add(decodeNanos(mp3, info));
            mpg123.add(mpg123Nanos(mp3));
        }
        return new Result(mp3, info, ContentHash.sha256(mp3), decoder, mpg123);
    }

    private static Path makeMp3(Path dir) throws BenchException, IOException {
        Path wav = dir.resolve("decode-source.wav");
        Path mp3 = dir.resolve("decode-30s-44k-stereo-128k.mp3");
        Random noise = new Random(NOISE_SEED);
        int frames = (int) (SOURCE.sampleRate() * LENGTH.toSeconds());
        byte[] buf = new byte[SOURCE.frameBytes() * 4096];
        try (WavWriter out = new WavWriter(wav, SOURCE)) {
            int n = 0;
            for (int frame = 0; frame < frames; frame++) {
                double t = (double) frame / SOURCE.sampleRate();
                double chord = (Math.sin(2 * Math.PI * 220 * t) + Math.sin(2 * Math.PI * 277.18 * t)
                        + Math.sin(2 * Math.PI * 329.63 * t)) / 3 * (0.6 + 0.4 * Math.sin(2 * Math.PI * 0.5 * t));
                for (int ch = 0; ch < SOURCE.channels(); ch++) {
                    short sample = (short) Math.round(32767 * (0.5 * chord + 0.02 * noise.nextGaussian()));
                    buf[n++] = (byte) sample;
                    buf[n++] = (byte) (sample >> 8);
                }
                if (n == buf.length) {
                    out.write(buf, 0, n);
                    n = 0;
                }
            }
            out.write(buf, 0, n);
        }
        Tools.output("lame", "--quiet", "--noreplaygain", "-b", "128", wav.toString(), mp3.toString());
        Files.delete(wav); // 5 MB that nothing reads again
        return mp3;
    }

    /** One full decode through the project's decoder; the samples are counted, then dropped. */
    private static long decodeNanos(Path mp3, AudioInfo info) throws BenchException, IOException {
        byte[] buf = new byte[64 * 1024];
        long bytes = 0;
        long start = System.nanoTime();
        try (PcmStream pcm = AudioDecoder.open(mp3)) {
            for (int n; (n = pcm.read(buf, 0, buf.length)) >= 0; ) {
                bytes += n;
            }
        } catch (AudioContentException e) {
            throw new BenchException("the project's decoder failed on " + mp3 + ": " + e.getMessage());
        }
        long took = System.nanoTime() - start;
        Duration decoded = info.format().durationOfBytes(bytes);
        if (!decoded.equals(info.duration())) {
            throw new BenchException("the decoder gave " + decoded + " of audio from " + mp3 + ", the probe " + info.duration());
        }
        return took;
    }

    /**
     * One mpg123 process decoding the file in its test mode ({@code -t}: decoded in full, no
     * output), as the samples are dropped above. The time includes starting the process, under
     * 5 ms against the 20 ms or more of a decode.
     */
    private static long mpg123Nanos(Path mp3) throws BenchException {
        long start = System.nanoTime();
        Tools.output("mpg123", "-q", "-t", mp3.toString());
        return System.nanoTime() - start;
    }
}
