package vn.loalang.systemtests.support;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vn.loalang.systemtests.support.MarkerSignal.Marker;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The marker signal as a WAV written here, and as ffmpeg plays it from its lavfi expression through
 * the live channel's codec (MP3 32 kbit/s mono 22.05 kHz, decoded back): the same markers, at the
 * same times, in the same order.
 */
class MarkerSignalTest {

    @Test
    void theWavHasEveryMarkerAtItsTimeWithItsFrequency(@TempDir Path dir) throws Exception {
        Path wav = MarkerSignal.wav(dir.resolve("markers.wav"), Duration.ofSeconds(27), 44_100);

        List<Marker> markers = MarkerSignal.find(ToneDetector.of(wav), MarkerSignal.THRESHOLD_DB);

        assertEquals(9, markers.size(), "markers " + markers);
        for (int k = 0; k < markers.size(); k++) {
            assertEquals(k * 3000L, markers.get(k).at().toMillis(), 10, "marker " + k);
            assertEquals(k % 8, markers.get(k).index(), "marker " + k);
            assertEquals(MarkerSignal.frequency(k), markers.get(k).hz());
        }
        assertTrue(MarkerSignal.consecutive(markers));
    }

    @Test
    void aLeadOfBedAloneDelaysEveryMarker(@TempDir Path dir) throws Exception {
        Path wav = MarkerSignal.wav(dir.resolve("mic.wav"), Duration.ofSeconds(5), Duration.ofSeconds(15), 48_000);

        List<Marker> markers = MarkerSignal.find(ToneDetector.of(wav), MarkerSignal.THRESHOLD_DB);

        assertEquals(List.of(0, 1, 2, 3), markers.stream().map(Marker::index).toList(), "markers " + markers);
        for (int k = 0; k < markers.size(); k++) {
            assertEquals(5000L + k * 3000L, markers.get(k).at().toMillis(), 10, "marker " + k);
        }
    }

    @Test
    void aMissingMarkerBreaksTheSequence() {
        List<Marker> gap = List.of(new Marker(Duration.ZERO, 6), new Marker(Duration.ofSeconds(3), 7),
                new Marker(Duration.ofSeconds(9), 1));
        assertTrue(MarkerSignal.consecutive(gap.subList(0, 2)), "6 then 7 follow");
        assertTrue(!MarkerSignal.consecutive(gap), "7 then 1: marker 0 is missing");
    }

    @Test
    void ffmpegPlaysTheSameSignalAndItCrossesTheLiveCodec(@TempDir Path dir) throws Exception {
        Path mp3 = dir.resolve("channel.mp3");
        Process p = new ProcessBuilder("ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error", "-f", "lavfi",
                "-i", MarkerSignal.lavfi(44_100), "-t", "13", "-ac", "1", "-ar", "22050", "-c:a", "libmp3lame",
                "-b:a", "32k", "-write_xing", "0", "-id3v2_version", "0", "-f", "mp3", mp3.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("ffmpeg.log").toFile()).start();
        try {
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "ffmpeg finished");
        } finally {
            p.destroyForcibly();
        }
        assertEquals(0, p.exitValue(), "ffmpeg: " + java.nio.file.Files.readString(dir.resolve("ffmpeg.log")));

        List<Marker> markers = MarkerSignal.find(ToneDetector.of(mp3), MarkerSignal.THRESHOLD_DB);

        assertEquals(5, markers.size(), "markers " + markers);
        assertTrue(MarkerSignal.consecutive(markers), "markers " + markers);
        assertEquals(0, markers.get(0).index());
        for (int k = 0; k < markers.size(); k++) {
            // LAME's encoder delay and the decoder's: about 50 ms, always late, never early
            long late = markers.get(k).at().toMillis() - k * 3000L;
            assertTrue(late >= -10 && late <= 120, "marker " + k + " at " + markers.get(k).at());
        }
    }
}
