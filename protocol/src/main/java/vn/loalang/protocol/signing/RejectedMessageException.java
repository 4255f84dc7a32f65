package vn.loalang.protocol.signing;

/** A message a station must not act on, with the reason code and a sentence for the technician. */
public final class RejectedMessageException extends Exception {
    private final RejectReason reason;

    public RejectedMessageException(RejectReason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public RejectedMessageException(RejectReason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public RejectReason reason() {
        return reason;
    }
}
