package vn.loalang.controller.report;

/**
 * How far one session went in one village, besides the loudspeakers: counts of listens, feed fetches and messages,
 * never people (decision 0044). A number nobody reported is 0.
 *
 * @param loudspeakersPlanned the village's stations the session was planned on
 * @param loudspeakersPlayed  those that reported every item played
 * @param pageListens         plays from the start of the session's items on "Nghe lại", from the page or from a link
 *                            in a chat or SMS message (listen_count LISTEN, sources page, zalo, telegram, sms,
 *                            webhook, other), on any day since; one per client, item and day
 * @param feedDownloads       the same through a podcast app (listen_count LISTEN, source feed)
 * @param feedFetches         the village's feeds fetched on the session's day (listen_count FEED), one per client and
 *                            day: the same number on each session of that day
 * @param chatMessages        the session's summary and bulletin messages a chat channel (Telegram, Zalo, webhook)
 *                            took (mirror_outbox SENT or DELIVERED)
 * @param chatMembers         the members of the chat groups those messages went to, each group once, as counted
 *                            (Telegram) or typed by the operator (Zalo) when the message went; unknown adds nothing
 * @param smsSent             the session's SMS an SMS gateway took (SENT or DELIVERED)
 * @param smsDelivered        those a delivery receipt confirmed (DELIVERED)
 */
public record Reach(int loudspeakersPlanned, int loudspeakersPlayed, long pageListens, long feedDownloads,
                    long feedFetches, long chatMessages, long chatMembers, long smsSent, long smsDelivered) {
    /** The CSV's columns for these numbers, in the record's order. */
    static final String CSV_HEADER = "loudspeakers_planned,loudspeakers_played,page_listens,feed_downloads,feed_fetches,"
            + "chat_messages,chat_members,sms_sent,sms_delivered";

    void csvCells(StringBuilder sb) {
        sb.append(loudspeakersPlanned).append(',').append(loudspeakersPlayed).append(',').append(pageListens)
                .append(',').append(feedDownloads).append(',').append(feedFetches).append(',').append(chatMessages)
                .append(',').append(chatMembers).append(',').append(smsSent).append(',').append(smsDelivered);
    }
}
