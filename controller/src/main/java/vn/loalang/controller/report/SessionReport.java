package vn.loalang.controller.report;

import java.time.LocalDate;

/**
 * One session in one village: how many of its stations played every planned item, and how many
 * items were played out of those planned (summed over the village's stations).
 *
 * @param reached at least one loudspeaker of the village played the whole session
 */
public record SessionReport(LocalDate date, String sessionId, String name, String village, int stations,
                            int stationsComplete, int plannedItems, int playedItems, boolean reached) {
}
