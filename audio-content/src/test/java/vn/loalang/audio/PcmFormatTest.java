package vn.loalang.audio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import javax.sound.sampled.AudioFormat;
import org.junit.jupiter.api.Test;

class PcmFormatTest {

    private final PcmFormat stereo48 = new PcmFormat(48000, 2);

    @Test
    void bytesAndDurationsAreWholeFramesAndInverse() {
        assertEquals(4, stereo48.frameBytes());
        assertEquals(192_000, stereo48.bytesFor(Duration.ofSeconds(1)));
        assertEquals(4, stereo48.bytesFor(Duration.ofNanos(20_834))); // one frame is 20833.3 ns
        PcmFormat cd = new PcmFormat(44100, 1);
        for (long bytes : new long[] {0, 2, 88_200, 88_202, 123_456_790}) {
            assertEquals(bytes, cd.bytesFor(cd.durationOfBytes(bytes)), "round trip of " + bytes);
        }
        assertEquals(Duration.ofMillis(1500), cd.durationOfBytes(132_300));
    }

    @Test
    void longDurationsDoNotOverflow() {
        assertEquals(30L * 24 * 3600 * 48000 * 4, stereo48.bytesFor(Duration.ofDays(30)));
    }

    @Test
    void javaSoundFormats() {
        AudioFormat af = stereo48.toAudioFormat();
        assertEquals(stereo48, PcmFormat.of(af));
        assertThrows(IllegalArgumentException.class, () -> PcmFormat.of(new AudioFormat(48000, 16, 2, true, true)));
        assertThrows(IllegalArgumentException.class, () -> PcmFormat.of(new AudioFormat(48000, 8, 1, true, false)));
        assertThrows(IllegalArgumentException.class, () -> new PcmFormat(48000, 0));
    }

    @Test
    void pcmReadsSamplesAndStreams() throws Exception {
        byte[] data = {1, 0, (byte) 0xff, (byte) 0xff, 0, (byte) 0x80, (byte) 0xff, 0x7f};
        Pcm pcm = new Pcm(stereo48, data);
        assertEquals(2, pcm.frames());
        assertEquals(1, pcm.sample(0, 0));
        assertEquals(-1, pcm.sample(0, 1));
        assertEquals(Short.MIN_VALUE, pcm.sample(1, 0));
        assertEquals(Short.MAX_VALUE, pcm.sample(1, 1));
        assertThrows(IllegalArgumentException.class, () -> new Pcm(stereo48, new byte[6]));
        try (PcmStream s = pcm.stream()) {
            byte[] buf = new byte[7];
            assertEquals(4, s.read(buf, 0, 7), "rounded down to whole frames");
            assertEquals(4, s.read(buf, 0, 7));
            assertEquals(-1, s.read(buf, 0, 7));
            assertThrows(IllegalArgumentException.class, () -> s.read(buf, 0, 3));
        }
    }
}
