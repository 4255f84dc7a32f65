package vn.loalang.controller.mirror;

import java.util.OptionalInt;

/**
 * One outside service that carries messages to people (decision 0042). One real implementation per service in
 * {@code mirror.channel}, each made from a {@link ChannelConfig}; tests point its {@code apiBase} at a local server
 * that answers as the service documents. A channel only sends: it never writes the store and never retries on its
 * own (the outbox does, with back-off), and each call is bounded by its HTTP client's timeouts.
 */
public interface Channel {
    ChannelKind kind();

    /** One attempt to send {@code message} to {@code target}. Never throws for an answer the service gave. */
    Outcome send(MirrorMessage message, MirrorTarget target);

    /** Whether a message the service accepted reached the phone, for services that report it. */
    default Receipt receipt(String remoteId) {
        return Receipt.NOT_TRACKED;
    }

    /** How many people the target reaches (a group's members), when the service says. */
    default OptionalInt members(MirrorTarget target) {
        return OptionalInt.empty();
    }

    /** A delivery report, for the SMS gateway that gives them. */
    enum Receipt { WAITING, DELIVERED, FAILED, NOT_TRACKED }
}
