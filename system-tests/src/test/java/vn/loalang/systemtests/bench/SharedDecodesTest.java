package vn.loalang.systemtests.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vn.loalang.agent.live.LiveDecoder;
import vn.loalang.audio.live.Frame;
import vn.loalang.audio.live.Mp3Frames;
import vn.loalang.systemtests.support.MarkerSignal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The bench's shared decodes give each station what its own JLayer decoder gives, at one decode per frame. */
class SharedDecodesTest {

    /** The live channel as the controller makes it (MP3 32 kbit/s mono 22.05 kHz, no bit reservoir) of the marker signal. */
    private static List<Frame> channel(Path dir) throws IOException, InterruptedException {
        Path mp3 = dir.resolve("channel.mp3");
        Process p = new ProcessBuilder("ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error", "-f", "lavfi",
                "-i", MarkerSignal.lavfi(22_050), "-t", "8", "-ac", "1", "-ar", "22050", "-c:a", "libmp3lame",
                "-b:a", "32k", "-reservoir", "0", "-write_xing", "0", "-id3v2_version", "0", "-f", "mp3", mp3.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("ffmpeg.log").toFile()).start();
        try {
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "ffmpeg finished");
        } finally {
            p.destroyForcibly();
        }
        assertEquals(0, p.exitValue(), "ffmpeg: " + Files.readString(dir.resolve("ffmpeg.log")));
        List<Frame> frames = new ArrayList<>();
        try (InputStream in = Files.newInputStream(mp3)) {
            Mp3Frames reading = Mp3Frames.reading(in);
            for (Optional<Frame> f; (f = reading.next()).isPresent(); ) {
                frames.add(f.get());
            }
        }
        return frames;
    }

    /** The largest difference, in 16-bit steps, between each station's own decode and its shared one. */
    private static int largestDifference(List<Frame> frames, int joinsAt, LiveDecoder shared) {
        LiveDecoder own = LiveDecoder.jlayer();
        int largest = 0;
        for (Frame f : frames.subList(joinsAt, frames.size())) {
            LiveDecoder.Decoded mine = own.decode(f);
            short[] expected = java.util.Arrays.copyOf(mine.samples(), mine.length());
            LiveDecoder.Decoded theirs = shared.decode(f);
            assertNotNull(theirs);
            assertEquals(expected.length, theirs.length());
            for (int i = 0; i < expected.length; i++) {
                largest = Math.max(largest, Math.abs(expected[i] - theirs.samples()[i]));
            }
        }
        return largest;
    }

    @Test
    void eachStationGetsWhatItsOwnDecoderMakesAtOneDecodePerFrame(@TempDir Path dir) throws Exception {
        List<Frame> frames = channel(dir);
        assertTrue(frames.size() > 300, "8 s of the channel: " + frames.size() + " frames");
        SharedDecodes shared = new SharedDecodes();

        int first = largestDifference(frames, 0, shared.forStation());
        int late = largestDifference(frames, 37, shared.forStation()); // joins a second later
        int third = largestDifference(frames, 0, shared.forStation());

        assertTrue(first <= 2 && late <= 2 && third <= 2, "within JLayer's float rounding (±2 of 32,768): " + first + ", "
                + late + ", " + third);
        assertTrue(shared.entries() <= frames.size() + 4, "one decode per frame, plus each late joiner's first two: "
                + shared.entries() + " for " + frames.size() + " frames");
    }
}
