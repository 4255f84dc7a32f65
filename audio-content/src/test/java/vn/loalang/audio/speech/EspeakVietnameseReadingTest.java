package vn.loalang.audio.speech;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reading reaches the real espeak-ng (never skipped: see {@link EspeakSpeechEngineTest}). espeak-ng is
 * deterministic — the same text gives the same WAV byte for byte, checked first below — so the WAV of a bulletin
 * sentence read through {@link VietnameseReading} equal to the WAV of the same sentence written out by hand proves
 * the engine speaks exactly those words, and its difference from espeak-ng's own reading of the digits proves the
 * reading changed what is heard.
 */
class EspeakVietnameseReadingTest {
    static final String BULLETIN = "Giá lúa hôm nay 7.200 đ/kg. Mực nước sông Cả 2,5 m lúc 17h ngày 6/12, "
            + "mưa 50-100 mm, gọi 114 khi cần.";
    static final String BY_HAND = "Giá lúa hôm nay bảy nghìn hai trăm đồng một ký. Mực nước sông Cả hai phẩy năm mét "
            + "lúc mười bảy giờ ngày sáu tháng mười hai, mưa từ năm mươi đến một trăm mi-li-mét, gọi một một bốn khi cần.";

    private final SpeechEngine engine = new EspeakSpeechEngine();

    @TempDir
    Path dir;

    @Test
    void theEngineSpeaksTheWordsOfTheReadingAndNotItsOwnReadingOfTheDigits() throws Exception {
        byte[] byHand = wav(BY_HAND);
        assertArrayEquals(byHand, wav(BY_HAND), "espeak-ng gives the same WAV for the same text: the basis of this test");

        String read = VietnameseReading.of(VietnameseReading.Dialect.NORTH).read(BULLETIN);
        assertEquals(BY_HAND, read);
        assertArrayEquals(byHand, wav(read), "the reading's words are what the engine speaks");

        byte[] digits = wav(BULLETIN);
        assertFalse(Arrays.equals(byHand, digits), "espeak-ng's own reading of the digits sounds different");
    }

    /** The southern voice takes the southern words the same way. */
    @Test
    void southernWordsToTheSouthernVoice() throws Exception {
        String read = VietnameseReading.of(VietnameseReading.Dialect.SOUTH).read("Sầu riêng 65.000 đ/kg");
        assertEquals("Sầu riêng sáu mươi lăm ngàn đồng một ký", read);
        assertArrayEquals(wav("Sầu riêng sáu mươi lăm ngàn đồng một ký", "vi-vn-x-south"), wav(read, "vi-vn-x-south"));
        assertFalse(Arrays.equals(wav(read, "vi-vn-x-south"), wav("Sầu riêng 65.000 đ/kg", "vi-vn-x-south")));
    }

    private byte[] wav(String text) throws Exception {
        return wav(text, "vi");
    }

    private byte[] wav(String text, String language) throws Exception {
        Path file = engine.speak(text, language, dir);
        try {
            return Files.readAllBytes(file);
        } finally {
            Files.delete(file);
        }
    }
}
