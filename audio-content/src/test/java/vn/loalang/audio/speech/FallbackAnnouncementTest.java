package vn.loalang.audio.speech;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static vn.loalang.audio.speech.EspeakSpeechEngineTest.assertSpeech;
import static vn.loalang.audio.speech.EspeakSpeechEngineTest.seconds;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vn.loalang.audio.AudioDecoder;
import vn.loalang.audio.Pcm;

/**
 * The station's built-in fallback, station-agent/src/main/resources/alert/fallback-vi.mp3, is made
 * by make-fallback.sh next to it with espeak-ng directly. Its words, spoken here by
 * {@link EspeakSpeechEngine}, must still come out as speech in both voices and as long as the
 * committed clip: when the engine's pace changes, the clip no longer sounds like the alerts
 * spoken at the commune office and must be made again.
 */
class FallbackAnnouncementTest {

    /** The two texts of make-fallback.sh. */
    static final String VIETNAMESE = "Thông báo khẩn cấp. Xin bà con chú ý nghe loa và làm theo hướng dẫn của chính quyền địa phương.";
    static final String ENGLISH = "Emergency announcement: please listen and follow the local authorities' instructions.";
    /** The silence make-fallback.sh puts between them. */
    static final double PAUSE_SECONDS = 0.8;
    /** What AudioProbe reads from the committed fallback-vi.mp3 (espeak-ng 1.51, lame 3.100, gapless trim). */
    static final double CLIP_SECONDS = 15.164;

    private final SpeechEngine engine = new EspeakSpeechEngine();

    @TempDir
    Path dir;

    @Test
    void fallbackWordsAreSpokenInBothVoicesAndAsLongAsTheCommittedClip() throws Exception {
        Pcm vietnamese = AudioDecoder.decodeAll(engine.speak(VIETNAMESE, "vi", dir));
        Pcm english = AudioDecoder.decodeAll(engine.speak(ENGLISH, "en", dir));
        assertSpeech(vietnamese);
        assertSpeech(english);

        double spoken = seconds(vietnamese.duration()) + PAUSE_SECONDS + seconds(english.duration());
        assertEquals(CLIP_SECONDS, spoken, 0.03 * CLIP_SECONDS,
                "the engine no longer speaks like fallback-vi.mp3: run station-agent/src/main/resources/alert/make-fallback.sh"
                        + " and update CLIP_SECONDS");
    }
}
