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

    /**
     * A talk in real time, frame by frame: frames arrive in bursts of 4 (the uplink's 100 ms pieces), a card
     * plays one frame a tick and the line keeps it 8 frames (200 ms) ahead, taking from the buffer. A
     * stalled line takes nothing (the card runs dry, as under a starved playout thread); a frame taken
     * while the buffer has a surplus is shed, as {@link LivePcmStream} sheds a pause.
     */
    private final class RealTime {
        final JitterBuffer buffer;
        int card;
        long tick;
        long shedByLine;
        boolean surplusSeen;

        RealTime(JitterBuffer buffer) {
            this.buffer = buffer;
        }

        void run(Duration d, boolean lineStalled) {
            for (int i = 0; i < framesIn(d); i++) {
                if (tick++ % 4 == 0) {
                    offer(buffer, 4);
                }
                if (card > 0) {
                    card--;
                }
                while (!lineStalled && card < 8) {
                    Frame f = buffer.poll();
                    if (f == null) {
                        break;
                    }
                    if (buffer.hasSurplus()) {
                        surplusSeen = true;
                        buffer.shedFrame(f);
                        shedByLine++;
                        continue;
                    }
                    card++;
                }
                advance(Duration.ofNanos(FRAME_MICROS * 1000));
            }
        }
    }

    @Test
    void aTalkInStepHasNoSurplusToShed() {
        RealTime t = new RealTime(JitterBuffer.talk(nanos::get));
        t.run(Duration.ofSeconds(20), false);
        assertFalse(t.surplusSeen, "arrivals in 100 ms bursts are jitter, not surplus: " + t.buffer.stats());
        assertEquals(0, t.buffer.stats().shed());
        assertEquals(0, t.buffer.stats().underruns());
    }

    @Test
    void aStalledLineLeavesASurplusWhichIsShedBackToTheCushion() {
        RealTime t = new RealTime(JitterBuffer.talk(nanos::get));
        t.run(Duration.ofSeconds(3), false);
        Duration before = t.buffer.stats().level();
        t.run(Duration.ofMillis(600), true);
        t.run(Duration.ofMillis(100), false);
        assertTrue(t.buffer.stats().level().minus(before).toMillis() >= 300,
                "the stall's 600 ms, less the card's 200 ms, wait in the buffer: " + before + " then " + t.buffer.stats().level());
        t.run(Duration.ofSeconds(4), false);
        assertTrue(t.surplusSeen);
        long shedMillis = t.shedByLine * FRAME_MICROS / 1000;
        assertTrue(shedMillis >= 300 && shedMillis <= 500, "about the card's 400 ms of silence shed: " + shedMillis + " ms");
        assertEquals(t.shedByLine, t.buffer.stats().shed());
        assertTrue(t.buffer.stats().level().minus(before).abs().toMillis() <= 110,
                "back to the level before the stall (within a burst): " + before + " now " + t.buffer.stats().level());
        assertFalse(t.buffer.hasSurplus());
    }

    @Test
    void aRelayKeepsEveryFrameAfterAStall() {
        RealTime t = new RealTime(relay(Duration.ofSeconds(1)));
        t.run(Duration.ofSeconds(3), false);
        t.run(Duration.ofMillis(600), true);
        t.run(Duration.ofSeconds(5), false);
        assertFalse(t.surplusSeen, "music has no pauses to shorten");
        assertEquals(0, t.buffer.stats().shed());
    }

    @Test
    void aRaisedTalkTargetFallsBackAStepAfterTenSecondsWithoutAnUnderrun() {
        JitterBuffer b = JitterBuffer.talk(nanos::get);
        offer(b, framesIn(Duration.ofMillis(400)) + 1);
        while (b.poll() != null) {
            // plays out: an underrun
        }
        assertEquals(Duration.ofMillis(800), b.stats().target());
        RealTime t = new RealTime(b);
        t.run(Duration.ofSeconds(9), false);
        assertEquals(Duration.ofMillis(800), b.stats().target(), "within 10 s the raised target holds");
        t.run(Duration.ofSeconds(2), false);
        assertEquals(Duration.ofMillis(400), b.stats().target(), "10 s without an underrun: back a step");
        t.run(Duration.ofSeconds(3), false);
        long shedMillis = t.shedByLine * FRAME_MICROS / 1000;
        assertTrue(shedMillis >= 300 && shedMillis <= 500, "the step's 400 ms shed from pauses: " + shedMillis + " ms");
    }

    @Test
    void aTalksBacklogOnConnectIsTrimmedToTheTargetWhereARelaysWouldBeKept() {
        JitterBuffer talk = JitterBuffer.talk(nanos::get);
        offer(talk, framesIn(Duration.ofMillis(1_100))); // a station that connected 1.1 s into the talk
        assertTrue(talk.stats().level().toMillis() <= 420, "down to the 0.4 s target: " + talk.stats());
        JitterBuffer relay = relay(Duration.ofMillis(400));
        offer(relay, framesIn(Duration.ofMillis(1_100)));
        assertTrue(relay.stats().level().toMillis() >= 1_000, "within target + 1 s a relay keeps it: " + relay.stats());
    }
}
