package vn.loalang.protocol.config;

import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * A program's command line read against its option definitions: {@code --key VALUE}, or {@code --key}
 * alone for a {@link OptionType#flag() flag}. Every value given is read and checked by its definition
 * at once, so a bad one is refused with the {@link OptionException} a config file's would get, and an
 * unknown option before anything starts. A required option not given is refused when it is asked
 * for: {@code --version} needs no config.
 */
public final class CommandLine {
    private final Map<String, String> given;
    private final Map<String, Option<?>> defined = new HashMap<>();

    private CommandLine(Map<String, String> given, List<Option<?>> options) {
        this.given = given;
        options.forEach(o -> defined.put(o.key(), o));
    }

    /**
     * @throws OptionException          a value given breaks its option's rule
     * @throws IllegalArgumentException an unknown option, a word that is not an option, a missing value
     */
    public static CommandLine read(String[] args, List<Option<?>> options) {
        Set<String> known = new TreeSet<>();
        Set<String> flags = new TreeSet<>();
        for (Option<?> o : options) {
            known.add("--" + o.key());
            if (o.type().isFlag()) {
                flags.add("--" + o.key());
            }
        }
        // Before the words are paired: a misspelt flag is unknown, not an option missing its value.
        Set<String> unknown = new TreeSet<>();
        Arrays.stream(args).filter(a -> a.startsWith("--") && !known.contains(a)).forEach(unknown::add);
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("unknown option(s): " + String.join(", ", unknown));
        }
        CommandLine line = new CommandLine(words(args, flags::contains), options);
        line.given.forEach((name, text) -> line.defined.get(name.substring(2)).read(text, name));
        return line;
    }

    /**
     * The {@code --name value} pairs of {@code args} in order, a name that {@code isFlag} names taking
     * no value (its value is {@code true}). The one way the programs split their command lines.
     */
    public static Map<String, String> words(String[] args, Predicate<String> isFlag) {
        Map<String, String> out = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument '" + args[i] + "'");
            }
            if (isFlag.test(args[i])) {
                out.put(args[i], "true");
                continue;
            }
            if (i + 1 >= args.length || args[i + 1].startsWith("--")) {
                throw new IllegalArgumentException(args[i] + " needs a value");
            }
            out.put(args[i], args[++i]);
        }
        return out;
    }

    /** The value of {@code option}: as given, else its default; a required one not given is refused now. */
    public <T> T get(Option<T> option) {
        String name = "--" + option.key();
        return option.read(given.get(name), name);
    }
}
