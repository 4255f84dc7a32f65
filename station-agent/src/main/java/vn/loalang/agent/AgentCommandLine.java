package vn.loalang.agent;

import vn.loalang.protocol.config.Option;
import vn.loalang.protocol.config.OptionText;
import vn.loalang.protocol.config.OptionType;

import java.nio.file.Path;
import java.util.List;

/**
 * The station agent's command line, defined once: {@link Main} reads it with
 * {@link vn.loalang.protocol.config.CommandLine}, and its {@code --help} and docs/configuration.md are
 * made from {@link #ALL}. It says how to run; what the station is and does is {@code station.json}'s
 * ({@link AgentOptions}).
 */
public final class AgentCommandLine {
    /** As {@link OptionText#refusal} and {@code --help} name the program. */
    static final String PROGRAM = "loalang-station-agent";

    private AgentCommandLine() {
    }

    public static final Option<Path> CONFIG = Option.of("config", OptionType.path("FILE"), "the station's config file")
            .required().example("/etc/loalang/station.json")
            .help("The station config (station id, broker, trusted keys, relays, audio), written by provision station;"
                    + " every key, its default and bounds: docs/configuration.md.");
    public static final Option<Boolean> SIMULATE = flag("simulate", "Mock GPIO and WAV files instead of real pins and"
            + " sound card (without it the config must name gpio.provider gpiod and audio.device).");
    public static final Option<Boolean> RELAYS_OFF = flag("relays-off", "Switch every amplifier relay OFF and exit,"
            + " starting nothing else (what systemd runs after the agent stops: ExecStopPost).");
    public static final Option<Boolean> WARM_TLS = flag("warm-tls", "With --relays-off: also a TLS connect's client side,"
            + " offline (the commune CA, a ClientHello, the certificate check), so that the run which builds the"
            + " class-data archive (loalang-update, the .deb) puts those classes in it.");
    public static final Option<Boolean> EXIT_WITH_PARENT = flag("exit-with-parent", "Stop (relays OFF, goodbye sent)"
            + " when standard input closes: the process that started the agent (./loalang demo) ended, even by SIGKILL.");
    public static final Option<Boolean> VERSION = flag("version", "Print the version and exit.");
    public static final Option<Boolean> HELP = flag("help", "Print this help and exit (-h too).");

    /** In the order {@code --help} and the docs list them. */
    public static final List<Option<?>> ALL = List.of(CONFIG, SIMULATE, RELAYS_OFF, WARM_TLS, EXIT_WITH_PARENT, VERSION,
            HELP);

    static final String USAGE = """
            Loa Làng station agent — plays the commune's sessions on this loudspeaker station.

            Usage: %s --config station.json [--simulate] [--relays-off [--warm-tls]] [--exit-with-parent]

            Options:
            %s""".formatted(PROGRAM, OptionText.commandLine(ALL));

    private static Option<Boolean> flag(String key, String help) {
        return Option.of(key, OptionType.flag(), key).byDefault(false).help(help);
    }

    /** Whether {@code args} ask for the help, whatever else they say. */
    static boolean asksForHelp(String[] args) {
        return List.of(args).contains("--" + HELP.key()) || List.of(args).contains("-h");
    }
}
