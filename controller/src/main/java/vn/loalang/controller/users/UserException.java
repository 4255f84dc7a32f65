package vn.loalang.controller.users;

/** A change to the users that cannot be made, with the field at fault (null when not about one field). */
public final class UserException extends RuntimeException {
    public enum Kind { INVALID, CONFLICT, NOT_FOUND }

    private final Kind kind;
    private final String field;

    public UserException(Kind kind, String field, String message) {
        super(message);
        this.kind = kind;
        this.field = field;
    }

    public Kind kind() {
        return kind;
    }

    public String field() {
        return field;
    }
}
