package vn.loalang.audio.speech;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.Locale;
import java.util.Map;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Chars;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.StringLength;

/**
 * Every whole number from 0 to 10^12 (a thousand tỷ: more than any price, budget or flow read on air) in words that
 * hold no digit, and from which a listener — here a strict parser written only for this test — gets the number back.
 */
class VietnameseNumbersPropertyTest {
    private static final long TRILLION = 1_000_000_000_000L;

    @Property(tries = 2000)
    void northernWordsGiveTheNumberBack(@ForAll @LongRange(min = 0, max = TRILLION) long n) {
        roundTrip(n, VietnameseReading.Dialect.NORTH);
    }

    @Property(tries = 1000)
    void southernWordsGiveTheNumberBack(@ForAll @LongRange(min = 0, max = TRILLION) long n) {
        roundTrip(n, VietnameseReading.Dialect.SOUTH);
    }

    /** Written with thousands dots in a sentence, as an officer types it, the reading says the same words. */
    @Property(tries = 1000)
    void aNumberWithThousandsDotsInASentenceReadsTheSame(@ForAll @LongRange(min = 0, max = TRILLION) long n) {
        VietnameseReading reading = VietnameseReading.of(VietnameseReading.Dialect.NORTH);
        String dotted = String.format(Locale.ROOT, "%,d", n).replace(',', '.');
        assertEquals("có " + reading.numbers().integer(n) + " hộ", reading.read("có " + dotted + " hộ"));
    }

    /** Any mix of digits, separators, units and the words the reader looks for: read without an exception. */
    @Property(tries = 3000)
    void anyTextIsReadWithoutFailing(@ForAll @StringLength(max = 80)
            @Chars({'0', '1', '2', '4', '5', '9', '.', ',', ':', '/', '-', '–', ' ', 'h', 'g', 'k', 'm', '%', '°', 'C',
                    'đ', 'N', 't', 'h', 'ứ', 'á', 'n'}) String text) {
        for (VietnameseReading.Dialect dialect : VietnameseReading.Dialect.values()) {
            String words = VietnameseReading.of(dialect).read(text);
            assertFalse(words.isEmpty() && !text.isEmpty(), "'" + text + "' read as nothing");
        }
    }

    @Example
    void theParserItselfKnowsTheHardCases() {
        assertEquals(1_005L, parse("một nghìn không trăm linh năm"));
        assertEquals(25L, parse("hai mươi lăm"));
        assertEquals(1_000_000_000_000L, parse("một nghìn tỷ"));
        assertEquals(2_000_005_000_021L, parse("hai nghìn tỷ không trăm linh năm triệu không trăm hai mươi mốt"));
    }

    private static void roundTrip(long n, VietnameseReading.Dialect dialect) {
        String words = VietnameseNumbers.of(dialect).integer(n);
        assertFalse(words.chars().anyMatch(Character::isDigit), words);
        assertEquals(n, parse(words), words);
    }

    private static final Map<String, Integer> DIGITS = Map.ofEntries(Map.entry("không", 0), Map.entry("một", 1),
            Map.entry("mốt", 1), Map.entry("hai", 2), Map.entry("ba", 3), Map.entry("bốn", 4), Map.entry("tư", 4),
            Map.entry("năm", 5), Map.entry("lăm", 5), Map.entry("sáu", 6), Map.entry("bảy", 7), Map.entry("tám", 8),
            Map.entry("chín", 9));

    /**
     * Words back to a number, strictly: "mốt", "tư" and "lăm" only right after "mươi"/"mười" as the ones, "linh"/"lẻ"
     * only after "trăm", and a group multiplier only after a group. Any other order fails the property.
     */
    static long parse(String words) {
        long total = 0; // everything up to the last "tỷ", already multiplied
        long part = 0; // below a tỷ: millions and thousands already multiplied
        long group = 0; // the group of three being read
        Integer digit = null;
        String previous = "";
        for (String word : words.split(" ")) {
            switch (word) {
                case "trăm" -> {
                    group += 100L * require(digit, word);
                    digit = null;
                }
                case "mười" -> group += 10;
                case "mươi" -> {
                    group += 10L * require(digit, word);
                    digit = null;
                }
                case "linh", "lẻ" -> {
                    if (!previous.equals("trăm")) {
                        throw new IllegalArgumentException("'" + word + "' after '" + previous + "'");
                    }
                }
                case "nghìn", "ngàn", "triệu" -> {
                    group += digit == null ? 0 : digit;
                    digit = null;
                    part += group * (word.equals("triệu") ? 1_000_000L : 1_000L);
                    group = 0;
                }
                case "tỷ" -> {
                    group += digit == null ? 0 : digit;
                    digit = null;
                    total = (total + part + group) * 1_000_000_000L;
                    part = 0;
                    group = 0;
                }
                default -> {
                    Integer value = DIGITS.get(word);
                    if (value == null || digit != null) {
                        throw new IllegalArgumentException("'" + word + "' where a digit cannot be: " + words);
                    }
                    boolean onesOnly = word.equals("mốt") || word.equals("tư") || word.equals("lăm");
                    if (onesOnly && !(previous.equals("mươi") || (word.equals("lăm") && previous.equals("mười")))) {
                        throw new IllegalArgumentException("'" + word + "' after '" + previous + "': " + words);
                    }
                    digit = value;
                }
            }
            previous = word;
        }
        return total + part + group + (digit == null ? 0 : digit);
    }

    private static int require(Integer digit, String word) {
        if (digit == null) {
            throw new IllegalArgumentException("'" + word + "' without a digit before it");
        }
        return digit;
    }
}
