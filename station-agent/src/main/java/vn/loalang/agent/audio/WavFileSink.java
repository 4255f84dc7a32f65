package vn.loalang.agent.audio;

import vn.loalang.audio.PcmFormat;
import vn.loalang.audio.WavWriter;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * The simulated sound card: each session becomes one WAV file, written at the pace a real line
 * would play it (with a small buffer ahead), so relays, events and clocks behave as on a station.
 */
public final class WavFileSink implements AudioSink {
    private static final Duration BUFFER = Duration.ofMillis(200);

    private final Path dir;
    private final Clock clock;

    public WavFileSink(Path dir, Clock clock) throws IOException {
        this.dir = Files.createDirectories(dir);
        this.clock = clock;
    }

    public Path directory() {
        return dir;
    }

    @Override
    public Output open(PcmFormat format, String label) throws IOException {
        return new PacedWav(new WavWriter(dir.resolve(label + ".wav"), format), format, clock.instant());
    }

    private static final class PacedWav implements Output {
        private final WavWriter wav;
        private final Instant openedAt;
        private final LinePace pace;

        PacedWav(WavWriter wav, PcmFormat format, Instant openedAt) {
            this.wav = wav;
            this.openedAt = openedAt;
            this.pace = new LinePace(format, System.nanoTime(), BUFFER);
        }

        @Override
        public Instant openedAt() {
            return openedAt;
        }

        @Override
        public void write(byte[] buf, int off, int len) throws IOException {
            wav.write(buf, off, len);
            pace.wrote(wav.framesWritten());
        }

        @Override
        public void drain() {
            pace.drained(wav.framesWritten());
        }

        @Override
        public void close() throws IOException {
            wav.close();
        }
    }
}
