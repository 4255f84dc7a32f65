package vn.loalang.agent.content;

import vn.loalang.protocol.station.EventReason;

/** Content that could not be brought into the cache; {@code reason} is the code reported to the controller. */
public final class ContentFetchException extends Exception {
    private final EventReason reason;

    public ContentFetchException(EventReason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public ContentFetchException(EventReason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public EventReason reason() {
        return reason;
    }
}
