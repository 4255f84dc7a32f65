/**
 * Issue 19, the chat and SMS mirror: every alert, and each session's summary, also goes to the villages' chat groups
 * and phones (Zalo, Telegram, SMS, a webhook), through a store-backed outbox that retries with back-off and never
 * stands in the loudspeakers' way. The outside services themselves are {@link vn.loalang.controller.mirror.Channel}s
 * in {@code mirror.channel}. Decision 0042.
 */
package vn.loalang.controller.mirror;
