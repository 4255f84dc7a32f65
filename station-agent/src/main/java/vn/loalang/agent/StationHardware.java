package vn.loalang.agent;

import java.util.ArrayList;
import java.util.List;

/**
 * What a station on a pole must name in its config before the agent may run without {@code --simulate}:
 * the real GPIO provider and the sound card. Without this check a config missing its audio section
 * would play every session into WAV files, and one missing its gpio section would switch mock relays:
 * a silent village that reports itself healthy.
 *
 * <p>A sound card left unnamed is required at install ({@code provision station --audio-device},
 * {@code install.sh}) but only warned of here: stations installed before it was required play on their
 * default line, and an update must not silence them.
 */
public final class StationHardware {
    private StationHardware() {
    }

    /** Each thing the config lacks for real hardware, as a sentence for the technician; empty when none. */
    public static List<String> problems(AgentConfig config) {
        List<String> problems = new ArrayList<>();
        if (!config.gpio().provider().equals("gpiod")) {
            problems.add("gpio.provider is " + config.gpio().provider() + " (or the gpio section is missing): "
                    + "a station switches its relays with \"gpio\": {\"provider\": \"gpiod\", \"relays\": [...]}");
        }
        if (!config.audio().sink().equals("javasound")) {
            problems.add("audio.sink is " + config.audio().sink() + " (or the audio section is missing): a station "
                    + "plays on its sound card with \"audio\": {\"sink\": \"javasound\", \"device\": \"NAME\"}");
        }
        return problems;
    }

    /** What the agent runs with but the technician should fix, as sentences; empty when none. */
    public static List<String> warnings(AgentConfig config) {
        if (config.audio().sink().equals("javasound") && (config.audio().device() == null || config.audio().device().isBlank())) {
            return List.of("audio.device is missing: the station plays on the default line, which may be HDMI where "
                    + "nobody hears; name the sound card (part of its name as aplay -l shows it, e.g. \"USB Audio\")");
        }
        return List.of();
    }
}
