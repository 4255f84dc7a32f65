package vn.loalang.agent.live;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Frames of 576 samples: a noise bed at −40 dBFS, speech-like tone at −15 dBFS, digital silence. */
class SpeechPausesTest {
    private final Random random = new Random(3);

    private short[] noise(double dbfs) {
        double peak = Math.pow(10, dbfs / 20) * Math.sqrt(3) * 32768;
        short[] s = new short[576];
        for (int i = 0; i < s.length; i++) {
            s[i] = (short) (peak * (2 * random.nextDouble() - 1));
        }
        return s;
    }

    private static short[] tone(double dbfs) {
        double amplitude = Math.pow(10, dbfs / 20) * Math.sqrt(2) * 32768;
        short[] s = new short[576];
        for (int i = 0; i < s.length; i++) {
            s[i] = (short) (amplitude * Math.sin(2 * Math.PI * 1000 * i / 22_050.0));
        }
        return s;
    }

    private static boolean pause(SpeechPauses p, short[] frame) {
        return p.isPause(frame, frame.length);
    }

    @Test
    void theRoomBetweenWordsIsAPauseAndAWordIsNot() {
        SpeechPauses p = new SpeechPauses();
        for (int i = 0; i < 40; i++) {
            pause(p, noise(-40));
        }
        assertTrue(pause(p, noise(-40)), "the room's noise");
        assertTrue(pause(p, noise(-37)), "within 6 dB of the floor");
        assertFalse(pause(p, tone(-15)), "a word");
        assertFalse(pause(p, noise(-30)), "10 dB over the room");
    }

    @Test
    void digitalSilenceBeforeTheFirstWordDoesNotHoldTheFloorDown() {
        SpeechPauses p = new SpeechPauses();
        for (int i = 0; i < 200; i++) {
            assertTrue(pause(p, new short[576]), "digital silence is a pause");
        }
        pause(p, noise(-40));
        assertTrue(pause(p, noise(-40)), "the room, right after the silence, is a pause");
    }

    @Test
    void aLouderRoomRaisesTheFloorWithinSecondsButTwoSecondsOfSpeechDoNot() {
        SpeechPauses p = new SpeechPauses();
        for (int i = 0; i < 76; i++) {
            pause(p, noise(-40));
        }
        for (int i = 0; i < 76; i++) {
            assertFalse(pause(p, tone(-15)), "two seconds of speech stay speech");
        }
        for (int i = 0; i < 38 * 6; i++) {
            pause(p, noise(-25));
        }
        assertTrue(pause(p, noise(-25)), "six seconds later the louder room is the floor");
        assertFalse(pause(p, tone(-10)), "and speech above it is still speech");
    }
}
