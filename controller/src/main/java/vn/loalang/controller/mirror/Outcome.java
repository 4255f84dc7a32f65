package vn.loalang.controller.mirror;

import java.time.Duration;

/**
 * What one attempt to send came to, as the service said it. Every answer a service documents maps to one of these;
 * anything else (a garbage body, a timeout) is a {@link Retry}. Reasons are sentences a communication officer
 * understands, Vietnamese first where they are shown in the console.
 */
public sealed interface Outcome {
    /** Accepted by the service; {@code remoteId} is its message id (for receipts), or null. */
    record Sent(String remoteId) implements Outcome {
    }

    /**
     * Try again after {@code after}. {@code wholeChannel}: the service limits the account, not this target (a rate
     * limit), so the channel pauses every message until then.
     */
    record Retry(Duration after, String reason, boolean wholeChannel) implements Outcome {
    }

    /** This target cannot be reached any more (the bot was removed, the number is blocked): no retry. */
    record TargetGone(String reason) implements Outcome {
    }

    /** The channel needs a person (bad token, no balance, brandname not registered): it stops until fixed. */
    record ChannelDown(String reason) implements Outcome {
    }

    /** The target moved (a Telegram group became a supergroup): update it and send again at once. */
    record Moved(String newAddress) implements Outcome {
    }

    /** Refused for this message only (too long, malformed): no retry, the channel carries on. */
    record Refused(String reason) implements Outcome {
    }
}
