package vn.loalang.controller.cli;

import vn.loalang.protocol.Ids;
import vn.loalang.protocol.alert.Alert;
import vn.loalang.protocol.config.Option;
import vn.loalang.protocol.config.OptionType;

import java.util.List;

/**
 * The options of {@code alert} (besides the login, {@link SessionOptions}), defined once: read by
 * {@link AlertCommand}, listed in its {@code --help} and in docs/configuration.md. The bounds are the
 * wire's ({@link Alert}: 1 to 10 plays, 0 to 3600 s between them, its priorities and preambles), so a
 * typo is refused before the password is asked for; the controller checks them again. A value not
 * given is not sent: the controller's default applies (the defaults shown are the controller's).
 */
public final class AlertOptions {
    private AlertOptions() {
    }

    /** The limit on an alert's life that the controller keeps too, in minutes. */
    private static final int LONGEST_MINUTES = (int) Alert.LONGEST.toMinutes();

    public static final Option<String> VILLAGES = Option.of("villages",
                    OptionType.text("ID[,ID…]", "village ids separated by commas, or * for the whole commune",
                            AlertOptions::isVillages), "the villages")
            .example("thon-dong,thon-tay")
            .help("The villages whose loudspeakers play it; * the whole commune (operators and administrators only). "
                    + "Required to trigger an alert.");
    public static final Option<String> CONTENT = Option.of("content", OptionType.id(), "the recording")
            .example("canh-bao-lu").help("A recording of the library to play (or --text).");
    public static final Option<String> TEXT = Option.of("text", OptionType.text("\"…\""), "the text to speak")
            .example("\"Nước lên nhanh, di chuyển lên chỗ cao\"")
            .help("Typed text, spoken by the controller's speech engine (espeak-ng, Vietnamese voice), instead of --content.");
    public static final Option<String> REASON = Option.of("reason", OptionType.text("\"…\""), "the reason")
            .example("\"lũ về / flood\"").help("Why, for the audit log; required to trigger an alert.");
    public static final Option<Integer> MINUTES = Option.of("minutes", OptionType.integer(1, LONGEST_MINUTES, "minutes"),
                    "how long the alert lasts").defaultInWords(String.valueOf(Alert.DEFAULT_LIFE.toMinutes()))
            .example(String.valueOf(Alert.DEFAULT_LIFE.toMinutes()))
            .help("How long the alert stays active; a station that connects within it still plays it.");
    public static final Option<Integer> REPEATS = Option.of("repeats", OptionType.integer(1, Alert.MAX_REPEATS, null),
                    "how many times it plays").defaultInWords(String.valueOf(Alert.DEFAULT_REPEATS))
            .example(String.valueOf(Alert.DEFAULT_REPEATS))
            .help("How many times the whole announcement plays.");
    public static final Option<Integer> INTERVAL = Option.of("interval", OptionType.integer(0, Alert.MAX_INTERVAL_SECONDS,
                    "seconds"), "the silence between two plays").defaultInWords(String.valueOf(Alert.DEFAULT_INTERVAL_SECONDS))
            .example(String.valueOf(Alert.DEFAULT_INTERVAL_SECONDS))
            .help("The silence between two plays.");
    public static final Option<String> PRIORITY = Option.of("priority", OptionType.oneOf(sorted(Alert.PRIORITIES)),
                    "the priority").defaultInWords(Alert.DEFAULT_PRIORITY.name()).example("WARNING")
            .help("EMERGENCY pre-empts everything and ignores quiet hours; WARNING pre-empts sessions and waits out "
                    + "quiet hours.");
    public static final Option<String> PREAMBLE = Option.of("preamble", OptionType.oneOf(sorted(Alert.PREAMBLES)),
                    "the sound before it").defaultInWords(Alert.DEFAULT_PREAMBLE.name()).example("CHIME")
            .help("The sound each station makes before the announcement.");
    public static final Option<String> CANCEL = Option.of("cancel", OptionType.id(), "the alert to cancel")
            .example("a-20261206-023000-1a2b").help("Cancel this alert on every loudspeaker at once.");
    public static final Option<String> STATUS = Option.of("status", OptionType.id(), "the alert to show")
            .example("a-20261206-023000-1a2b").help("Show this alert's progress, loudspeaker by loudspeaker.");

    /** In the order {@code --help} and the docs list them. */
    public static final List<Option<?>> ALL = List.of(VILLAGES, CONTENT, TEXT, REASON, MINUTES, REPEATS, INTERVAL,
            PRIORITY, PREAMBLE, CANCEL, STATUS);

    /** The ids of {@code --villages}, in the order given. */
    static List<String> villages(String text) {
        return List.of(text.split(","));
    }

    private static boolean isVillages(String text) {
        return text.equals("*") || villages(text).stream().allMatch(Ids::isValid);
    }

    private static String[] sorted(java.util.Set<String> words) {
        return words.stream().sorted().toArray(String[]::new);
    }
}
