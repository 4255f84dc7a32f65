package vn.loalang.protocol.signing;

import java.time.Instant;
import java.util.Optional;

/** A message a station must not act on, with the reason code and a sentence for the technician. */
public final class RejectedMessageException extends Exception {
    private final RejectReason reason;
    private final transient Instant signedIssuedAt;

    public RejectedMessageException(RejectReason reason, String message) {
        super(message);
        this.reason = reason;
        this.signedIssuedAt = null;
    }

    public RejectedMessageException(RejectReason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
        this.signedIssuedAt = null;
    }

    /** A refusal of a message whose signature was good, so its {@code issuedAt} is the signer's own. */
    public RejectedMessageException(RejectReason reason, String message, Instant signedIssuedAt) {
        super(message);
        this.reason = reason;
        this.signedIssuedAt = signedIssuedAt;
    }

    public RejectReason reason() {
        return reason;
    }

    /**
     * The signer's clock at signing, when the refusal came after the signature was verified (EXPIRED,
     * NOT_YET_VALID): a station learns the controller's time even from messages its own clock makes it refuse.
     */
    public Optional<Instant> signedIssuedAt() {
        return Optional.ofNullable(signedIssuedAt);
    }
}
