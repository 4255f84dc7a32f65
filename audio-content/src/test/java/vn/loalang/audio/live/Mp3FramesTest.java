package vn.loalang.audio.live;

import org.junit.jupiter.api.Test;
import vn.loalang.audio.testing.Fixtures;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The live channel's frames as the controller cuts them from ffmpeg and a station from its stream. */
class Mp3FramesTest {
    /** lame --cbr -b 32 at 22.05 kHz mono: the commune channel's format, with an Info tag and an ID3v1 tag. */
    private static final String CHANNEL_LIKE = "tone-1khz-3s-22k-mono-cbr32-id3v1.mp3";

    @Test
    void aWholeStreamIsItsAudioFramesWithoutTheTags() throws Exception {
        byte[] mp3 = Files.readAllBytes(Fixtures.path(CHANNEL_LIKE));
        Mp3Frames reader = Mp3Frames.reading(new ByteArrayInputStream(mp3));
        List<Frame> frames = all(reader);
        long micros = 0;
        for (Frame f : frames) {
            assertEquals(22_050, f.sampleRate());
            assertEquals(576, f.samples());
            assertEquals(1, f.channels());
            assertTrue(f.size() == 104 || f.size() == 105, "32 kbit/s at 22.05 kHz is 104 or 105 bytes, not " + f.size());
            micros += f.micros();
        }
        // 3 s of tone plus the encoder's delay and padding, in whole frames of 26.1 ms; no Info frame among them.
        assertTrue(micros >= 3_000_000 && micros <= 3_150_000, "frames last " + micros + " µs");
        assertEquals(frames.size(), reader.frames());
        assertTrue(reader.skippedBytes() >= 128 + 104, "the Info frame and the ID3v1 tag are passed over: "
                + reader.skippedBytes());
    }

    @Test
    void joinedMidFrameItTakesTheRestOfTheStreamFromTheNextWholeFrame() throws Exception {
        byte[] mp3 = Files.readAllBytes(Fixtures.path(CHANNEL_LIKE));
        List<Frame> whole = all(Mp3Frames.reading(new ByteArrayInputStream(mp3)));
        List<Frame> joined = all(Mp3Frames.reading(new ByteArrayInputStream(Arrays.copyOfRange(mp3, 1000, mp3.length))));
        assertTrue(joined.size() >= whole.size() - 11, "lost more than the frames before byte 1000");
        assertSuffix(whole, joined);
    }

    @Test
    void damageBetweenFramesCostsOnlyTheDamagedFrame() throws Exception {
        byte[] mp3 = Files.readAllBytes(Fixtures.path(CHANNEL_LIKE));
        List<Frame> whole = all(Mp3Frames.reading(new ByteArrayInputStream(mp3)));
        // A mobile link's damage: 37 bytes of noise written over the middle of the stream, sync words included.
        byte[] damaged = mp3.clone();
        for (int i = 0; i < 37; i++) {
            damaged[2000 + i] = (byte) (i % 2 == 0 ? 0xff : 0xf3);
        }
        List<Frame> read = all(Mp3Frames.reading(new ByteArrayInputStream(damaged)));
        assertTrue(read.size() >= whole.size() - 2, whole.size() + " frames, " + read.size() + " after the damage");
        assertSuffix(whole, read.subList(read.size() - (whole.size() - 25), read.size()));
    }

    @Test
    void aStreamArrivingByteByByteGivesTheSameFrames() throws Exception {
        byte[] mp3 = Files.readAllBytes(Fixtures.path(CHANNEL_LIKE));
        List<Frame> whole = all(Mp3Frames.reading(new ByteArrayInputStream(mp3)));
        InputStream trickle = new FilterInputStream(new ByteArrayInputStream(mp3)) {
            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                return super.read(b, off, Math.min(len, 1));
            }
        };
        List<Frame> trickled = all(Mp3Frames.reading(trickle));
        assertEquals(whole.size(), trickled.size());
        assertSuffix(whole, trickled);
    }

    @Test
    void anId3TagClaimingMoreThanTheStreamHoldsEndsTheStreamWithoutAllocatingIt() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(new byte[]{'I', 'D', '3', 4, 0, 0, 0x7f, 0x7f, 0x7f, 0x7f}); // 256 MB claimed
        out.write(new byte[5000]);
        Mp3Frames reader = Mp3Frames.reading(new ByteArrayInputStream(out.toByteArray()));
        assertEquals(Optional.empty(), reader.next());
    }

    @Test
    void anId3v2TagBeforeTheAudioIsPassedOver() throws Exception {
        byte[] mp3 = Files.readAllBytes(Fixtures.path(CHANNEL_LIKE));
        List<Frame> whole = all(Mp3Frames.reading(new ByteArrayInputStream(mp3)));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(new byte[]{'I', 'D', '3', 4, 0, 0, 0, 0, 2, 0}); // 256 bytes of tag
        byte[] tag = new byte[256];
        Arrays.fill(tag, (byte) 0xff); // sync-like bytes inside the tag must not be taken for frames
        out.write(tag);
        out.write(mp3);
        List<Frame> read = all(Mp3Frames.reading(new ByteArrayInputStream(out.toByteArray())));
        assertEquals(whole.size(), read.size());
        assertSuffix(whole, read);
    }

    @Test
    void noiseIsNoFrames() throws Exception {
        byte[] noise = new byte[20_000];
        new java.util.Random(17).nextBytes(noise);
        Mp3Frames reader = Mp3Frames.reading(new ByteArrayInputStream(noise));
        List<Frame> read = all(reader);
        assertTrue(read.size() <= 2, "random bytes gave " + read.size() + " frames");
    }

    private static List<Frame> all(Mp3Frames reader) throws IOException {
        List<Frame> frames = new ArrayList<>();
        for (Optional<Frame> f = reader.next(); f.isPresent(); f = reader.next()) {
            frames.add(f.get());
        }
        return frames;
    }

    private static void assertSuffix(List<Frame> whole, List<Frame> tail) {
        int offset = whole.size() - tail.size();
        assertTrue(offset >= 0, "more frames than the whole stream");
        for (int i = 0; i < tail.size(); i++) {
            assertArrayEquals(whole.get(offset + i).bytes(), tail.get(i).bytes(), "frame " + i + " of the tail");
        }
    }
}
