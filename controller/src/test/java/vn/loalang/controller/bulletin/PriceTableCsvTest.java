package vn.loalang.controller.bulletin;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PriceTableCsvTest {
    private static final LocalDate DAY = LocalDate.of(2026, 12, 6);

    private static TableRead read(String text) {
        return PriceTableCsv.read(text.getBytes(StandardCharsets.UTF_8), DAY, "Chợ An Bình");
    }

    @Test
    void excelsVietnameseCsvWithBomSemicolonsAndAccentedHeadersIsRead() {
        TableRead read = read("\uFEFFMặt hàng;Đơn vị;Giá;Giá trước;Ghi chú\r\n"
                + "Lúa IR50404;kg;7.200;7.000;\r\n"
                + "Heo hơi;kg;62000;62.000;hàng về ít\r\n"
                + "\r\n"
                + "Trứng gà;chục;\"32,5 nghìn\";;\r\n");

        assertTrue(read.ok(), read.texts().toString());
        assertEquals(List.of(new PriceRow("Lúa IR50404", "kg", 7200, 7000L, null),
                new PriceRow("Heo hơi", "kg", 62000, 62000L, "hàng về ít"),
                new PriceRow("Trứng gà", "chục", 32500, null, null)), read.table().rows());
        assertEquals(DAY, read.table().date());
        assertEquals("Chợ An Bình", read.table().market());
    }

    @Test
    void theDemosExampleTableIsRead() throws Exception {
        byte[] example;
        try (var in = PriceTableCsvTest.class.getResourceAsStream("/demo/gia-ca.csv")) {
            example = in.readAllBytes();
        }
        TableRead read = PriceTableCsv.read(example, DAY, "Chợ An Bình");
        assertTrue(read.ok(), read.texts().toString());
        assertEquals(11, read.table().rows().size());
        assertEquals(new PriceRow("Cá tra", "kg", 28500, 28000L, "size 800 g"), read.table().rows().get(7));
    }

    @Test
    void plainCommasAndAsciiHeadersWithoutBomAreRead() {
        TableRead read = read("mat_hang,don_vi,gia\nCà phê nhân,kg,\"125.500\"\nTiêu,kg,\"1,2 triệu\"\n");
        assertTrue(read.ok(), read.texts().toString());
        assertEquals(List.of(125500L, 1200000L), read.table().rows().stream().map(PriceRow::price).toList());
    }

    @Test
    void everyBadLineIsReportedWithItsLineNumberInBothLanguages() {
        TableRead read = read("mat_hang,don_vi,gia,gia_truoc\n"
                + "Lúa IR50404,kg,7.200,7.000\n"
                + ",kg,5000,\n"
                + "Bắp,kg,năm nghìn,\n"
                + "Heo hơi,,62000,abc\n"
                + "Lúa IR50404,kg,7.300,\n"
                + "Gạo,kg,12,5,\n");

        assertFalse(read.ok());
        List<Integer> lines = read.problems().stream().map(TableProblem::line).toList();
        assertEquals(List.of(3, 4, 5, 5, 6, 7), lines, read.texts().toString());
        assertTrue(read.texts().get(0).startsWith("Dòng 3 / line 3: thiếu tên mặt hàng / the item's name is missing"),
                read.texts().get(0));
        assertTrue(read.texts().get(2).contains("thiếu đơn vị") && read.texts().get(2).contains("the unit is missing"));
        assertTrue(read.texts().get(3).contains("giá trước") && read.texts().get(3).contains("'abc'"));
        assertTrue(read.texts().get(4).contains("đã có ở dòng trên"));
        assertTrue(read.texts().get(5).contains("ngoặc kép") && read.texts().get(5).contains("quote a price"),
                "an unquoted '12,5' splits the line: " + read.texts().get(5));
    }

    @Test
    void aWrongHeaderIsOneProblemOnLineOne() {
        TableRead read = read("ten,gia\nLúa,7200\n");
        assertEquals(1, read.problems().size());
        assertEquals(1, read.problems().get(0).line());
        assertTrue(read.problems().get(0).message().contains("[mat_hang, don_vi]"), read.texts().toString());
        assertNull(read.table());
    }

    @Test
    void filesAndTablesAreBounded() {
        byte[] huge = new byte[PriceTableCsv.MAX_BYTES + 1];
        TableRead tooBig = PriceTableCsv.read(huge, DAY, "");
        assertTrue(tooBig.texts().get(0).contains("Tệp quá lớn"), tooBig.texts().toString());

        StringBuilder many = new StringBuilder("mat_hang,don_vi,gia\n");
        for (int i = 1; i <= PriceTableCsv.MAX_ROWS + 5; i++) {
            many.append("Hàng ").append(i).append(",kg,1000\n");
        }
        TableRead tooMany = read(many.toString());
        assertEquals(1, tooMany.problems().size(), tooMany.texts().toString());
        assertEquals(PriceTableCsv.MAX_ROWS + 2, tooMany.problems().get(0).line());
        assertTrue(tooMany.texts().get(0).contains("quá " + PriceTableCsv.MAX_ROWS + " mặt hàng"));

        TableRead longName = read("mat_hang,don_vi,gia\n" + "x".repeat(PriceTableCsv.MAX_NAME + 1) + ",kg,1000\n");
        assertEquals(2, longName.problems().get(0).line());
    }

    @Test
    void notUtf8AndEmptyFilesAreSaidPlainly() {
        byte[] windows1258 = {'m', 'a', 't', '_', 'h', 'a', 'n', 'g', '\n', (byte) 0xD0, (byte) 0xE3};
        assertTrue(PriceTableCsv.read(windows1258, DAY, "").texts().get(0).contains("CSV UTF-8"));
        assertTrue(read("").texts().get(0).contains("Tệp trống"));
        assertTrue(read("mat_hang,don_vi,gia\n\n").texts().get(0).contains("không có mặt hàng"));
        assertTrue(read("mat_hang,don_vi,gia\n\"Lúa,kg,7200\n").texts().get(0).contains("CSV"),
                "an unclosed quote is the file's problem");
    }

    @Test
    void pricesAreReadAsPeopleTypeThem() {
        assertEquals(12500, PriceText.parse("12.500"));
        assertEquals(12500, PriceText.parse("12500"));
        assertEquals(12500, PriceText.parse("12 500 đ"));
        assertEquals(12500, PriceText.parse("12,5 nghìn"));
        assertEquals(12500, PriceText.parse("12,5k"));
        assertEquals(12500, PriceText.parse("12.500 đồng"));
        assertEquals(12500, PriceText.parse("12,500"));
        assertEquals(1250000, PriceText.parse("1,25 triệu"));
        assertEquals("7.200", PriceText.format(7200));
        assertEquals("1.250.000", PriceText.format(1250000));
        assertEquals("200", PriceText.format(200));
        for (String bad : List.of("", "abc", "12,5", "1.2.3", "-500", "12,3456 nghìn", "99999999 triệu")) {
            try {
                PriceText.parse(bad);
                throw new AssertionError("'" + bad + "' was taken");
            } catch (IllegalArgumentException expected) {
                assertTrue(expected.getMessage().contains(" / "), expected.getMessage());
            }
        }
    }
}
