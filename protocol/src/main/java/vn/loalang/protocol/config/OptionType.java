package vn.loalang.protocol.config;

import vn.loalang.protocol.Ids;
import vn.loalang.protocol.Topics;

import java.net.URI;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * What values an option takes: how its text is read, which values are allowed, and the rule said in
 * words for messages, {@code --help} and the docs. A value that does not read, or reads but is not
 * allowed, breaks the same rule and gets the same message.
 *
 * @param <T> the Java type the option's value has
 */
public final class OptionType<T> {
    private final String name;
    private final String metavar;
    private final Function<String, T> read;
    private final Predicate<T> allows;
    private final String rule;
    private final boolean value;

    private OptionType(String name, String metavar, Function<String, T> read, Predicate<T> allows, String rule,
                       boolean value) {
        this.name = name;
        this.metavar = metavar;
        this.read = read;
        this.allows = allows;
        this.rule = rule;
        this.value = value;
    }

    /** A whole number from {@code min} to {@code max}; {@code unit} (e.g. "megabytes") may be null. */
    public static OptionType<Integer> integer(int min, int max, String unit) {
        return new OptionType<>("integer", "N", Integer::valueOf, v -> v >= min && v <= max, wholeRule(min, max, unit), true);
    }

    /** A whole number that {@code allows} accepts, e.g. one of a few pins; {@code rule} says which in words. */
    public static OptionType<Integer> integer(String rule, Predicate<Integer> allows) {
        return new OptionType<>("integer", "N", Integer::valueOf, allows, rule, true);
    }

    /** As {@link #integer}, for settings kept as a {@code long} (milliseconds, megabytes). */
    public static OptionType<Long> whole(long min, long max, String unit) {
        return new OptionType<>("integer", "N", Long::valueOf, v -> v >= min && v <= max, wholeRule(min, max, unit), true);
    }

    public static OptionType<Integer> port() {
        return new OptionType<>("port", "PORT", Integer::valueOf, v -> v >= 1 && v <= 65535,
                "a TCP port from 1 to 65535", true);
    }

    public static OptionType<Double> decimal(double min, double max, String unit) {
        return new OptionType<>("number", "X", Double::valueOf, v -> v >= min && v <= max,
                "a number" + (unit == null ? "" : " of " + unit) + " from " + plain(min) + " to " + plain(max), true);
    }

    public static OptionType<Boolean> bool() {
        return new OptionType<>("boolean", "true|false", OptionType::trueOrFalse, v -> true, "true or false", true);
    }

    /**
     * A command-line switch, given alone ({@code --simulate}) or not at all: true when given. It
     * takes no value on the command line; in a file it would be {@code true} or {@code false}.
     */
    public static OptionType<Boolean> flag() {
        return new OptionType<>("flag", "", OptionType::trueOrFalse, v -> true, "given alone, without a value", true);
    }

    private static boolean trueOrFalse(String text) {
        return switch (text) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException("not a boolean");
        };
    }

    /** Any text that is not blank. */
    public static OptionType<String> text(String metavar) {
        return text(metavar, "a text that is not blank", s -> !s.isBlank());
    }

    /** Text that {@code allows} accepts (blank too, if it says so); {@code rule} says which, e.g. "a plain path such as loalang/v1". */
    public static OptionType<String> text(String metavar, String rule, Predicate<String> allows) {
        return new OptionType<>("text", metavar, text -> text, allows, rule, true);
    }

    /** One of a few words, e.g. {@code resume} or {@code skip}. */
    public static OptionType<String> oneOf(String... words) {
        List<String> allowed = List.of(words);
        return new OptionType<>("choice", String.join("|", allowed), text -> text,
                allowed::contains, orList(allowed), true);
    }

    /** A file or folder; relative paths in a config file are relative to that file. */
    public static OptionType<Path> path(String metavar) {
        return new OptionType<>("path", metavar, text -> {
            if (text.isBlank()) {
                throw new IllegalArgumentException("blank path");
            }
            return Path.of(text);
        }, p -> true, "a file path", true);
    }

    /** An absolute URI with one of {@code schemes} and a host, e.g. {@code https://192.168.1.10:8443}. */
    public static OptionType<URI> uri(String... schemes) {
        Set<String> allowed = Set.of(schemes);
        return new OptionType<>("URL", "URL", URI::create,
                u -> u.getScheme() != null && allowed.contains(u.getScheme().toLowerCase(Locale.ROOT)) && u.getHost() != null,
                "a URL starting with " + orList(List.of(schemes).stream().map(s -> s + "://").toList()), true);
    }

    /** An id of a station, village or content ({@link Ids}): it appears in topics and file names. */
    public static OptionType<String> id() {
        return text("ID", "1 to 64 characters a-z, 0-9, '.', '_' or '-', starting with a letter or digit", Ids::isValid);
    }

    /** Where the MQTT broker is: {@code tcp://HOST:PORT} or, through TLS, {@code ssl://HOST:PORT}. */
    public static OptionType<String> brokerUrl() {
        return text("URL", "an MQTT URL tcp://HOST:PORT or ssl://HOST:PORT", OptionType::isBrokerUrl);
    }

    public static boolean isBrokerUrl(String s) {
        try {
            URI u = URI.create(s);
            return ("tcp".equals(u.getScheme()) || "ssl".equals(u.getScheme())) && u.getHost() != null;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** The root of every MQTT topic (see {@link Topics}); the controller and its stations must agree on it. */
    public static OptionType<String> topicRoot() {
        return text("ROOT", "a plain MQTT topic path with no leading or trailing /, no +, # or spaces",
                OptionType::isTopicRoot);
    }

    private static boolean isTopicRoot(String s) {
        try {
            new Topics(s);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /**
     * A part of a config file made of several settings (a map, a list of objects): documented with
     * its rule, read and checked by the record that holds it, never from a single text.
     */
    public static OptionType<Object> structure(String name, String rule) {
        return new OptionType<>(name, name, text -> {
            throw new IllegalArgumentException("not a single value");
        }, v -> true, rule, false);
    }

    /** The value {@code text} stands for, or null when it does not read as this type at all. */
    T read(String text) {
        try {
            return read.apply(text);
        } catch (RuntimeException e) { // NumberFormatException, IllegalArgumentException of URI and Path
            return null;
        }
    }

    boolean allows(T value) {
        return allows.test(value);
    }

    /** The rule in words, e.g. "a whole number of megabytes from 16 to 65536". */
    public String rule() {
        return rule;
    }

    /** The type's short name for the docs' table: integer, text, path, URL, … */
    public String name() {
        return name;
    }

    /** The placeholder of {@code --help}, e.g. {@code PORT}, {@code FILE}. */
    public String metavar() {
        return metavar;
    }

    /** True for a single value (a number, a text, a path); false for a {@link #structure}. */
    public boolean isValue() {
        return value;
    }

    /** True for a {@link #flag}: given alone on a command line, without a value. */
    public boolean isFlag() {
        return "flag".equals(name);
    }

    /** True when relative values are paths to resolve against a config file's folder. */
    public boolean isPath() {
        return "path".equals(name);
    }

    private static String wholeRule(long min, long max, String unit) {
        return "a whole number" + (unit == null ? "" : " of " + unit) + " from " + min + " to " + max;
    }

    private static String plain(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }

    private static String orList(List<String> words) {
        if (words.size() == 1) {
            return words.get(0);
        }
        return String.join(", ", words.subList(0, words.size() - 1)) + " or " + words.get(words.size() - 1);
    }
}
