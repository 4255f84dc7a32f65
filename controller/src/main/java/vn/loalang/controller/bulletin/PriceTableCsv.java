package vn.loalang.controller.bulletin;

import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The agriculture officer's price table as a CSV file from a spreadsheet: UTF-8 with or without the BOM Excel
 * writes, fields separated by {@code ,} or by {@code ;} (Excel in a Vietnamese locale), a header of
 * {@code mat_hang,don_vi,gia,gia_truoc,ghi_chu} or {@code Mặt hàng,Đơn vị,Giá,Giá trước,Ghi chú} (the last two
 * optional). Every bad line is reported with its number, so the officer fixes the file in one go.
 */
public final class PriceTableCsv {
    /** A market's table is a page of text; a bigger upload is a wrong file. */
    public static final int MAX_BYTES = 256 * 1024;
    /** About six minutes of speech: more does not fit a morning session, nor a listener's patience. */
    public static final int MAX_ROWS = 60;
    static final int MAX_NAME = 80;
    static final int MAX_UNIT = 20;
    static final int MAX_NOTE = 160;
    private static final String NAME = "mat_hang";
    private static final String UNIT = "don_vi";
    private static final String PRICE = "gia";
    private static final String PREVIOUS = "gia_truoc";
    private static final String NOTE = "ghi_chu";

    private PriceTableCsv() {
    }

