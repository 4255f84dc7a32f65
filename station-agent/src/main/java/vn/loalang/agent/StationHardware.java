package vn.loalang.agent;

import java.util.ArrayList;
import java.util.List;

/**
 * What a station on a pole must name in its config before the agent may run without {@code --simulate}:
 * the real GPIO provider and the sound card. Without this check a config missing its audio section
 * would play every session into WAV files, and one missing its gpio section would switch mock relays:
 * a silent village that reports itself healthy.
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
        } else if (config.audio().device() == null || config.audio().device().isBlank()) {
            problems.add("audio.device is missing: name the sound card (part of its name as `aplay -l` shows it, "
                    + "e.g. \"USB Audio\" or \"Headphones\"); the default line may be HDMI, where nobody hears");
        }
        return problems;
    }
}
