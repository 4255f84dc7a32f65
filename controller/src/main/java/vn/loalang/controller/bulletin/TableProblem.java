package vn.loalang.controller.bulletin;

/**
 * What is wrong with one line of a price table, for the officer who typed it.
 *
 * @param line    the line of the file (1 is the header of a CSV); 0 when the problem is the whole file
 * @param message Vietnamese first, then English after a slash
 */
public record TableProblem(int line, String message) {
    /** As shown in the console and in the API's {@code problems}: "Dòng 4 / line 4: …". */
    public String text() {
        return line == 0 ? message : "Dòng " + line + " / line " + line + ": " + message;
    }
}
