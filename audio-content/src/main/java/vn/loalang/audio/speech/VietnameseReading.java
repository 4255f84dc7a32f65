package vn.loalang.audio.speech;

/**
 * Writes numbers, units, money, dates and times out in Vietnamese words before a text reaches the speech engine,
 * the way a commune announcer reads them ("12.500 đ/kg" → "mười hai nghìn năm trăm đồng một ký"): espeak-ng reads
 * "đ/kg" as letters and dates digit group by digit group. Anything it does not recognise is left as written.
 * Decision 0043. (Issue 19 step 0: the rules land with WP5; until then the text is passed through.)
 */
public final class VietnameseReading {
    /** Northern or southern usage: nghìn or ngàn, linh or lẻ. */
    public enum Dialect { NORTH, SOUTH }

    private final Dialect dialect;

    private VietnameseReading(Dialect dialect) {
        this.dialect = dialect;
    }

    public static VietnameseReading of(Dialect dialect) {
        return new VietnameseReading(dialect);
    }

    public Dialect dialect() {
        return dialect;
    }

    /** {@code text} with every number, unit, date and time it recognises written out in words. */
    public String read(String text) {
        return text;
    }
}
