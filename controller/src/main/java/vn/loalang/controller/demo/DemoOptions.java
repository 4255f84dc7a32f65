package vn.loalang.controller.demo;

import vn.loalang.protocol.config.Option;
import vn.loalang.protocol.config.OptionType;

import java.nio.file.Path;
import java.util.List;

/**
 * The options of {@code demo}, defined once: read by {@link Demo}, listed in its {@code --help} and in
 * docs/configuration.md. {@code ./loalang demo} gives {@code --agent-jar}; a person gives the rest.
 */
public final class DemoOptions {
    private DemoOptions() {
    }

    public static final Option<Path> DATA = Option.of("data", OptionType.path("DIR"), "the demo's folder")
            .byDefault(Path.of("demo-data"))
            .help("Rebuilt at every run (a folder the demo did not make is refused): the rendered WAV files, the "
                    + "stations' logs and the controller's store.");
    public static final Option<Path> AGENT_JAR = Option.of("agent-jar", OptionType.path("JAR"), "the station agent's jar")
            .required().example("station-agent/target/loalang-station-agent.jar")
            .help("The station agent each simulated station runs (./loalang demo gives it).");
    public static final Option<Integer> EXIT_AFTER = Option.of("exit-after", OptionType.integer(0, 86_400, "seconds"),
                    "how long the demo runs").byDefault(0)
            .help("Stop after this long and print the summary line (0: run until Ctrl-C). When a slow station makes the"
                    + " bulletin move later, the end moves by as much.");
    public static final Option<Integer> START_IN = Option.of("start-in", OptionType.integer(1, 3600, "seconds"),
                    "the wait before the demo session").byDefault(15)
            .help("How soon the demo's bulletin starts, so the stations are connected and have fetched it first. A station"
                    + " that has not fetched it 3 s before moves it this much later, at least 10 s (at most three times).");

    /** In the order {@code --help} and the docs list them. */
    public static final List<Option<?>> ALL = List.of(DATA, AGENT_JAR, EXIT_AFTER, START_IN);
}
