package vn.loalang.controller.mirror.channel;

import vn.loalang.controller.mirror.MirrorMessage;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A message's text made to fit a service's limit without losing what matters: the link to hear it again is always
 * kept (on its own last line), and the text is cut after a whole sentence, else after a whole word with an ellipsis.
 * Shared by the chat channels (a limit in characters) and {@link SmsText} (a limit in SMS segments).
 */
final class MessageText {
    private static final Pattern URL = Pattern.compile("https?://\\S+");

    private MessageText() {
    }

    /**
     * The message's text with its link to the page, counted as coming from {@code source} ({@code ?n=zalo}, WP1's
     * contract): the page's address where the mirror wrote it gets the source added; when the text does not name the
     * page, a last line "Nghe lại: {page}?n={source}" is added. A message without a page is left as it is.
     */
    static String withLink(MirrorMessage message, String source) {
        String text = message.text() == null ? "" : message.text().strip();
        if (message.pageUrl() == null) {
            return text;
        }
        String page = message.pageUrl().toString();
        String link = withSource(message.pageUrl(), source);
        if (text.contains(page)) {
            // Only where the address stands alone: one that already carries a query keeps it.
            return text.replaceAll(Pattern.quote(page) + "(?=\\s|$)", Matcher.quoteReplacement(link));
        }
        return text.isEmpty() ? "Nghe lại: " + link : text + "\nNghe lại: " + link;
    }

    /** The page's address with {@code n=source} added, unless it already says where the listen came from. */
    static String withSource(URI page, String source) {
        String s = page.toString();
        String query = page.getRawQuery();
        if (query != null && (query.startsWith("n=") || query.contains("&n="))) {
            return s;
        }
        return s + (query == null ? "?" : "&") + "n=" + source;
    }

    /**
     * {@code text} as it is when it {@code fits}; else the longest cut that fits, keeping the last line that holds a
     * link: whole sentences first, then whole words followed by {@code ellipsis}, then the link alone. Only when not
     * even the link fits is the link itself cut.
     */
    static String fit(String text, Predicate<String> fits, String ellipsis) {
        if (fits.test(text)) {
            return text;
        }
        String body = text;
        List<String> suffixes = new ArrayList<>();
        String[] lines = text.split("\n", -1);
        for (int i = lines.length - 1; i >= 0; i--) {
            Matcher m = URL.matcher(lines[i]);
            if (m.find()) {
                List<String> rest = new ArrayList<>(List.of(lines).subList(0, i));
                rest.addAll(List.of(lines).subList(i + 1, lines.length));
                body = String.join("\n", rest).strip();
                suffixes.add(lines[i].strip());
                if (!m.group().equals(lines[i].strip())) {
                    suffixes.add(m.group());
                }
                break;
            }
        }
        if (suffixes.isEmpty()) {
            suffixes.add("");
        }
        for (String suffix : suffixes) {
            String joint = suffix.isEmpty() ? "" : "\n" + suffix;
            String cut = longest(sentenceEnds(body), body, "", joint, fits);
            if (cut == null) {
                cut = longest(wordEnds(body), body, ellipsis, joint, fits);
            }
            if (cut != null) {
                return cut;
            }
            if (!suffix.isEmpty() && fits.test(suffix)) {
                return suffix;
            }
        }
        return hardCut(text, fits);
    }

    /** The longest candidate {@code body[0, end) + tail + joint} that fits, by binary search (longer never fits less). */
    private static String longest(List<Integer> ends, String body, String tail, String joint, Predicate<String> fits) {
        int lo = 0;
        int hi = ends.size() - 1;
        String best = null;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            String candidate = body.substring(0, ends.get(mid)).strip() + tail + joint;
            if (fits.test(candidate)) {
                best = candidate;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return best;
    }

    /** Indexes just after a sentence: after . ! ? … followed by a space or a line end, and at each line end. */
    private static List<Integer> sentenceEnds(String body) {
        List<Integer> ends = new ArrayList<>();
        for (int i = 0; i < body.length(); i++) {
            char c = body.charAt(i);
            boolean stop = (c == '.' || c == '!' || c == '?' || c == '…')
                    && (i + 1 == body.length() || Character.isWhitespace(body.charAt(i + 1)));
            if (stop) {
                ends.add(i + 1);
            } else if (c == '\n' && i > 0) {
                ends.add(i);
            }
        }
        return ends.stream().filter(e -> !body.substring(0, e).isBlank()).distinct().toList();
    }

    /** Indexes just before each space, so a cut never splits a word. */
    private static List<Integer> wordEnds(String body) {
        List<Integer> ends = new ArrayList<>();
        for (int i = 1; i < body.length(); i++) {
            if (Character.isWhitespace(body.charAt(i)) && !Character.isWhitespace(body.charAt(i - 1))) {
                ends.add(i);
            }
        }
        return ends;
    }

    private static String hardCut(String text, Predicate<String> fits) {
        int lo = 0;
        int hi = text.length();
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            int end = Character.isLowSurrogate(text.charAt(mid - 1)) || !Character.isHighSurrogate(text.charAt(mid - 1))
                    ? mid : mid - 1;
            if (fits.test(text.substring(0, end))) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        int end = lo > 0 && Character.isHighSurrogate(text.charAt(lo - 1)) ? lo - 1 : lo;
        return text.substring(0, end);
    }
}
