package vn.loalang.controller.bulletin;

import java.time.LocalDate;
import java.util.List;
import java.util.Objects;

/** The prices of one market on one day, as the agriculture officer's table or the feed gives them. */
public record PriceTable(LocalDate date, String market, List<PriceRow> rows) {
    public PriceTable {
        Objects.requireNonNull(date, "date");
        market = market == null ? "" : market.strip();
        rows = List.copyOf(rows);
    }
}
