package vn.loalang.protocol.config;

import java.util.ArrayList;
import java.util.List;

/** The text made from a list of definitions: the options part of {@code --help}, and the docs' tables. */
public final class OptionText {
    private static final int WIDTH = 110;
    private static final int LABEL = 26;

    private OptionText() {
    }

    /**
     * One entry per option, {@code --key METAVAR} then its help, default and rule, wrapped under
     * each other, e.g. {@code --http-port PORT        the plain HTTP port (default 8080; a TCP port…)}.
     */
    public static String commandLine(List<Option<?>> options) {
        StringBuilder out = new StringBuilder();
        for (Option<?> o : options) {
            String label = "  --" + o.key() + (o.metavar().isEmpty() ? "" : " " + o.metavar());
            List<String> lines = wrap(o.help() + " " + bracket(o), WIDTH - LABEL);
            if (label.length() >= LABEL) {
                out.append(label).append('\n');
            } else {
                out.append(label).append(" ".repeat(LABEL - label.length())).append(lines.remove(0)).append('\n');
            }
            for (String line : lines) {
                out.append(" ".repeat(LABEL)).append(line).append('\n');
            }
        }
        return out.toString();
    }

    /** A Markdown table: key, type, default, allowed values, meaning. */
    public static String markdownTable(List<Option<?>> options, String keyPrefix) {
        StringBuilder out = new StringBuilder("| key | type | default | allowed | meaning |\n|---|---|---|---|---|\n");
        for (Option<?> o : options) {
            out.append("| `").append(keyPrefix).append(o.key()).append("` | ").append(cell(o.type().name()))
                    .append(" | ").append(cell(o.defaultText())).append(" | ").append(cell(o.type().rule()))
                    .append(" | ").append(cell(o.help())).append(" |\n");
        }
        return out.toString();
    }

    private static String bracket(Option<?> o) {
        if (o.type().isFlag()) {
            return ""; // given or not: nothing more to say
        }
        String rule = o.type().rule();
        boolean plain = rule.equals("a text that is not blank") || rule.equals("a file path");
        String d = o.defaultText().equals("none") ? "" : (o.isRequired() ? "required" : "default " + o.defaultText());
        String r = plain ? "" : rule;
        return d.isEmpty() && r.isEmpty() ? "" : "(" + d + (d.isEmpty() || r.isEmpty() ? "" : "; ") + r + ")";
    }

    /**
     * What a person reads when a value breaks its option's rule, the same for every program: the rule
     * and an example, then where the list of options is; no page of usage.
     *
     * @param program as typed, e.g. {@code loalang-controller run} or {@code loalang-station-agent}
     */
    public static String refusal(String program, OptionException e) {
        return "Tuỳ chọn sai / a bad option: " + e.getMessage() + "\n(" + program + " --help lists every option)";
    }

    private static String cell(String text) {
        return text.replace("|", "\\|").replace("\n", " ");
    }

    private static List<String> wrap(String text, int width) {
        List<String> lines = new ArrayList<>();
        StringBuilder line = new StringBuilder();
        for (String word : text.strip().split("\\s+")) {
            if (line.length() > 0 && line.length() + 1 + word.length() > width) {
                lines.add(line.toString());
                line.setLength(0);
            }
            line.append(line.length() > 0 ? " " : "").append(word);
        }
        lines.add(line.toString());
        return lines;
    }
}