    /** Reads {@code bytes} as the table of {@code market} on {@code date}; never throws for what the file holds. */
    public static TableRead read(byte[] bytes, LocalDate date, String market) {
        List<TableProblem> problems = new ArrayList<>();
        if (bytes.length > MAX_BYTES) {
            problems.add(new TableProblem(0, "Tệp quá lớn (" + bytes.length / 1024 + " KB, tối đa " + MAX_BYTES / 1024
                    + " KB) / the file is too large (" + bytes.length / 1024 + " KB, at most " + MAX_BYTES / 1024 + " KB)"));
            return new TableRead(null, problems);
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            problems.add(new TableProblem(0, "Tệp không phải UTF-8: trong Excel chọn Lưu thành → \"CSV UTF-8\" / the file"
                    + " is not UTF-8: in Excel choose Save as → \"CSV UTF-8\""));
            return new TableRead(null, problems);
        }
        if (text.startsWith("\uFEFF")) {
            text = text.substring(1);
        }
        text = Normalizer.normalize(text, Normalizer.Form.NFC);
        String firstLine = text.lines().findFirst().orElse("");
        char delimiter = count(firstLine, ';') > count(firstLine, ',') ? ';' : ',';
        CSVFormat format = CSVFormat.DEFAULT.builder().setDelimiter(delimiter).setIgnoreSurroundingSpaces(true)
                .setIgnoreEmptyLines(true).setTrim(true).get();
        List<PriceRow> rows = new ArrayList<>();
        try (CSVParser parser = CSVParser.builder().setReader(new StringReader(text)).setFormat(format).get()) {
            Map<String, Integer> columns = null;
            int width = 0;
            Set<String> names = new HashSet<>();
            int items = 0;
            for (CSVRecord record : parser) {
                int line = (int) parser.getCurrentLineNumber();
                if (columns == null) {
                    columns = columns(record, problems);
                    if (columns == null) {
                        return new TableRead(null, problems);
                    }
                    width = record.size();
                    continue;
                }
                if (blank(record)) {
                    continue;
                }
                if (++items > MAX_ROWS) {
                    problems.add(new TableProblem(line, "quá " + MAX_ROWS + " mặt hàng; bỏ bớt / more than " + MAX_ROWS
                            + " items; leave some out"));
                    break;
                }
                if (record.size() > width) {
                    // "12,5" unquoted in a comma file splits the price in two: say so rather than read 12 đồng
                    problems.add(new TableProblem(line, "nhiều ô hơn dòng tiêu đề (" + record.size() + " > " + width
                            + "): giá có dấu phẩy phải nằm trong ngoặc kép, hoặc lưu tệp với dấu ; / more fields than the"
                            + " header (" + record.size() + " > " + width + "): quote a price with a comma, or save"
                            + " the file with ;"));
                    continue;
                }
                PriceRow row = row(record, columns, line, problems);
                if (row != null && !names.add(row.name().toLowerCase(Locale.ROOT))) {
                    problems.add(new TableProblem(line, "mặt hàng '" + row.name() + "' đã có ở dòng trên / item '"
                            + row.name() + "' is already on a line above"));
                } else if (row != null) {
                    rows.add(row);
                }
            }
            if (columns == null) {
                problems.add(new TableProblem(0, "Tệp trống / the file is empty"));
            } else if (rows.isEmpty() && problems.isEmpty()) {
                problems.add(new TableProblem(0, "Bảng không có mặt hàng nào / the table has no items"));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (IllegalStateException | UncheckedIOException e) {
            // commons-csv's word for a quote left open, reported as the file's problem, not the server's
            problems.add(new TableProblem(0, "Tệp CSV hỏng (dấu ngoặc kép chưa đóng?) / the CSV file is broken (an"
                    + " unclosed quote?): " + e.getMessage()));
        }
        return new TableRead(new PriceTable(date, market, rows), problems);
    }

    private static Map<String, Integer> columns(CSVRecord header, List<TableProblem> problems) {
        Map<String, Integer> columns = new HashMap<>();
        for (int i = 0; i < header.size(); i++) {
            columns.putIfAbsent(key(header.get(i)), i);
        }
        List<String> missing = new ArrayList<>();
        for (String needed : List.of(NAME, UNIT, PRICE)) {
            if (!columns.containsKey(needed)) {
                missing.add(needed);
            }
        }
        if (!missing.isEmpty()) {
            problems.add(new TableProblem(1, "thiếu cột " + missing + "; dòng đầu phải là mat_hang,don_vi,gia,gia_truoc,"
                    + "ghi_chu hoặc Mặt hàng,Đơn vị,Giá,Giá trước,Ghi chú / missing column(s) " + missing
                    + "; the first line must be mat_hang,don_vi,gia,gia_truoc,ghi_chu or Mặt hàng,Đơn vị,Giá,Giá trước,"
                    + "Ghi chú"));
            return null;
        }
        return columns;
    }

    /** "Giá trước" and "gia_truoc" are one column: accents, case and spaces aside. */
    static String key(String header) {
        return Normalizer.normalize(header.replace('đ', 'd').replace('Đ', 'D'), Normalizer.Form.NFD)
                .replaceAll("\\p{M}", "").strip().toLowerCase(Locale.ROOT).replaceAll("[\\s_-]+", "_");
    }

    private static PriceRow row(CSVRecord record, Map<String, Integer> columns, int line, List<TableProblem> problems) {
        int before = problems.size();
        String name = field(record, columns, NAME);
        String unit = field(record, columns, UNIT);
        String note = field(record, columns, NOTE);
        if (name.isEmpty()) {
            problems.add(new TableProblem(line, "thiếu tên mặt hàng / the item's name is missing"));
        } else if (name.length() > MAX_NAME) {
            problems.add(new TableProblem(line, "tên mặt hàng dài quá " + MAX_NAME + " ký tự / the item's name is longer"
                    + " than " + MAX_NAME + " characters"));
        }
        if (unit.isEmpty()) {
            problems.add(new TableProblem(line, "thiếu đơn vị (kg, con, tạ…) / the unit is missing (kg, con, tạ…)"));
        } else if (unit.length() > MAX_UNIT) {
            problems.add(new TableProblem(line, "đơn vị dài quá " + MAX_UNIT + " ký tự / the unit is longer than "
                    + MAX_UNIT + " characters"));
        }
        if (note.length() > MAX_NOTE) {
            problems.add(new TableProblem(line, "ghi chú dài quá " + MAX_NOTE + " ký tự / the note is longer than "
                    + MAX_NOTE + " characters"));
        }
        Long price = price(field(record, columns, PRICE), line, "", problems);
        String previousText = field(record, columns, PREVIOUS);
        Long previous = previousText.isEmpty() ? null : price(previousText, line, "giá trước: / previous price: ",
                problems);
        if (problems.size() > before) {
            return null;
        }
        return new PriceRow(name, unit, price, previous, note);
    }

    private static Long price(String text, int line, String which, List<TableProblem> problems) {
        try {
            return PriceText.parse(text);
        } catch (IllegalArgumentException e) {
            problems.add(new TableProblem(line, which + e.getMessage()));
            return null;
        }
    }

    private static String field(CSVRecord record, Map<String, Integer> columns, String column) {
        Integer i = columns.get(column);
        return i == null || i >= record.size() ? "" : record.get(i).strip();
    }

    private static boolean blank(CSVRecord record) {
        for (String v : record) {
            if (!v.isBlank()) {
                return false;
            }
        }
        return true;
    }

    private static int count(String s, char c) {
        return (int) s.chars().filter(x -> x == c).count();
    }
}
