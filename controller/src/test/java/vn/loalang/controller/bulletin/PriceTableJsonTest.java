package vn.loalang.controller.bulletin;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PriceTableJsonTest {
    private static TableRead read(String json) {
        return PriceTableJson.read(json.getBytes(StandardCharsets.UTF_8), "Chợ xã");
    }

    @Test
    void aFeedsTableIsRead() {
        TableRead read = read("""
                {"date": "2026-12-06", "market": "Chợ Long Xuyên", "items": [
                  {"name": "Lúa IR50404", "unit": "kg", "price": 7200, "previous": 7000},
                  {"name": "Cá tra", "unit": "kg", "price": "28,5 nghìn", "note": "size 800 g"}]}""");
        assertTrue(read.ok(), read.texts().toString());
        assertEquals(new PriceTable(LocalDate.of(2026, 12, 6), "Chợ Long Xuyên", List.of(
                new PriceRow("Lúa IR50404", "kg", 7200, 7000L, null),
                new PriceRow("Cá tra", "kg", 28500, null, "size 800 g"))), read.table());
    }

    @Test
    void theSettingsMarketIsUsedWhenTheFeedNamesNone() {
        TableRead read = read("{\"date\": \"6/12/2026\", \"items\": [{\"name\": \"Bắp\", \"unit\": \"kg\", \"price\": 5000}]}");
        assertTrue(read.ok(), read.texts().toString());
        assertEquals("Chợ xã", read.table().market());
        assertEquals(LocalDate.of(2026, 12, 6), read.table().date());
    }

    @Test
    void badItemsAreNumberedAndBadDocumentsRefused() {
        TableRead read = read("""
                {"date": "2026-12-06", "items": [
                  {"name": "Lúa", "unit": "kg", "price": 7200},
                  {"name": "", "unit": "kg", "price": 7200},
                  {"name": "Heo", "unit": "kg", "price": 1.5},
                  {"name": "Lúa", "unit": "kg", "price": 7300}]}""");
        assertFalse(read.ok());
        assertEquals(3, read.problems().size(), read.texts().toString());
        assertTrue(read.texts().get(0).startsWith("mục 2 / item 2"));
        assertTrue(read.texts().get(1).startsWith("mục 3 / item 3"));
        assertTrue(read.texts().get(2).startsWith("mục 4 / item 4"));

        assertTrue(read("[1, 2]").texts().get(0).contains("đối tượng JSON"));
        assertTrue(read("{").texts().get(0).contains("JSON"));
        TableRead noDate = read("{\"date\": \"hôm nay\", \"items\": [{\"name\": \"Bắp\", \"unit\": \"kg\", \"price\": 5000}]}");
        assertNull(noDate.table());
        assertTrue(noDate.texts().get(0).contains("'hôm nay'"));
        assertTrue(PriceTableJson.read(new byte[PriceTableJson.MAX_BYTES + 1], "").texts().get(0).contains("quá lớn"));
    }
}
