package vn.loalang.protocol;

/** A payload that is not the JSON it should be, or breaks a rule of its record. */
public final class MalformedMessageException extends Exception {
    public MalformedMessageException(String message) {
        super(message);
    }

    public MalformedMessageException(String message, Throwable cause) {
        super(message, cause);
    }
}
