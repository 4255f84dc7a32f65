package vn.loalang.controller.mirror;

/** The outside services a message can be mirrored to. */
public enum ChannelKind {
    /** A Telegram bot posting into the village's group (Bot API). */
    TELEGRAM,
    /** A Zalo Official Account posting into the village's group chat (OA API v3, group messages). */
    ZALO,
    /** SMS through eSMS.vn's HTTP API, with the commune's brandname. */
    ESMS,
    /** SMS through an Android phone with a SIM at the commune office (SMS Gateway for Android, local server). */
    ANDROID_SMS,
    /** A plain HTTPS POST, signed with HMAC, for anything else (docs/mirror-webhook.md). */
    WEBHOOK;

    /** True for the channels whose messages are SMS: short, paid per segment, to phone numbers. */
    public boolean sms() {
        return this == ESMS || this == ANDROID_SMS;
    }
}
