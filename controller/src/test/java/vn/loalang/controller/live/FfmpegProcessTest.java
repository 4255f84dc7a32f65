package vn.loalang.controller.live;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vn.loalang.controller.testing.IcecastUnderTest;
import vn.loalang.controller.testing.Upstream;

import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.List;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The real ffmpeg against a real Icecast2: the channel's format out, silence reported, stopped on close. */
class FfmpegProcessTest {
    @Test
    void pullsAnIcecastMountAsTheChannelsMp3AndReportsSilence() throws Exception {
        Ffmpeg ffmpeg = Ffmpeg.find("ffmpeg");
        assertTrue(ffmpeg.version().startsWith("ffmpeg version"), ffmpeg.version());
        List<Double> silences = new CopyOnWriteArrayList<>();
        try (IcecastUnderTest ice = IcecastUnderTest.start();
             Upstream province = Upstream.mp3(ice, "/province.mp3", Upstream.signal(3))) {
            await().atMost(Duration.ofSeconds(10)).until(() -> ice.hasSource("/province.mp3"));
            try (FfmpegProcess p = FfmpegProcess.start("test", ffmpeg.upstreamCommand(province.url(), false, 2),
                    new FfmpegProcess.Listener() {
                        @Override
                        public void silenceStarted(double streamSeconds) {
                            silences.add(streamSeconds);
                        }
                    })) {
                InputStream mp3 = p.mp3();
                byte[] head = mp3.readNBytes(4);
                // The first frame's header, no Xing/ID3 before it: MPEG-2 layer III without CRC, 32 kbit/s, 22.05 kHz, mono.
                assertEquals(0xFF, head[0] & 0xFF);
                assertEquals(0xF3, head[1] & 0xFF, "MPEG-2 layer III");
                assertEquals(0x40, head[2] & 0xF0, "32 kbit/s");
                assertEquals(0x00, head[2] & 0x0C, "22050 Hz");
                assertEquals(0xC0, head[3] & 0xC0, "mono");
                await().atMost(Duration.ofSeconds(15)).until(() -> {
                    mp3.skip(mp3.available());
                    return !silences.isEmpty();
                });
                long started = System.nanoTime();
                p.close();
                assertFalse(p.alive());
                assertTrue(System.nanoTime() - started < Duration.ofSeconds(3).toNanos(), "stopped within SIGTERM's grace");
            }
        }
    }

    @Test
    void aMissingFfmpegIsOneClearError() {
        FfmpegMissingException e = assertThrows(FfmpegMissingException.class,
                () -> Ffmpeg.find("/nonexistent/ffmpeg"));
        assertTrue(e.getMessage().contains("--ffmpeg"), e.getMessage());
    }
}
