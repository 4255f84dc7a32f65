package vn.loalang.controller.alert.cap;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** The sample CAP files under {@code src/test/resources/cap/}, and variations of them. */
final class SampleAlerts {
    private SampleAlerts() {
    }

    static String text(String name) {
        try (InputStream in = SampleAlerts.class.getResourceAsStream("/cap/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no sample cap/" + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static CapAlert parse(String name) throws CapException {
        return parseXml(text(name));
    }

    static CapAlert parseXml(String xml) throws CapException {
        return new CapParser().parse(xml.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The sample with {@code from} replaced; fails when {@code from} is not in it, so that a variation
     * cannot silently test the unchanged sample.
     */
    static String with(String name, String from, String to) {
        return replace(text(name), from, to);
    }

    static String replace(String xml, String from, String to) {
        if (!xml.contains(from)) {
            throw new IllegalArgumentException("'" + from + "' is not in the sample");
        }
        return xml.replace(from, to);
    }
}
