package vn.loalang.protocol;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class LogTextTest {
    @Test
    void lineBreaksEscapesAndDirectionOverridesBecomeQuestionMarks() {
        assertEquals("a?INFO forged?[31m?x", LogText.of("a\nINFO forged\u001b[31m\u202ex"));
        assertEquals("tab?cr?nel?ls?", LogText.of("tab\tcr\rnel\u0085ls\u2028"));
    }

    @Test
    void vietnameseAndOtherPrintableTextStaysAsTyped() {
        assertEquals("Trưởng thôn Đông 🚨", LogText.of("Trưởng thôn Đông 🚨"));
        assertEquals("(none)", LogText.of(null));
    }

    @Test
    void theLengthIsBoundedInCharactersNeverCuttingOneInHalf() {
        assertEquals("x".repeat(LogText.MAX) + "…", LogText.of("x".repeat(100_000)));
        assertEquals("🚨".repeat(3) + "…", LogText.of("🚨".repeat(10), 3));
    }
}
