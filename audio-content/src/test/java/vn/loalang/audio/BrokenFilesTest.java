package vn.loalang.audio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vn.loalang.audio.AudioContentException.Problem;
import vn.loalang.audio.analysis.PcmAnalysis;
import vn.loalang.audio.testing.Fixtures;

class BrokenFilesTest {

    @TempDir
    Path tmp;

    /** Probe and decodeAll must give the same verdict; the message must name the file. */
    private static AudioContentException refused(Path file, Problem expected) {
        AudioContentException byProbe = assertThrows(AudioContentException.class, () -> AudioProbe.probe(file));
        AudioContentException byDecode = assertThrows(AudioContentException.class, () -> AudioDecoder.decodeAll(file));
        assertEquals(expected, byProbe.problem(), byProbe::getMessage);
        assertEquals(expected, byDecode.problem(), byDecode::getMessage);
        assertEquals(byProbe.getMessage(), byDecode.getMessage());
        String name = file.getFileName().toString();
        assertTrue(byProbe.getMessage().startsWith(name + " "), byProbe::getMessage);
        assertEquals(file, byProbe.file());
        return byProbe;
    }

    /**
     * A VBR file with its data damaged where JLayer indexes a Huffman table past its end (found by
     * fuzzing the library upload). Refused as unreadable; playing it fails with an IOException the
     * player handles, not an exception that ends its thread.
     */
    @Test
    void mp3WithDamagedHuffmanDataIsRefusedAndDoesNotCrashPlayback() throws Exception {
        AudioContentException e = refused(Fixtures.path("damaged-huffman.mp3"), Problem.UNREADABLE);
        assertTrue(e.getMessage().contains("damaged MP3 data the decoder cannot read"), e::getMessage);
        try (PcmStream in = AudioDecoder.open(Fixtures.path("damaged-huffman.mp3"))) {
            assertThrows(java.io.IOException.class, () -> Streams.readAll(in));
        }
    }

    @Test
    void truncatedMp3IsRefusedWithTheFrameCounts() {
        AudioContentException e = refused(Fixtures.path("truncated.mp3"), Problem.TRUNCATED);
        assertEquals("truncated.mp3 is truncated: the MP3 header announces 116 frames but only 46 could be decoded"
                + " (the file was probably cut during upload or download)", e.getMessage());
    }

    /** Playback is lenient: what arrived plays, up to the cut. */
    @Test
    void truncatedMp3StillPlaysUpToTheCut() throws Exception {
        try (PcmStream in = AudioDecoder.open(Fixtures.path("truncated.mp3"))) {
            Pcm played = new Pcm(in.format(), Streams.readAll(in));
            // 46 frames of 1152 less the 576 + 529 trimmed at the start.
            assertEquals(46 * 1152 - 576 - 529, played.frames());
            assertTrue(PcmAnalysis.toneRatio(played, 1000, 10_000, 40_000) > 0.9);
        }
    }

    /** Without a Xing/Info header, an incomplete last frame is what gives a cut file away. */
    @Test
    void untaggedMp3CutMidFrameIsTruncated() throws Exception {
        byte[] whole = Files.readAllBytes(Fixtures.path("tone-1khz-2s-44k-mono-cbr-notag.mp3"));
        Path cut = tmp.resolve("no-header-cut.mp3");
        Files.write(cut, Arrays.copyOf(whole, whole.length / 2 + 7));
        AudioContentException e = refused(cut, Problem.TRUNCATED);
        assertTrue(e.getMessage().contains("the last MP3 frame"), e::getMessage);
    }

    @Test
    void emptyFile() {
        AudioContentException e = refused(Fixtures.path("empty.mp3"), Problem.EMPTY);
        assertTrue(e.getMessage().contains("0 bytes"), e::getMessage);
    }

    @Test
    void randomBytesAreNotAudio() {
        refused(Fixtures.path("random-bytes.mp3"), Problem.NOT_AUDIO);
    }

    @Test
    void anId3TagAloneIsNotAudio() {
        AudioContentException e = refused(Fixtures.path("id3-only.mp3"), Problem.NOT_AUDIO);
        assertTrue(e.getMessage().contains("only an ID3 tag"), e::getMessage);
    }

