package vn.loalang.controller.report;

import java.time.LocalDate;

/** Over a period: of the village sessions planned, how many reached their village, and the share. */
public record ReportSummary(LocalDate from, LocalDate to, int villageSessions, int reached, double shareReached,
                           int plannedItems, int playedItems) {
}
