package vn.loalang.controller.testing.fake;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads a multipart/form-data body as the fakes need it: each part's name and, for text parts, its value. */
final class Multipart {
    private static final Pattern NAME = Pattern.compile("name=\"([^\"]+)\"(; filename=\"([^\"]*)\")?");

    private Multipart() {
    }

    /** Field name → value; a file part's value is its file name followed by ':' and its size in bytes. */
    static Map<String, String> fields(byte[] body, String contentType) {
        int at = contentType.indexOf("boundary=");
        if (at < 0) {
            throw new IllegalArgumentException("multipart without a boundary");
        }
        String boundary = "--" + contentType.substring(at + 9).replace("\"", "").trim();
        // ISO-8859-1 keeps one char per byte, so a file part's size is its length here.
        String text = new String(body, StandardCharsets.ISO_8859_1);
        Map<String, String> fields = new LinkedHashMap<>();
        for (String part : text.split(Pattern.quote(boundary))) {
            int split = part.indexOf("\r\n\r\n");
            if (split < 0) {
                continue;
            }
            String head = part.substring(0, split);
            String value = part.substring(split + 4);
            if (value.endsWith("\r\n")) {
                value = value.substring(0, value.length() - 2);
            }
            Matcher m = NAME.matcher(head);
            if (!m.find()) {
                continue;
            }
            if (m.group(3) != null) {
                fields.put(m.group(1), m.group(3) + ":" + value.length());
            } else {
                fields.put(m.group(1), new String(value.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8));
            }
        }
        return fields;
    }
}
