package vn.loalang.controller.bulletin;

import org.junit.jupiter.api.Test;

import java.time.LocalDate;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PriceBulletinWriterTest {
    private static final LocalDate DAY = LocalDate.of(2026, 12, 6);
    private static final List<PriceRow> ROWS = List.of(
            new PriceRow("Lúa IR50404", "kg", 7200, 7000L, null),
            new PriceRow("Heo hơi", "kg", 61500, 62000L, null),
            new PriceRow("Trứng gà", "chục", 32000, 32000L, "hàng về ít."),
            new PriceRow("Bò giống", "con", 15_000_000, null, null));

    @Test
    void theBulletinReadsEachPriceWithItsTrendInDigits() throws Exception {
        assertEquals("Bản tin giá cả nông sản sáng ngày 6/12/2026 tại Chợ An Bình."
                        + " Lúa IR50404: 7.200 đồng một ký, tăng 200 đồng so với hôm trước."
                        + " Heo hơi: 61.500 đồng một ký, giảm 500 đồng so với hôm trước."
                        + " Trứng gà: 32.000 đồng một chục, không đổi so với hôm trước, hàng về ít."
                        + " Bò giống: 15.000.000 đồng một con."
                        + " Hết bản tin giá cả.",
                PriceBulletinWriter.write(new PriceTable(DAY, "Chợ An Bình", ROWS), DAY));
        assertEquals("Giá cả nông sản 6/12/2026", PriceBulletinWriter.title(DAY));
    }

    @Test
    void yesterdaysTableSaysItsDateAndAnUnnamedMarketIsLeftOut() throws Exception {
        String text = PriceBulletinWriter.write(new PriceTable(DAY.minusDays(2), "", ROWS.subList(0, 1)), DAY);
        assertTrue(text.startsWith("Bản tin giá cả nông sản sáng ngày 6/12/2026. Giá ngày 4/12/2026. Lúa IR50404:"), text);
    }

    @Test
    void aTableOlderThanTwoDaysOrFromTheFutureMakesNoBulletin() {
        PriceBulletinWriter.StaleTable old = assertThrows(PriceBulletinWriter.StaleTable.class,
                () -> PriceBulletinWriter.write(new PriceTable(DAY.minusDays(3), "", ROWS), DAY));
        assertTrue(old.getMessage().contains("đã cũ 3 ngày") && old.getMessage().contains("3 days old"), old.getMessage());
        assertThrows(PriceBulletinWriter.StaleTable.class,
                () -> PriceBulletinWriter.write(new PriceTable(DAY.plusDays(1), "", ROWS), DAY));
    }
}
