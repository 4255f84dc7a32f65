package vn.loalang.audio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vn.loalang.audio.analysis.PcmAnalysis;
import vn.loalang.audio.testing.Fixtures;

class WavTest {

    @TempDir
    Path tmp;

    @Test
    void sixteenBitWavDecodes() throws Exception {
        Pcm pcm = AudioDecoder.decodeAll(Fixtures.path("tone-1khz-1s-8k-mono-16bit.wav"));
        assertEquals(new PcmFormat(8000, 1), pcm.format());
        assertEquals(8000, pcm.frames());
        assertTrue(PcmAnalysis.toneRatio(pcm, 1000, 0, 8000) > 0.99);
    }

    @Test
    void eightAnd24BitFixturesDecodeToTheirTone() throws Exception {
        for (String name : new String[] {"tone-1khz-500ms-8k-mono-24bit.wav", "tone-1khz-500ms-8k-mono-8bit.wav"}) {
            Pcm pcm = AudioDecoder.decodeAll(Fixtures.path(name));
            assertEquals(new PcmFormat(8000, 1), pcm.format(), name);
            assertEquals(4000, pcm.frames(), name);
            assertTrue(PcmAnalysis.toneRatio(pcm, 1000, 0, 4000) > 0.99, name);
            assertEquals(-9.0, PcmAnalysis.rmsDbfs(pcm, 0, 4000), 0.5, name);
        }
    }

    /** 8-bit WAV is unsigned, 24 and 32-bit signed: each keeps its top 16 bits. */
    @Test
    void sampleWidthsConvertExactly() throws Exception {
        assertSamples(1, new byte[] {(byte) 255, 0, (byte) 128, (byte) 129}, 0x7F00, -0x8000, 0, 0x100);
        assertSamples(3, new byte[] {(byte) 0xFF, (byte) 0xFF, 0x7F, 0, 0, (byte) 0x80, 0x56, 0x34, 0x12, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF},
                0x7FFF, -0x8000, 0x1234, -1);
        assertSamples(4, new byte[] {0, 0, 0x34, 0x12, 0, 0, (byte) 0xCC, (byte) 0xED}, 0x1234, (short) 0xEDCC);
    }

    private void assertSamples(int bytesPerSample, byte[] data, int... expected) throws Exception {
        ByteBuffer b = ByteBuffer.allocate(44 + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put("RIFF".getBytes()).putInt(36 + data.length).put("WAVE".getBytes())
                .put("fmt ".getBytes()).putInt(16).putShort((short) 1).putShort((short) 1).putInt(8000)
                .putInt(8000 * bytesPerSample).putShort((short) bytesPerSample).putShort((short) (8 * bytesPerSample))
                .put("data".getBytes()).putInt(data.length).put(data);
        Path file = tmp.resolve(bytesPerSample * 8 + "bit.wav");
        Files.write(file, b.array());
        Pcm pcm = AudioDecoder.decodeAll(file);
        assertEquals(expected.length, pcm.frames());
        for (int i = 0; i < expected.length; i++) {
            assertEquals((short) expected[i], pcm.sample(i, 0), bytesPerSample * 8 + "-bit sample " + i);
        }
    }

    @Test
    void writerOutputReadsBackIdentical() throws Exception {
        Pcm tone = Tones.tone(new PcmFormat(48000, 2), 660, Duration.ofMillis(750), 0.8);
        Path file = tmp.resolve("render.wav");
        try (WavWriter w = new WavWriter(file, tone.format())) {
            // Odd chunk sizes, as a mixer's output would come.
            byte[] d = tone.data();
            for (int off = 0; off < d.length; off += 4 * 997) {
                w.write(d, off, Math.min(4 * 997, d.length - off));
            }
            assertEquals(tone.frames(), w.framesWritten());
        }
        assertEquals(44 + tone.data().length, Files.size(file));
        assertEquals(tone, AudioDecoder.decodeAll(file));
        assertEquals(new AudioInfo("WAV", tone.format(), Duration.ofMillis(750), 0, false), AudioProbe.probe(file));
    }

    @Test
    void staticWriteAndHeaderFields() throws Exception {
        Pcm pcm = Tones.tone(new PcmFormat(22050, 1), 440, Duration.ofMillis(100), 0.5);
        Path file = tmp.resolve("short.wav");
        WavWriter.write(file, pcm);
        ByteBuffer h = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(36 + pcm.data().length, h.getInt(4));
        assertEquals(22050, h.getInt(24));
        assertEquals(pcm.data().length, h.getInt(40));
    }

    /** A render cut short (the process died before close) keeps "unknown" sizes; readers take the data to the end. */
    @Test
    void unpatchedSizesMeanToTheEndOfTheFile() throws Exception {
        Pcm pcm = Tones.tone(new PcmFormat(8000, 1), 1000, Duration.ofMillis(300), 0.5);
        Path file = tmp.resolve("unfinished.wav");
        WavWriter.write(file, pcm);
        byte[] bytes = Files.readAllBytes(file);
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putInt(4, -1).putInt(40, -1);
        Files.write(file, bytes);
        assertEquals(pcm, AudioDecoder.decodeAll(file));
    }

    @Test
    void writerRefusesHalfFrames() throws Exception {
        try (WavWriter w = new WavWriter(tmp.resolve("x.wav"), new PcmFormat(44100, 2))) {
            assertThrows(IllegalArgumentException.class, () -> w.write(new byte[6], 0, 6));
        }
    }
}
