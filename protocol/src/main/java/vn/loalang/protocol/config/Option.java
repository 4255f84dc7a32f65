package vn.loalang.protocol.config;

import java.util.Objects;

/**
 * One setting, defined once: its key, type and bounds ({@link OptionType}), default and help. The
 * command line, the config files, {@code --help} and docs/configuration.md all come from these
 * definitions, so a bad value is refused with the same {@link OptionException} wherever it is
 * written. Immutable; built as {@code Option.of(key, type, what).byDefault(…).help(…)}.
 *
 * @param <T> the value's Java type
 */
public final class Option<T> {
    private final String key;
    private final OptionType<T> type;
    private final String what;
    private final T defaultValue;
    private final String defaultText;
    private final String help;
    private final String example;
    private final String metavar;
    private final boolean required;

    private Option(String key, OptionType<T> type, String what, T defaultValue, String defaultText, String help,
                   String example, String metavar, boolean required) {
        this.key = Objects.requireNonNull(key);
        this.type = Objects.requireNonNull(type);
        this.what = Objects.requireNonNull(what);
        this.defaultValue = defaultValue;
        this.defaultText = defaultText;
        this.help = help;
        this.example = example;
        this.metavar = metavar;
        this.required = required;
    }

    /**
     * @param key  as written in the file (a JSON path such as {@code cache.maxMegabytes}) or after
     *             {@code --} on the command line
     * @param what the setting as a noun phrase, for messages: "give {what} as {rule}"
     */
    public static <T> Option<T> of(String key, OptionType<T> type, String what) {
        return new Option<>(key, type, what, null, null, null, null, null, false);
    }

    public Option<T> byDefault(T value) {
        return new Option<>(key, type, what, value, defaultText, help, example, metavar, required);
    }

    /** The default in words, when it is not a fixed value (e.g. "http://127.0.0.1:HTTP-PORT"). */
    public Option<T> defaultInWords(String words) {
        return new Option<>(key, type, what, defaultValue, words, help, example, metavar, required);
    }

    /** What the setting does, for {@code --help} and the docs; without it, {@code what} is shown. */
    public Option<T> help(String text) {
        return new Option<>(key, type, what, defaultValue, defaultText, text, example, metavar, required);
    }

    /** A value to show in messages; without it, the default. */
    public Option<T> example(String text) {
        return new Option<>(key, type, what, defaultValue, defaultText, help, text, metavar, required);
    }

    /** The placeholder of {@code --help} when the type's (e.g. FILE for a path) says too little, e.g. DIR. */
    public Option<T> metavar(String text) {
        return new Option<>(key, type, what, defaultValue, defaultText, help, example, text, required);
    }

    /** It must be given: a missing value is refused, not defaulted. */
    public Option<T> required() {
        return new Option<>(key, type, what, defaultValue, defaultText, help, example, metavar, true);
    }

    /**
     * Reads a value written as text (a command-line argument, a value of a config file). Null means
     * not given: the default, or null when there is none, or a refusal when it is required.
     *
     * @param shownAs how the technician wrote its name, e.g. {@code --http-port} or
     *                {@code http-port in /etc/loalang/controller.json}
     */
    public T read(String text, String shownAs) {
        if (text == null) {
            return check(null, shownAs);
        }
        T value = type.read(text);
        if (value == null || !type.allows(value)) {
            throw refusal(shownAs, text);
        }
        return value;
    }

    public T read(String text) {
        return read(text, key);
    }

    /** Checks a value already typed (e.g. by a JSON reader): null is the default; one out of bounds is refused. */
    public T check(T value, String shownAs) {
        if (value == null) {
            if (required && defaultValue == null) {
                throw new OptionException(key, shownAs + " is missing: give " + what + " as " + type.rule()
                        + ", e.g. " + example());
            }
            return defaultValue;
        }
        if (!type.allows(value)) {
            throw refusal(shownAs, String.valueOf(value));
        }
        return value;
    }

    public T check(T value) {
        return check(value, key);
    }

    /** The refusal of {@code text} written for this option, in the one shape every source uses. */
    public OptionException refusal(String shownAs, String text) {
        return new OptionException(key, shownAs + " = " + text + " is not allowed: give " + what + " as "
                + type.rule() + ", e.g. " + example());
    }

    public String key() {
        return key;
    }

    public OptionType<T> type() {
        return type;
    }

    public T defaultValue() {
        return defaultValue;
    }

    public boolean isRequired() {
        return required;
    }

    /** The default as the docs show it: the value, its description, "required" or "none". */
    public String defaultText() {
        if (defaultText != null) {
            return defaultText;
        }
        if (type.isFlag()) {
            return Boolean.TRUE.equals(defaultValue) ? "on" : "off";
        }
        if (defaultValue != null) {
            return String.valueOf(defaultValue);
        }
        return required ? "required" : "none";
    }

    public String help() {
        return help != null ? help : Character.toUpperCase(what.charAt(0)) + what.substring(1);
    }

    public String example() {
        if (example != null) {
            return example;
        }
        return defaultValue != null ? String.valueOf(defaultValue) : type.metavar();
    }

    public String metavar() {
        return metavar != null ? metavar : type.metavar();
    }

    @Override
    public String toString() {
        return key;
    }
}
