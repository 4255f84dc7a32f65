package vn.loalang.controller.report;

import java.time.LocalDate;

/**
 * One session in one village: how many of its stations played every planned item, and how many
 * items were played out of those planned (summed over the village's stations).
 *
 * @param reached             at least one loudspeaker of the village played the whole session
 * @param relaySecondsPlanned the relay slots of the session, summed over the village's stations (their maxima)
 * @param relaySecondsPlayed  how much of them the stations reported heard ({@code playedMillis}, issue 17)
 * @param latePlays           items played after their time (a missed relay's recording in a later session)
 */
public record SessionReport(LocalDate date, String sessionId, String name, String village, int stations,
                            int stationsComplete, int plannedItems, int playedItems, boolean reached,
                            long relaySecondsPlanned, long relaySecondsPlayed, int latePlays) {
    /** A session without relays or late plays. */
    public SessionReport(LocalDate date, String sessionId, String name, String village, int stations,
                         int stationsComplete, int plannedItems, int playedItems, boolean reached) {
        this(date, sessionId, name, village, stations, stationsComplete, plannedItems, playedItems, reached, 0, 0, 0);
    }
}
