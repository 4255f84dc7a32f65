package vn.loalang.controller.link;

/**
 * The broker did not take a message now: not connected, or it did not acknowledge. What the
 * controller publishes is either sent again after the next connect (schedules, alerts, health) or
 * asked for again by the station (receipts), so the caller logs and goes on.
 */
public final class PublishException extends Exception {
    public PublishException(String topic, Throwable cause) {
        super("the broker did not take the message on " + topic + ": " + cause.getMessage(), cause);
    }
}
