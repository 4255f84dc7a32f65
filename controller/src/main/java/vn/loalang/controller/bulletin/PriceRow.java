package vn.loalang.controller.bulletin;

import java.util.Objects;

/**
 * One line of a price table: what is sold, by which unit, at what price today and (when known) the day before.
 *
 * @param price    in đồng for one {@code unit}
 * @param previous the price of the day before, in đồng; null when the table does not say
 * @param note     a short remark read after the price ("hàng về ít"); null when none
 */
public record PriceRow(String name, String unit, long price, Long previous, String note) {
    public PriceRow {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(unit, "unit");
        if (price < 0 || (previous != null && previous < 0)) {
            throw new IllegalArgumentException("a price is never negative: " + name);
        }
        note = note == null || note.isBlank() ? null : note.strip();
    }
}
