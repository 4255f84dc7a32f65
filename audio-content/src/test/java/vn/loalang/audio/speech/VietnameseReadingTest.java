package vn.loalang.audio.speech;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The golden table {@code speech/vietnamese-reading.tsv}: each line a sentence a commune announcer would say, as
 * typed and as read. A listener's complaint becomes a new line there first.
 */
class VietnameseReadingTest {
    static final String TABLE = "/speech/vietnamese-reading.tsv";

    record Case(int line, VietnameseReading.Dialect dialect, String written, String spoken) {
    }

    static List<Case> cases() throws IOException {
        List<Case> cases = new ArrayList<>();
        try (InputStream in = VietnameseReadingTest.class.getResourceAsStream(TABLE)) {
            assertNotNull(in, TABLE + " is on the test class path");
            BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            String line;
            int number = 0;
            while ((line = lines.readLine()) != null) {
                number++;
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] columns = line.split("\t", -1);
                assertEquals(3, columns.length, TABLE + " line " + number + " has dialect, text and reading: " + line);
                VietnameseReading.Dialect dialect = switch (columns[0]) {
                    case "N" -> VietnameseReading.Dialect.NORTH;
                    case "S" -> VietnameseReading.Dialect.SOUTH;
                    default -> throw new AssertionError(TABLE + " line " + number + ": dialect N or S, not " + columns[0]);
                };
                cases.add(new Case(number, dialect, columns[1], columns[2]));
            }
        }
        return cases;
    }

    static List<Arguments> table() throws IOException {
        return cases().stream().map(c -> Arguments.of(c.line(), c.dialect(), c.written(), c.spoken())).toList();
    }

    @ParameterizedTest(name = "line {0} ({1}): {2}")
    @MethodSource("table")
    void readsAsTheAnnouncerWould(int line, VietnameseReading.Dialect dialect, String written, String spoken) {
        assertEquals(spoken, VietnameseReading.of(dialect).read(written), TABLE + " line " + line);
    }

    @Test
    void theTableIsBigEnoughToMeanSomething() throws IOException {
        List<Case> cases = cases();
        assertTrue(cases.size() >= 80, cases.size() + " cases");
        assertTrue(cases.stream().anyMatch(c -> c.dialect() == VietnameseReading.Dialect.SOUTH));
    }

    /** The issue's own example, named here so that it cannot leave the table unnoticed. */
    @Test
    void theIssuesMarketPrice() {
        VietnameseReading north = VietnameseReading.of(VietnameseReading.Dialect.NORTH);
        assertEquals("mười hai nghìn năm trăm đồng một ký", north.read("12.500 đ/kg"));
        assertEquals("mười hai nghìn năm trăm đồng một ký", north.read("12.500 đồng một ký"));
    }

    @Test
    void diacriticsTypedApartAreReadLikeComposedOnes() {
        VietnameseReading north = VietnameseReading.of(VietnameseReading.Dialect.NORTH);
        String decomposed = Normalizer.normalize("Thứ 4 giá 7.200 đồng/kg", Normalizer.Form.NFD);
        assertEquals("Thứ tư giá bảy nghìn hai trăm đồng một ký", north.read(decomposed));
    }

    /** Longer than the engine accepts: returned as it came, so that the engine refuses it with the typed length. */
    @Test
    void aTextLongerThanTheEngineTakesIsLeftAlone() {
        String tooLong = "12.500 đ/kg ".repeat(VietnameseReading.MAX_CHARACTERS / 12 + 1);
        assertSame(tooLong, VietnameseReading.of(VietnameseReading.Dialect.NORTH).read(tooLong));
    }

    /**
     * Inputs made to hurt a backtracking reader: long runs of digits and separators that almost form a date, a
     * time, a thousands group or a range. A hand-written single pass reads each in a few milliseconds; the
     * second's budget is for a slow CI machine, and a quadratic reader would need far more at 2,000 characters.
     */
    @Test
    void adversarialInputsAreReadInLinearTime() {
        int size = VietnameseReading.MAX_CHARACTERS;
        List<String> hostile = List.of(
                "1".repeat(size),
                "1.".repeat(size / 2),
                "1.00".repeat(size / 4),
                "1/1".repeat(size / 3),
                "1-".repeat(size / 2),
                "1 - ".repeat(size / 4),
                "12:3".repeat(size / 4),
                "1,".repeat(size / 2),
                "-1".repeat(size / 2),
                "gọi 1 ".repeat(size / 6),
                "thứ 1".repeat(size / 5),
                "0".repeat(size));
        VietnameseReading north = VietnameseReading.of(VietnameseReading.Dialect.NORTH);
        for (String text : hostile) {
            assertTimeoutPreemptively(Duration.ofSeconds(1), () -> {
                for (int round = 0; round < 20; round++) {
                    north.read(text);
                }
            }, () -> "reading " + text.substring(0, 12) + "… (" + text.length() + " characters) 20 times");
        }
        // The words of 2,000 digits in a row are those digits one by one, not a number nobody can say.
        assertTrue(north.read("1".repeat(size)).startsWith("một một một "));
    }
}
