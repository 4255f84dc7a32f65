package vn.loalang.agent.live;

import vn.loalang.audio.live.Frame;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The buffer on its own, with MP3 frames of the live channel's shape (576 samples at 22.05 kHz, 26.1 ms)
 * and a hand-moved monotonic time, so priming's and drift's patience are exact.
 */
class JitterBufferTest {
    /** 576 samples at 22.05 kHz: the live channel's frame. */
    private static final long FRAME_MICROS = 576 * 1_000_000L / 22_050;

    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);

    private static Frame frame() {
        return LiveFrames.silentFrame();
    }

    private static int framesIn(Duration d) {
        return (int) (d.toNanos() / 1000 / FRAME_MICROS);
    }

    private JitterBuffer relay(Duration target) {
        return new JitterBuffer(target, Duration.ofSeconds(8), Duration.ZERO, target, nanos::get);
    }

    private JitterBuffer talk() {
        return new JitterBuffer(Duration.ofMillis(400), Duration.ofSeconds(8), Duration.ofMillis(400), Duration.ofSeconds(2),
                nanos::get);
    }

    private void advance(Duration d) {
        nanos.addAndGet(d.toNanos());
    }

    private static void offer(JitterBuffer b, int count) {
        for (int i = 0; i < count; i++) {
            b.offer(frame());
        }
    }

    @Test
    void handsOutNothingUntilTheTargetIsBufferedThenEverything() {
        JitterBuffer b = relay(Duration.ofSeconds(3));
        offer(b, framesIn(Duration.ofSeconds(3)) - 1);
        assertNull(b.poll(), "below target: priming, the line gets silence");
        assertEquals(JitterBuffer.State.PRIMING, b.stats().state());
        assertFalse(b.everPlayed());

        offer(b, 2);
        int handedOut = 0;
        while (b.poll() != null) {
            handedOut++;
        }
        assertEquals(framesIn(Duration.ofSeconds(3)) + 1, handedOut, "every frame offered plays, in order, none dropped");
        assertTrue(b.everPlayed());
        assertEquals(0, b.stats().dropped());
    }

    @Test
    void aSlowStreamPlaysWhatItHasAfterTwiceTheTarget() {
        JitterBuffer b = relay(Duration.ofSeconds(3));
        offer(b, 10);
        assertNull(b.poll());
        advance(Duration.ofMillis(5_900));
        assertNull(b.poll(), "5.9 s of priming: still waiting");
        advance(Duration.ofMillis(100));
        assertNotNull(b.poll(), "6 s = twice the target: plays what it has");
    }

    @Test
    void theFirstFillIsTrimmedToTheLiveEdgeButAFillJustAboveTheTargetIsNot() {
        JitterBuffer burst = relay(Duration.ofSeconds(3));
        java.util.List<Frame> tone = LiveFrames.all();
        int burstFrames = framesIn(Duration.ofSeconds(5));
        tone.subList(0, burstFrames).forEach(burst::offer); // a server's burst-on-connect: 5 s at once
        Duration level = burst.stats().level();
        assertTrue(level.compareTo(Duration.ofSeconds(3)) >= 0 && level.toMillis() < 3000 + FRAME_MICROS / 1000 + 1,
                "trimmed to the 3 s target, was " + level);
        assertEquals(framesIn(Duration.ofSeconds(5)) - (framesIn(Duration.ofSeconds(3)) + 1), burst.stats().dropped(),
                "the oldest frames dropped, the newest 3 s kept");
        assertSame(tone.get(burstFrames - (framesIn(Duration.ofSeconds(3)) + 1)), burst.poll(), "plays from the live edge");

        JitterBuffer calm = relay(Duration.ofSeconds(3));
        offer(calm, framesIn(Duration.ofMillis(3_900)));
        assertEquals(0, calm.stats().dropped(), "within target + 1 s nothing is dropped");
    }

    @Test
    void aReconnectionsBurstIsTrimmedAgainButOrdinaryGrowthOnlyAboveTheMaximum() {
        JitterBuffer b = relay(Duration.ofSeconds(3));
        offer(b, framesIn(Duration.ofSeconds(3)) + 1);
        assertNotNull(b.poll());
        advance(Duration.ofSeconds(5)); // past the first fill
        offer(b, framesIn(Duration.ofSeconds(4))); // the line stalls while frames keep coming: 7 s, below max
        assertEquals(0, b.stats().dropped(), "after the first fill, only the maximum trims");
        Duration highest = Duration.ZERO;
        while (b.stats().dropped() == 0) {
            highest = b.stats().level();
            b.offer(frame());
        }
        assertTrue(highest.compareTo(Duration.ofSeconds(8)) <= 0 && highest.toMillis() > 7_900, "kept up to 8 s: " + highest);
        assertTrue(b.stats().level().compareTo(Duration.ofMillis(3_100)) < 0, "above 8 s: back to the target, "
                + b.stats().level());

        JitterBuffer r = relay(Duration.ofSeconds(3));
        offer(r, framesIn(Duration.ofSeconds(3)));
        advance(Duration.ofSeconds(5));
        r.reconnected();
        long droppedBefore = r.stats().dropped();
        offer(r, framesIn(Duration.ofMillis(1_500))); // 4.5 s: a new burst on top
        assertTrue(r.stats().dropped() > droppedBefore, "a new connection's burst is trimmed to the edge");
    }

    @Test
    void anUnderrunCountsAndPrimesAgainAndATalksTargetRisesByStepsUpToTwoSeconds() {
        JitterBuffer b = talk();
        for (int round = 1; round <= 6; round++) {
            Duration target = b.stats().target();
            offer(b, framesIn(target) + 1);
            while (b.poll() != null) {
                // plays out
            }
            assertEquals(round, b.stats().underruns());
            assertEquals(JitterBuffer.State.PRIMING, b.stats().state());
        }
        assertEquals(Duration.ofSeconds(2), b.stats().target(), "0.4 s + 0.4 s per underrun, at most 2 s");
        offer(b, 3);
        assertNull(b.poll(), "priming again after the underrun: silence, not a stutter of single frames");
    }

    @Test
    void aRelaysTargetDoesNotMoveOnUnderruns() {
        JitterBuffer b = relay(Duration.ofSeconds(3));
        offer(b, framesIn(Duration.ofSeconds(3)) + 1);
        while (b.poll() != null) {
            // plays out
        }
        assertEquals(1, b.stats().underruns());
        assertEquals(Duration.ofSeconds(3), b.stats().target());
    }

    @Test
    void aLevelAboveTheEdgeForThirtySecondsDropsOneFrameInAHundred() {
        JitterBuffer b = relay(Duration.ofSeconds(1));
        offer(b, framesIn(Duration.ofSeconds(1)) + 1);
        assertNotNull(b.poll());
        advance(Duration.ofSeconds(3)); // past the first fill: what comes now is growth, not a burst
        offer(b, framesIn(Duration.ofMillis(1_600))); // now ~2.6 s: above target + 1 s, below max
        long before = b.stats().dropped();
        for (int i = 0; i < 200; i++) { // the first 30 s: patience
            b.offer(frame());
            assertNotNull(b.poll());
            advance(Duration.ofNanos(FRAME_MICROS * 1000));
        }
        assertEquals(before, b.stats().dropped(), "no drift drop within 30 s");
        advance(Duration.ofSeconds(25));
        for (int i = 0; i < 300; i++) {
            b.offer(frame());
            assertNotNull(b.poll());
        }
        assertEquals(before + 3, b.stats().dropped(), "one frame in 100 polls");
    }

    @Test
    void afterTheEndWhatIsBufferedPlaysOutWithoutPrimingThenItIsDrained() {
        JitterBuffer b = relay(Duration.ofSeconds(3));
        offer(b, 5);
        b.end();
        offer(b, 5);
        int n = 0;
        while (b.poll() != null) {
            n++;
        }
        assertEquals(5, n, "the tail below the target plays; frames after the end are ignored");
        assertTrue(b.drained());
        assertEquals(0, b.stats().underruns(), "the end is no underrun");
    }
}