    /** The classic failed download: the server's error page saved under the recording's name. */
    @Test
    void anHtmlPageIsNotAudioAndSaysSo() throws Exception {
        Path page = tmp.resolve("ban-tin-sang.mp3");
        Files.writeString(page, "<!DOCTYPE html>\n<html><body>404 Not Found</body></html>\n");
        AudioContentException e = refused(page, Problem.NOT_AUDIO);
        assertTrue(e.getMessage().contains("is text, not audio"), e::getMessage);
        assertTrue(e.getMessage().contains("<!DOCTYPE html>"), e::getMessage);
    }

    @Test
    void otherAudioFormatsAreNamed() throws Exception {
        Path ogg = tmp.resolve("nhac.mp3");
        byte[] bytes = new byte[4096];
        System.arraycopy("OggS".getBytes(StandardCharsets.US_ASCII), 0, bytes, 0, 4);
        Files.write(ogg, bytes);
        AudioContentException e = refused(ogg, Problem.UNSUPPORTED_FORMAT);
        assertTrue(e.getMessage().contains("Ogg"), e::getMessage);
    }

    /** Layer II (MP2) frames are recognised by their headers and refused before decoding. */
    @Test
    void mp2IsRefusedAsUnsupported() throws Exception {
        // MPEG-1 layer II, 128 kbps, 44.1 kHz, mono: 417-byte frames.
        byte[] frame = new byte[417];
        frame[0] = (byte) 0xFF;
        frame[1] = (byte) 0xFD;
        frame[2] = (byte) 0x80;
        frame[3] = (byte) 0xC0;
        Path mp2 = tmp.resolve("old-broadcast.mp3");
        try (var out = Files.newOutputStream(mp2)) {
            for (int i = 0; i < 5; i++) {
                out.write(frame);
            }
        }
        AudioContentException e = refused(mp2, Problem.UNSUPPORTED_FORMAT);
        assertTrue(e.getMessage().contains("layer II"), e::getMessage);
    }

    @Test
    void missingFileIsUnreadable() {
        AudioContentException e = refused(tmp.resolve("khong-co.mp3"), Problem.UNREADABLE);
        assertTrue(e.getMessage().contains("does not exist"), e::getMessage);
    }

    @Test
    void wavNamedMp3IsDecodedAsWav() throws Exception {
        Path file = Fixtures.path("wav-named.mp3");
        AudioInfo info = AudioProbe.probe(file);
        assertEquals(new AudioInfo("WAV", new PcmFormat(8000, 1), Duration.ofSeconds(1), 0, false), info);
        Pcm pcm = AudioDecoder.decodeAll(file);
        assertTrue(PcmAnalysis.toneRatio(pcm, 1000, 1000, 7000) > 0.99);
    }

    @Test
    void wavCutShortIsTruncated() throws Exception {
        byte[] whole = Files.readAllBytes(Fixtures.path("tone-1khz-1s-8k-mono-16bit.wav"));
        Path cut = tmp.resolve("cut.wav");
        Files.write(cut, Arrays.copyOf(whole, whole.length - 4000));
        AudioContentException e = refused(cut, Problem.TRUNCATED);
        assertTrue(e.getMessage().contains("announces 16000 bytes (1.00 s) of audio but the file holds only 12000 bytes (0.75 s)"),
                e::getMessage);
    }

    @Test
    void floatWavIsUnsupportedAndSaysWhatToDo() throws Exception {
        byte[] wav = Files.readAllBytes(Fixtures.path("tone-1khz-1s-8k-mono-16bit.wav"));
        wav[20] = 3; // format tag: IEEE float
        wav[34] = 32;
        Path file = tmp.resolve("float.wav");
        Files.write(file, wav);
        AudioContentException e = refused(file, Problem.UNSUPPORTED_FORMAT);
        assertTrue(e.getMessage().contains("floating point"), e::getMessage);
        assertTrue(e.getMessage().contains("16-bit PCM"), e::getMessage);
    }
}
