package vn.loalang.controller.bulletin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A price table as JSON, from a province's feed or a script:
 * {@code {"date": "2026-12-06", "market": "Chợ Long Xuyên", "items": [{"name": "Lúa IR50404", "unit": "kg",
 * "price": 7200, "previous": 7000, "note": "…"}]}}. A price is a number of đồng or text as in the CSV
 * ("12,5 nghìn"). Every bad item is reported with its number (the first is 1).
 */
public final class PriceTableJson {
    /** A feed answer bigger than this is not a market's price list. */
    public static final int MAX_BYTES = 256 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DateTimeFormatter DAY_MONTH_YEAR = DateTimeFormatter.ofPattern("d/M/uuuu", Locale.ROOT);

    private PriceTableJson() {
    }

    /** Reads {@code bytes}; the market defaults to {@code market} when the JSON names none. Never throws for content. */
    public static TableRead read(byte[] bytes, String market) {
        List<TableProblem> problems = new ArrayList<>();
        if (bytes.length > MAX_BYTES) {
            problems.add(new TableProblem(0, "Dữ liệu quá lớn (tối đa " + MAX_BYTES / 1024 + " KB) / the data is too"
                    + " large (at most " + MAX_BYTES / 1024 + " KB)"));
            return new TableRead(null, problems);
        }
        JsonNode root;
        try {
            root = JSON.readTree(bytes);
        } catch (JsonProcessingException e) {
            problems.add(new TableProblem(0, "Không phải JSON hợp lệ / not valid JSON: " + e.getOriginalMessage()));
            return new TableRead(null, problems);
        } catch (java.io.IOException e) {
            problems.add(new TableProblem(0, "Không đọc được dữ liệu / the data cannot be read: " + e.getMessage()));
            return new TableRead(null, problems);
        }
        if (root == null || !root.isObject()) {
            problems.add(new TableProblem(0, "Dữ liệu phải là một đối tượng JSON {\"date\", \"market\", \"items\"} / the"
                    + " data must be a JSON object {\"date\", \"market\", \"items\"}"));
            return new TableRead(null, problems);
        }
        LocalDate date = date(root.path("date"), problems);
        String named = root.path("market").isTextual() ? root.path("market").asText().strip() : "";
        JsonNode items = root.path("items");
        List<PriceRow> rows = new ArrayList<>();
        if (!items.isArray() || items.isEmpty()) {
            problems.add(new TableProblem(0, "\"items\" phải là danh sách mặt hàng / \"items\" must be a list of items"));
        } else if (items.size() > PriceTableCsv.MAX_ROWS) {
            problems.add(new TableProblem(0, "quá " + PriceTableCsv.MAX_ROWS + " mặt hàng / more than "
                    + PriceTableCsv.MAX_ROWS + " items"));
        } else {
            Set<String> names = new HashSet<>();
            for (int i = 0; i < items.size(); i++) {
                PriceRow row = row(items.get(i), i + 1, problems);
                if (row != null && !names.add(row.name().toLowerCase(Locale.ROOT))) {
                    problems.add(item(i + 1, "mặt hàng '" + row.name() + "' có hai lần / item '" + row.name()
                            + "' is there twice"));
                } else if (row != null) {
                    rows.add(row);
                }
            }
        }
        if (date == null) {
            return new TableRead(null, problems);
        }
        return new TableRead(new PriceTable(date, named.isEmpty() ? market : named, rows), problems);
    }

    private static LocalDate date(JsonNode node, List<TableProblem> problems) {
        String text = node.isTextual() ? node.asText().strip() : "";
        try {
            return text.contains("/") ? LocalDate.parse(text, DAY_MONTH_YEAR) : LocalDate.parse(text);
        } catch (DateTimeParseException e) {
            problems.add(new TableProblem(0, "\"date\" phải là ngày như 2026-12-06 / \"date\" must be a date such as"
                    + " 2026-12-06, not '" + text + "'"));
            return null;
        }
    }

    private static PriceRow row(JsonNode node, int n, List<TableProblem> problems) {
        if (!node.isObject()) {
            problems.add(item(n, "không phải một đối tượng / not an object"));
            return null;
        }
        int before = problems.size();
        String name = node.path("name").asText("").strip();
        String unit = node.path("unit").asText("").strip();
        String note = node.path("note").asText("").strip();
        if (name.isEmpty() || name.length() > PriceTableCsv.MAX_NAME) {
            problems.add(item(n, "tên (\"name\") trống hoặc dài quá " + PriceTableCsv.MAX_NAME + " ký tự / \"name\" is"
                    + " empty or longer than " + PriceTableCsv.MAX_NAME + " characters"));
        }
        if (unit.isEmpty() || unit.length() > PriceTableCsv.MAX_UNIT) {
            problems.add(item(n, "đơn vị (\"unit\") trống hoặc dài quá " + PriceTableCsv.MAX_UNIT + " ký tự / \"unit\""
                    + " is empty or longer than " + PriceTableCsv.MAX_UNIT + " characters"));
        }
        if (note.length() > PriceTableCsv.MAX_NOTE) {
            problems.add(item(n, "ghi chú dài quá / the note is too long"));
        }
        Long price = price(node.path("price"), n, "", problems);
        JsonNode prev = node.path("previous");
        Long previous = prev.isMissingNode() || prev.isNull() ? null : price(prev, n, "previous: ", problems);
        if (problems.size() > before) {
            return null;
        }
        return new PriceRow(name, unit, price, previous, note);
    }

    private static Long price(JsonNode node, int n, String which, List<TableProblem> problems) {
        try {
            if (node.isIntegralNumber() && node.canConvertToLong()) {
                long v = node.asLong();
                if (v < 0 || v > PriceText.MOST) {
                    throw new IllegalArgumentException("giá " + v + " ngoài khoảng / the price " + v + " is out of range");
                }
                return v;
            }
            if (node.isTextual()) {
                return PriceText.parse(node.asText());
            }
            throw new IllegalArgumentException("giá phải là số đồng / the price must be a whole number of đồng, not "
                    + (node.isMissingNode() ? "missing" : "a " + node.getNodeType().name().toLowerCase(java.util.Locale.ROOT)));
        } catch (IllegalArgumentException e) {
            problems.add(item(n, which + e.getMessage()));
            return null;
        }
    }

    private static TableProblem item(int n, String message) {
        return new TableProblem(0, "mục " + n + " / item " + n + ": " + message);
    }
}
