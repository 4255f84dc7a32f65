package vn.loalang.controller.report;

/**
 * Text cells of the CSV files the controller serves. A spreadsheet runs a cell that starts with
 * {@code = + - @} (or a tab or carriage return, which some strip before looking) as a formula, and a
 * session name, a village or a station id is typed by someone who may not be friendly: such a cell
 * gets a leading single quote (OWASP's advice for CSV injection), so it shows as the text it is.
 * Numbers the controller formats itself (a negative signal level) are written as numbers, not here.
 */
public final class Csv {
    private Csv() {
    }

    /** {@code value} as one CSV cell: neutralised, then quoted when it holds a comma, a quote or a line break. */
    public static String text(String value) {
        if (value == null) {
            return "";
        }
        String s = value;
        if (!s.isEmpty() && "=+-@\t\r".indexOf(s.charAt(0)) >= 0) {
            s = "'" + s;
        }
        if (s.contains(",") || s.contains("\"") || s.contains("\n") || s.contains("\r")) {
            return '"' + s.replace("\"", "\"\"") + '"';
        }
        return s;
    }
}
