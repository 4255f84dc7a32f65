package vn.loalang.controller.cli;

import vn.loalang.protocol.config.Option;
import vn.loalang.protocol.config.OptionType;
import vn.loalang.protocol.station.Command;

import java.util.List;
import java.util.Locale;

/**
 * The options of {@code station} (besides the login, {@link SessionOptions}), defined once: read by
 * {@link StationCommand}, listed in its {@code --help} and in docs/configuration.md.
 */
public final class StationCommandOptions {
    private StationCommandOptions() {
    }

    public static final Option<String> STATION = Option.of("station", OptionType.id(), "the station")
            .required().example("thon-dong-1").help("The station to command (not with an UPDATE to --village or --all).");
    public static final Option<String> ACTION = Option.of("action",
                    OptionType.text("ACTION", "LIST, TEST_TONE, RELAY_TEST, RESYNC, RESTART or UPDATE (any case)",
                            s -> isAction(s.toUpperCase(Locale.ROOT))), "the command")
            .required().example("TEST_TONE").help("What the station does; LIST: its last 50 commands and their answers.");
    /** The wire's bounds: a {@link Command} of a test lasts 1 to 60 seconds. */
    public static final Option<Integer> SECONDS = Option.of("seconds", OptionType.integer(1, 60, "seconds"),
            "the test's length").byDefault(5).help("How long the tone plays or the relay stays on.");
    public static final Option<Integer> WAIT = Option.of("wait", OptionType.integer(0, 3600, "seconds"),
            "the wait for the answer").byDefault(30).help("How long to wait for the station's answer (0: do not wait).");

    public static final Option<java.nio.file.Path> RELEASE = Option.of("release", OptionType.path("FILE"), "the release to install")
            .example("release-1.4.0.json").help("UPDATE: the signed release made by loalang-controller release on the build machine.");
    public static final Option<String> VILLAGE = Option.of("village", OptionType.id(), "the village to update")
            .example("thon-dong").help("UPDATE: every station of this village, instead of --station.");
    public static final Option<Boolean> EVERY_STATION = Option.of("all", OptionType.bool(), "every station")
            .example("true").help("UPDATE: every station of the commune (--all true), instead of --station.");

    /** In the order {@code --help} and the docs list them. */
    public static final List<Option<?>> ALL = List.of(STATION, ACTION, SECONDS, WAIT, RELEASE, VILLAGE, EVERY_STATION);

    private static boolean isAction(String upperCase) {
        return upperCase.equals("LIST") || Command.ACTIONS.contains(upperCase);
    }
}
