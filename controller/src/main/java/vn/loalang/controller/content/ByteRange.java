package vn.loalang.controller.content;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One byte range of an HTTP {@code Range} header (RFC 9110 §14): {@code bytes=a-b}, {@code bytes=a-}
 * or the suffix {@code bytes=-n}. Several ranges and malformed headers are ignored (the whole file
 * is sent, as the RFC allows); a range that starts past the end cannot be satisfied (416).
 */
record ByteRange(long first, long last) {
    private static final Pattern SINGLE = Pattern.compile("bytes=(\\d*)-(\\d*)");

    /** What a request's Range header asks of a file of {@code size} bytes. */
    sealed interface Request permits Whole, Part, Unsatisfiable {
    }

    record Whole() implements Request {
    }

    record Part(ByteRange range) implements Request {
    }

    record Unsatisfiable() implements Request {
    }

    long length() {
        return last - first + 1;
    }

    static Request of(String header, long size) {
        if (header == null) {
            return new Whole();
        }
        Matcher m = SINGLE.matcher(header.trim());
        if (!m.matches() || (m.group(1).isEmpty() && m.group(2).isEmpty())) {
            return new Whole();
        }
        Optional<Long> from = number(m.group(1));
        Optional<Long> to = number(m.group(2));
        if ((!m.group(1).isEmpty() && from.isEmpty()) || (!m.group(2).isEmpty() && to.isEmpty())) {
            return new Whole();
        }
        if (from.isEmpty()) {
            long suffix = to.get();
            if (suffix == 0 || size == 0) {
                return new Unsatisfiable();
            }
            return new Part(new ByteRange(Math.max(0, size - suffix), size - 1));
        }
        long first = from.get();
        if (to.isPresent() && to.get() < first) {
            return new Whole();
        }
        if (first >= size) {
            return new Unsatisfiable();
        }
        long last = to.map(t -> Math.min(t, size - 1)).orElse(size - 1);
        return new Part(new ByteRange(first, last));
    }

    private static Optional<Long> number(String digits) {
        if (digits.isEmpty() || digits.length() > 18) {
            return Optional.empty();
        }
        return Optional.of(Long.parseLong(digits));
    }
}
