package vn.loalang.agent.content;

/** Content that could not be brought into the cache; {@code reason} is the code reported to the controller. */
public final class ContentFetchException extends Exception {
    private final String reason;

    public ContentFetchException(String reason, String message) {
        super(message);
        this.reason = reason;
    }

    public ContentFetchException(String reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public String reason() {
        return reason;
    }
}
