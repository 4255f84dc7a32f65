package vn.loalang.controller.report;

import java.time.Instant;
import java.util.List;

/**
 * How far one alert went: its loudspeakers, its listens on "Nghe lại", its chat and SMS messages. Counts, never
 * people (decision 0044).
 *
 * @param loudspeakers          the stations it was sent to (alert_delivery rows)
 * @param loudspeakersCompleted those that reported playing it through (COMPLETED)
 * @param listens               plays of its audio from the start, any source and day (listen_count LISTEN, session
 *                              {@code alert})
 * @param chatMessages          its messages a chat channel took (mirror_outbox kind ALERT, SENT or DELIVERED);
 *                              the cancellation's messages are not counted
 * @param chatMembers           the members of those chat groups, where known
 * @param smsSent               its SMS a gateway took
 * @param smsDelivered          those a delivery receipt confirmed
 */
public record AlertReach(String alertId, Instant issuedAt, String priority, String title, String state,
                         List<String> villages, int loudspeakers, int loudspeakersCompleted, long listens,
                         long chatMessages, long chatMembers, long smsSent, long smsDelivered) {
    public AlertReach {
        villages = List.copyOf(villages);
    }
}
