package vn.loalang.controller.change;

import java.util.List;

/**
 * A change asked of the controller (a user, a village, a program, a library file) that cannot be
 * made, with the field at fault (null when not about one field) and, for a program, every problem
 * found. Nothing of the change is kept.
 */
public class ChangeException extends RuntimeException {
    public enum Kind {
        /** The request itself is wrong: a missing or malformed value. */
        INVALID,
        /** What it names does not exist. */
        NOT_FOUND,
        /** It clashes with what exists: an id taken, a village that still has stations. */
        CONFLICT,
        /** Well formed, but refused on its merits: a file that does not decode, a program that overlaps. */
        REFUSED,
        /** Kept in the store, but what must follow outside it could not be done yet (the broker's files). */
        UNAVAILABLE,
        /** No room: the server's disk is full, or the library would pass its quota (507 Insufficient Storage). */
        NO_SPACE
    }

    private final Kind kind;
    private final String field;
    private final List<String> problems;

    public ChangeException(Kind kind, String field, String message) {
        this(kind, field, message, List.of());
    }

    public ChangeException(Kind kind, String field, String message, List<String> problems) {
        super(message);
        this.kind = kind;
        this.field = field;
        this.problems = List.copyOf(problems);
    }

    public Kind kind() {
        return kind;
    }

    public String field() {
        return field;
    }

    public List<String> problems() {
        return problems;
    }
}
