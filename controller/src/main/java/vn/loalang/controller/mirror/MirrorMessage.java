package vn.loalang.controller.mirror;

import java.net.URI;
import java.nio.file.Path;
import java.time.Instant;

/**
 * One message to send, as every channel gets it: the text is complete and in Vietnamese (made by the mirror), the
 * links point at the public "Nghe lại" pages. A channel shortens it for SMS; a chat channel may attach the audio.
 *
 * @param deliveryId the outbox row: a service that takes an idempotency key gets this one
 * @param pageUrl    where to hear it again; null when the commune has no public address
 * @param audioUrl   the public MP3; null when none is public
 * @param audioFile  the same MP3 on this machine, for channels that upload it (Telegram); null when none
 * @param ref        what the message is about: the alert id (its cancel has the same), {@code {date}/{session}},
 *                   the bulletin id, {@code test-{uuid}}
 * @param priority   EMERGENCY or WARNING for an alert and its cancel, NORMAL otherwise
 */
public record MirrorMessage(long deliveryId, Kind kind, String village, String title, String text, URI pageUrl,
                            URI audioUrl, Path audioFile, int audioSeconds, Instant expiresAt, String ref,
                            String priority) {
    /** A message without its reference (a channel's own tests). */
    public MirrorMessage(long deliveryId, Kind kind, String village, String title, String text, URI pageUrl,
                         URI audioUrl, Path audioFile, int audioSeconds, Instant expiresAt) {
        this(deliveryId, kind, village, title, text, pageUrl, audioUrl, audioFile, audioSeconds, expiresAt, null,
                "NORMAL");
    }

    /** What the message is about; alerts (and their cancels) go first and are never held by quiet hours. */
    public enum Kind {
        ALERT, CANCEL, SESSION, BULLETIN, TEST;

        public boolean urgent() {
            return this == ALERT || this == CANCEL;
        }
    }
}
