package vn.loalang.controller.cli;

import com.fasterxml.jackson.databind.JsonNode;
import vn.loalang.protocol.Json;
import vn.loalang.protocol.config.CommandLine;
import vn.loalang.protocol.config.Option;
import vn.loalang.protocol.config.OptionException;
import vn.loalang.protocol.config.OptionText;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/**
 * {@code --name value} options, with a clear message for a missing value, a bad number or an
 * unknown option. {@code --config FILE} reads the same options from a JSON object
 * ({@code {"http-port": 8080, "store": "/var/lib/loalang/loalang.db"}}); the command line wins, and
 * relative paths in the file are relative to the file.
 */
public final class Args {
    private final Map<String, String> values = new HashMap<>();
    /** Options that came from the config file, with the folder their relative paths start from. */
    private final Map<String, Path> fromFile = new HashMap<>();
    private final Set<String> used = new HashSet<>();
    private Path configFile;

    public Args(String[] args) {
        values.putAll(CommandLine.words(args, name -> false)); // no flags: every option here takes a value
        String config = values.remove("--config");
        if (config != null) {
            readConfig(Path.of(config));
        }
    }

    private void readConfig(Path file) {
        configFile = file;
        JsonNode root;
        try {
            root = Json.mapper().readTree(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new IllegalArgumentException("--config " + file + " cannot be read: " + e.getMessage());
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("--config " + file + " must hold one JSON object of options,"
                    + " e.g. {\"http-port\": 8080}");
        }
        Path base = file.toAbsolutePath().getParent();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String name = "--" + e.getKey();
            if (!e.getValue().isValueNode() || e.getValue().isNull()) {
                throw new IllegalArgumentException("--config " + file + ": " + e.getKey() + " must be a text or a number");
            }
            if (!values.containsKey(name)) {
                values.put(name, e.getValue().asText());
                fromFile.put(name, base);
            }
        }
    }

    /**
     * The value of {@code option}, read and checked by its definition: its default when not given, an
     * {@link OptionException} naming where it was written when it breaks the option's rule. A
     * relative path from the config file is resolved against the file's folder.
     */
    public <T> T get(Option<T> option) {
        String name = "--" + option.key();
        String text = text(name);
        Path base = fromFile.get(name);
        if (text == null || base == null) {
            return option.read(text, name);
        }
        T value = option.read(text, option.key() + " in " + configFile);
        return value instanceof Path p ? cast(base.resolve(p).normalize()) : value;
    }

    @SuppressWarnings("unchecked")
    private static <T> T cast(Object value) {
        return (T) value;
    }

    /** Whether {@code option} was given, on the command line or in the config file. */
    public boolean has(Option<?> option) {
        return text("--" + option.key()) != null;
    }

    /** The text given for {@code name} (from the command line or the file), or null; marks it as asked for. */
    private String text(String name) {
        used.add(name);
        return values.get(name);
    }

    /**
     * What a person reads when a value breaks its option's rule, the same for every command: the
     * rule and an example, then where the list of options is; no page of usage.
     *
     * @param command as typed after {@code loalang-controller}, e.g. {@code run} or {@code provision}
     */
    public static String refusal(String command, OptionException e) {
        return OptionText.refusal("loalang-controller " + command, e);
    }

    public void requireAllUsed() {
        Set<String> unknown = new HashSet<>(values.keySet());
        unknown.removeAll(used);
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("unknown option(s): " + String.join(", ", unknown));
        }
    }
}
