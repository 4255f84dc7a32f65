package vn.loalang.systemtests.bench;

import vn.loalang.protocol.config.Option;
import vn.loalang.protocol.config.OptionText;

import java.util.List;

/**
 * The benchmarks {@code ./loalang bench NAME} runs, each with what it measures and its options, defined
 * next to the harness ({@code Options.ALL}): each one's {@code --help} and its section of
 * docs/configuration.md are made from here.
 */
public final class Benches {
    /** One benchmark as {@code ./loalang bench} names it. */
    public record Bench(String name, String measures, List<Option<?>> options) {
        /** What {@code ./loalang bench NAME --help} prints. */
        public String usage() {
            return "Usage: ./loalang bench " + name + " [options]\n\n" + measures + "\n\nOptions:\n"
                    + OptionText.commandLine(options);
        }
    }

    public static final Bench AGENT = new Bench("agent", "The station agent as it runs on a Pi (its unit's JVM options):"
            + " heap, RSS, CPU, start-up, MP3 decode speed next to mpg123, and its bytes a day on a SIM"
            + " (docs/benchmarks.md). ./loalang gives --agent-jar, --unit and --work.", AgentFootprintBench.Options.ALL);
    public static final Bench ALERT = new Bench("alert", "An alert to a village of N stations: from the API call to the"
            + " first sample on each loudspeaker, next to the broker's raw fan-out, also while another village's"
            + " schedules are recompiled (docs/benchmarks.md). ./loalang gives --work.", AlertLatencyBench.Options.ALL);
    public static final Bench HEALTH = new Bench("health", "N stations reporting into one controller: its CPU, heap and"
            + " how soon a station's change is shown (docs/benchmarks.md). ./loalang gives --controller-jar and --work.",
            HealthBench.Options.ALL);
    public static final Bench CONNECT = new Bench("connect", "N stations connecting at once to the locked-down"
            + " Mosquitto (TLS, passwords, ACL) next to an open one: broker CPU, time until all are back."
            + " ./loalang gives --work.", ConnectBench.Options.ALL);

    public static final Bench LIVE = new Bench("live", "A live talk from the operator's browser to N stations: from the"
            + " browser's capture of a marker to each station's first sample of it, and the bytes each station receives"
            + " (docs/benchmarks.md). ./loalang gives --work.", LiveBench.Options.ALL);

    /** In the order the docs list them. */
    public static final List<Bench> ALL = List.of(AGENT, ALERT, HEALTH, CONNECT, LIVE);

    private Benches() {
    }
}
