package vn.loalang.systemtests.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The agent's JVM as systemd starts it on the pole: the options between {@code java} and {@code -jar}
 * in the unit's {@code ExecStart}, with its {@code Environment=} variables expanded as systemd does
 * ({@code $VAR} splits into words, {@code ${VAR}} is one word), and the environment itself (e.g.
 * {@code MALLOC_ARENA_MAX}). The bench starts the agent with exactly these, so that it measures what
 * the Pi runs; only the class-data archive's path is the bench's own ({@link #withArchive}).
 */
record AgentJvm(List<String> options, Map<String, String> environment) {
    static final String ARCHIVE_OPTION = "-XX:SharedArchiveFile=";
    private static final Pattern ASSIGNMENT = Pattern.compile("\"([A-Za-z_][A-Za-z0-9_]*)=([^\"]*)\"|([A-Za-z_][A-Za-z0-9_]*)=(\\S*)");
    private static final Pattern VARIABLE = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)}|\\$([A-Za-z_][A-Za-z0-9_]*)");

    AgentJvm {
        options = List.copyOf(options);
        environment = Map.copyOf(environment);
    }

    static AgentJvm fromUnit(Path unit) throws BenchException {
        try {
            return parse(Files.readString(unit));
        } catch (IOException e) {
            throw new BenchException("the agent's systemd unit " + unit + " cannot be read: " + e.getMessage());
        }
    }

    /** The options of a unit's text; a unit whose ExecStart is not {@code java … -jar …} is refused. */
    static AgentJvm parse(String unit) throws BenchException {
        Map<String, String> env = new LinkedHashMap<>();
        String execStart = null;
        for (String raw : unit.split("\n")) {
            String line = raw.strip();
            if (line.startsWith("Environment=")) {
                Matcher m = ASSIGNMENT.matcher(line.substring("Environment=".length()));
                while (m.find()) {
                    env.put(m.group(1) != null ? m.group(1) : m.group(3), m.group(1) != null ? m.group(2) : m.group(4));
                }
            } else if (line.startsWith("ExecStart=")) {
                execStart = line.substring("ExecStart=".length());
            }
        }
        if (execStart == null) {
            throw new BenchException("the agent's unit has no ExecStart line");
        }
        String[] words = execStart.strip().split("\\s+");
        if (!words[0].endsWith("/java")) {
            throw new BenchException("the agent's unit does not start java: ExecStart=" + execStart);
        }
        List<String> options = new ArrayList<>();
        for (int i = 1; i < words.length && !words[i].equals("-jar"); i++) {
            if (i == words.length - 1) {
                throw new BenchException("the agent's unit starts java without -jar: ExecStart=" + execStart);
            }
            options.addAll(expand(words[i], env));
        }
        return new AgentJvm(options, env);
    }

    private static List<String> expand(String word, Map<String, String> env) throws BenchException {
        Matcher whole = VARIABLE.matcher(word);
        if (whole.matches()) {
            String name = whole.group(1) != null ? whole.group(1) : whole.group(2);
            String value = env.get(name);
            if (value == null) {
                throw new BenchException("the agent's unit uses $" + name + " but sets no Environment=" + name);
            }
            return whole.group(1) != null ? List.of(value) : List.of(value.strip().split("\\s+"));
        }
        if (word.contains("$")) {
            throw new BenchException("the bench reads a variable only as a whole word of ExecStart, not in " + word);
        }
        return List.of(word);
    }

    /** The class-data archive the unit names, if any (built at install beside the jar). */
    java.util.Optional<String> archive() {
        return options.stream().filter(o -> o.startsWith(ARCHIVE_OPTION)).map(o -> o.substring(ARCHIVE_OPTION.length()))
                .findFirst();
    }

    /** The same JVM with the class-data archive at {@code jsa} (the bench's, built as the install builds it). */
    AgentJvm withArchive(Path jsa) {
        return new AgentJvm(options.stream()
                .map(o -> o.startsWith(ARCHIVE_OPTION) ? ARCHIVE_OPTION + jsa.toAbsolutePath() : o).toList(), environment);
    }

    /** The same JVM with its options replaced (the bench's {@code --java-options}, to measure one option's effect). */
    AgentJvm withOptions(List<String> replaced) {
        return new AgentJvm(replaced, environment);
    }

    /** For the report: the options as one line. */
    String commandLine() {
        StringBuilder s = new StringBuilder();
        environment.forEach((k, v) -> {
            if (!k.startsWith("LOALANG_")) {
                s.append(k).append('=').append(v).append(' ');
            }
        });
        return s.append("java ").append(String.join(" ", options)).toString();
    }
}
