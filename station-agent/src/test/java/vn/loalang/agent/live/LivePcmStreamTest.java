package vn.loalang.agent.live;

import vn.loalang.audio.live.Frame;

import org.junit.jupiter.api.Test;
import vn.loalang.audio.Pcm;
import vn.loalang.audio.PcmFormat;
import vn.loalang.audio.analysis.PcmAnalysis;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The channel's real MP3 frames (ffmpeg's 440 Hz tone) decoded by JLayer and upsampled to the line. */
class LivePcmStreamTest {
    private static final PcmFormat LINE = new PcmFormat(44_100, 1);
    private static final int CHUNK = 2048 * LINE.frameBytes();

    /** A talk's 0.4 s target. */
    private static JitterBuffer buffer() {
        return new JitterBuffer(Duration.ofMillis(400), Duration.ofSeconds(30), Duration.ZERO, Duration.ofMillis(400),
                System::nanoTime);
    }

    /** Room for the whole 10 s tone offered at once (a smaller target would trim it to the live edge as a burst). */
    private static JitterBuffer wholeTone() {
        return new JitterBuffer(Duration.ofSeconds(11), Duration.ofSeconds(30), Duration.ZERO, Duration.ofSeconds(11),
                System::nanoTime);
    }

    private static Pcm readToEnd(LivePcmStream live) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[CHUNK];
        for (int n; (n = live.read(buf, 0, buf.length)) >= 0; ) {
            out.write(buf, 0, n);
        }
        return new Pcm(LINE, out.toByteArray());
    }

    private static long frames(Duration d) {
        return LINE.bytesFor(d) / LINE.frameBytes();
    }

    @Test
    void decodesTheChannelFrameByFrameToTheLinesFormat() throws IOException {
        List<Frame> tone = LiveFrames.all();
        JitterBuffer b = wholeTone();
        tone.forEach(b::offer);
        b.end();
        LivePcmStream live = new LivePcmStream(b, LINE);

        Pcm pcm = readToEnd(live);

        Duration expected = Duration.ofNanos(tone.size() * 576 * 1_000_000_000L / 22_050);
        assertTrue(pcm.duration().minus(expected).abs().toMillis() <= 30, "every frame heard once, upsampled ×2: "
                + pcm.duration() + " vs " + expected);
        assertEquals(tone.size(), live.framesDecoded());
        assertEquals(0, live.framesFailed());
        assertEquals(440.0, PcmAnalysis.dominantOf(pcm, frames(Duration.ofSeconds(1)), frames(Duration.ofSeconds(9)),
                440, 880, 220));
        assertTrue(PcmAnalysis.rmsDbfs(pcm, frames(Duration.ofSeconds(1)), frames(Duration.ofSeconds(9))) > -20,
                "the tone at its level, not silence");
    }

    @Test
    void neverBlocksAnEmptyBufferReadsAsSilenceFlaggedStarvedAndTheStreamGoesOn() throws IOException {
        List<Frame> tone = LiveFrames.all();
        JitterBuffer b = buffer();
        LivePcmStream live = new LivePcmStream(b, LINE);
        byte[] buf = new byte[CHUNK];

        long t0 = System.nanoTime();
        for (int i = 0; i < 100; i++) {
            assertEquals(CHUNK, live.read(buf, 0, CHUNK), "a whole chunk, at once");
        }
        assertTrue(System.nanoTime() - t0 < Duration.ofSeconds(2).toNanos(), "100 reads of an empty stream do not wait");
        assertTrue(live.starved());
        assertEquals(0, live.framesDecoded());
        assertEquals(Double.NEGATIVE_INFINITY, PcmAnalysis.rmsDbfs(new Pcm(LINE, buf), 0, 2048), "digital silence");

        tone.subList(0, 40).forEach(b::offer); // 1 s: above the 0.4 s target
        assertEquals(CHUNK, live.read(buf, 0, CHUNK));
        assertFalse(live.starved(), "live audio now");
        assertTrue(live.framesDecoded() > 0);

        ByteArrayOutputStream rest = new ByteArrayOutputStream();
        int silentReads = 0;
        for (int i = 0; i < 60; i++) { // 2.8 s of line: the 1 s runs out, then the buffer primes again
            assertEquals(CHUNK, live.read(buf, 0, CHUNK));
            rest.write(buf, 0, CHUNK);
            silentReads += live.starved() ? 1 : 0;
        }
        assertTrue(silentReads > 20, "starved once the second ran out: " + silentReads);
        assertEquals(1, b.stats().underruns());
        Pcm after = new Pcm(LINE, rest.toByteArray());
        assertEquals(Double.NEGATIVE_INFINITY, PcmAnalysis.rmsDbfs(after, after.frames() - 2048, after.frames()),
                "silence while starved");
    }

    @Test
    void aFrameTheDecoderCannotReadIsDroppedAndTheRestPlays() throws IOException {
        List<Frame> tone = new ArrayList<>(LiveFrames.all());
        byte[] garbage = new byte[104];
        new Random(17).nextBytes(garbage);
        for (int i = 0; i < garbage.length; i++) {
            garbage[i] &= 0x7f; // no sync word anywhere: not a frame at all
        }
        tone.set(100, new Frame(garbage, 22_050, 576, 1));
        byte[] cut = tone.get(200).bytes().clone();
        tone.set(200, new Frame(java.util.Arrays.copyOf(cut, 20), 22_050, 576, 1)); // a frame cut short on the link
        JitterBuffer b = wholeTone();
        tone.forEach(b::offer);
        b.end();
        LivePcmStream live = new LivePcmStream(b, LINE);

        Pcm pcm = readToEnd(live);

        assertTrue(live.framesFailed() >= 1, "the damaged frames dropped: " + live.framesFailed());
        assertTrue(pcm.duration().compareTo(Duration.ofMillis(9_700)) > 0, "the rest played: " + pcm.duration());
        assertEquals(440.0, PcmAnalysis.dominantOf(pcm, frames(Duration.ofSeconds(6)), frames(Duration.ofSeconds(9)),
                440, 880, 220), "still the tone after the damage");
    }

    @Test
    void aStreamDamagedAtRandomOnTheLinkNeverStopsTheLineAndTheToneStillComesThrough() throws IOException {
        // As over a bad 3G link or a proxy: bytes flipped and whole pieces lost, cut by Mp3Frames as the reader cuts it.
        for (long seed = 1; seed <= 20; seed++) {
            Random random = new Random(seed);
            byte[] clean = LiveFrames.bytes();
            ByteArrayOutputStream damaged = new ByteArrayOutputStream();
            int at = 0;
            while (at < clean.length) {
                int piece = Math.min(clean.length - at, 200 + random.nextInt(2000));
                if (random.nextInt(10) > 0) { // one piece in ten is lost
                    byte[] p = java.util.Arrays.copyOfRange(clean, at, at + piece);
                    for (int k = random.nextInt(4); k > 0; k--) {
                        p[random.nextInt(p.length)] ^= (byte) (1 + random.nextInt(255));
                    }
                    damaged.write(p, 0, p.length);
                }
                at += piece;
            }
            vn.loalang.audio.live.Mp3Frames frames = vn.loalang.audio.live.Mp3Frames.reading(
                    new java.io.ByteArrayInputStream(damaged.toByteArray()));
            JitterBuffer b = wholeTone();
            for (java.util.Optional<Frame> f; (f = frames.next()).isPresent(); ) {
                b.offer(f.get());
            }
            b.end();
            LivePcmStream live = new LivePcmStream(b, LINE);

            Pcm pcm = readToEnd(live);

            assertTrue(pcm.duration().compareTo(Duration.ofSeconds(6)) > 0, "seed " + seed + ": most of it played, "
                    + pcm.duration() + ", " + live.framesFailed() + " frame(s) dropped");
            assertEquals(440.0, PcmAnalysis.dominantOf(pcm, 0, pcm.frames(), 440, 880, 220), "seed " + seed);
        }
    }

    /**
     * A talk in real time through the real decoder: {@code live/talk-markers-1s-10s.mp3} is a 150 ms 1 kHz marker
     * at −12 dBFS every second over a −40 dBFS noise bed ({@code ffmpeg -f lavfi -i "aevalsrc=exprs='0.25*sin(2*PI*1000*t)
     * *lt(mod(t\\,1)\\,0.15)+0.0173*(2*random(0)-1)':s=22050:d=10"}, then as {@link LiveFrames}). One frame arrives each
     * tick; a card plays a frame a tick and the line keeps it 8 frames ahead; for 600 ms at 2.5 s the line is
     * stalled and the card runs dry, as under a starved playout thread.
     */
    @Test
    void aStallsLatencyIsShedFromThePausesAndNoMarkerLosesASample() throws IOException {
        List<Frame> talk = talkFrames();
        long[] silent = new long[1];
        List<short[]> played = playInRealTime(talk, 106, 23, silent); // stalled from tick 106 (2.77 s, between markers) for 600 ms
        List<short[]> steady = playInRealTime(talk, -1, 0, new long[1]);

        List<Integer> onsets = markerOnsets(played);
        List<Integer> reference = markerOnsets(steady);
        assertEquals(10, reference.size(), "ten markers without a stall: " + reference);
        assertEquals(10, onsets.size(), "every marker still heard after the stall: " + onsets);
        assertEquals(markerFrames(steady), markerFrames(played), "no frame of a marker was shed");
        int before = onsets.get(1) - reference.get(1);
        int hit = onsets.get(3) - reference.get(3);
        int after = onsets.get(9) - reference.get(9);
        assertEquals(0, before, "before the stall, in step");
        assertTrue(hit >= 12, "the marker after the stall comes later by the card's ~400 ms of silence: " + hit + " frames");
        assertTrue(after <= 1, "by the last marker the surplus is shed from the pauses: " + after + " frame(s) late");
        assertTrue(silent[0] >= 12, "the card ran dry during the stall: " + silent[0]);
    }

    private static List<Frame> talkFrames() throws IOException {
        try (java.io.InputStream in = LivePcmStreamTest.class.getResourceAsStream("/live/talk-markers-1s-10s.mp3")) {
            vn.loalang.audio.live.Mp3Frames frames = vn.loalang.audio.live.Mp3Frames.reading(in);
            List<Frame> out = new ArrayList<>();
            for (java.util.Optional<Frame> f; (f = frames.next()).isPresent(); ) {
                out.add(f.get());
            }
            return out;
        }
    }

    /** What the card played, tick by tick (a frame of 576 samples at 22.05 kHz, or null for silence it had to play). */
    private static List<short[]> playInRealTime(List<Frame> talk, int stallAt, int stallTicks, long[] silentTicks)
            throws IOException {
        java.util.concurrent.atomic.AtomicLong nanos = new java.util.concurrent.atomic.AtomicLong(1_000_000_000L);
        JitterBuffer b = JitterBuffer.talk(nanos::get);
        PcmFormat channel = new PcmFormat(22_050, 1);
        LivePcmStream live = new LivePcmStream(b, channel);
        java.util.ArrayDeque<short[]> card = new java.util.ArrayDeque<>();
        List<short[]> played = new ArrayList<>();
        byte[] buf = new byte[576 * 2];
        for (int tick = 0; tick < talk.size() + 60; tick++) {
            if (tick < talk.size()) {
                b.offer(talk.get(tick));
            } else if (tick == talk.size()) {
                b.end();
            }
            boolean stalled = tick >= stallAt && tick < stallAt + stallTicks;
            while (!stalled && card.size() < 8) {
                int n = live.read(buf, 0, buf.length);
                if (n < 0) {
                    break;
                }
                short[] s = new short[n / 2];
                java.nio.ByteBuffer.wrap(buf, 0, n).order(java.nio.ByteOrder.LITTLE_ENDIAN).asShortBuffer().get(s);
                card.addLast(s);
            }
            short[] now = card.pollFirst();
            if (now == null && played.size() > 0) {
                silentTicks[0]++;
            }
            played.add(now);
            nanos.addAndGet(576 * 1_000_000_000L / 22_050);
        }
        return played;
    }

    private static boolean marker(short[] s) {
        return s != null && SpeechPauses.levelDbfs(s, s.length) > -25;
    }

    private static List<Integer> markerOnsets(List<short[]> played) {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < played.size(); i++) {
            if (marker(played.get(i)) && (i == 0 || !marker(played.get(i - 1)))) {
                out.add(i);
            }
        }
        return out;
    }

    private static long markerFrames(List<short[]> played) {
        return played.stream().filter(LivePcmStreamTest::marker).count();
    }
}
