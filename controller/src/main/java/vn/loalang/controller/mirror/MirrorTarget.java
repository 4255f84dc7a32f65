package vn.loalang.controller.mirror;

/**
 * Where one message goes on one channel: a chat id, a Zalo group id, an E.164 phone number, a webhook URL.
 * {@code label} is what the operator called it ("Nhóm Zalo thôn Đông"); phone numbers are shown masked.
 */
public record MirrorTarget(String id, String channelId, String village, String address, String label) {
}
