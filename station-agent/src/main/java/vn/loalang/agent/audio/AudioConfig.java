package vn.loalang.agent.audio;

import java.nio.file.Path;
import vn.loalang.protocol.config.Option;
import vn.loalang.protocol.config.OptionType;

/**
 * Where sound goes: {@code javasound} (the named line, or the default one) or {@code wav}
 * (one WAV file per session in {@code wavDir}, for simulation).
 */
public record AudioConfig(String sink, String device, Path wavDir, Integer sampleRate, Integer channels, Double volumeDb,
                          Mixer mixer) {
    /** Its settings in {@code station.json}, defined once (see {@link vn.loalang.agent.AgentOptions#ALL}). */
    public static final Option<String> AUDIO_SINK = Option.of("audio.sink", OptionType.oneOf("javasound", "wav"),
                    "where sound goes").byDefault("javasound")
            .help("javasound plays on the sound card; wav writes one WAV file per session to audio.wavDir (simulation). "
                    + "With no audio section at all: wav files in DATA/rendered, which the agent refuses without --simulate.");
    public static final Option<String> AUDIO_DEVICE = Option.of("audio.device", OptionType.text("NAME"), "the sound card's name")
            .defaultInWords("required on a station (without --simulate)")
            .help("The sound card to play on, by (part of) its name as aplay -l shows it, e.g. USB Audio; the default line "
                    + "may be HDMI, where nobody hears.");
    public static final Option<Path> AUDIO_WAV_DIR = Option.of("audio.wavDir", OptionType.path("DIR"),
            "the folder of rendered WAV files").help("Where the wav sink writes; required when audio.sink is wav.");
    public static final Option<Integer> AUDIO_SAMPLE_RATE = Option.of("audio.sampleRate",
            OptionType.integer(8000, 96_000, "Hz"), "the output's sample rate").byDefault(44_100)
            .help("The sample rate the sound card is driven at. The commune server delivers content at its --line-rate"
                    + " and --line-channels: keep them the same as this and audio.channels, or the station resamples every"
                    + " item as it plays, at a cost in CPU.");
    public static final Option<Integer> AUDIO_CHANNELS = Option.of("audio.channels", OptionType.integer(1, 2, null),
            "the output's channel count").byDefault(1).help("1 (mono) or 2 (stereo).");
    public static final Option<Double> AUDIO_VOLUME_DB = Option.of("audio.volumeDb", OptionType.decimal(-60, 20, "decibels"),
            "the station's volume").byDefault(0.0)
            .help("The installer's trim: a gain added to every item's, for a station louder or quieter than the others. "
                    + "The technician's station volume and the operator's session volume, from the schedule, add to it.");
    public static final Option<String> AUDIO_MIXER_CARD = Option.of("audio.mixer.card", OptionType.text("CARD"),
            "the sound card whose mixer takes the level")
            .defaultInWords("none: the level is applied to the samples")
            .help("When set, each program's level (trim + station + session) is set on this card's mixer with amixer -c CARD"
                    + " (a number or a name as aplay -l shows it), keeping the samples' resolution for quiet sessions; a boost"
                    + " above 0 dB stays in the samples. Needs alsa-utils.");
    public static final Option<String> AUDIO_MIXER_CONTROL = Option.of("audio.mixer.control", OptionType.text("NAME"),
            "the mixer control that takes the level").byDefault("PCM")
            .help("The simple mixer control set with amixer sset, e.g. PCM, Speaker or Master (amixer -c CARD scontrols"
                    + " lists them).");

    /** The sound card's mixer to set the level on; {@code card} null: none, the level is digital. */
    public record Mixer(String card, String control) {
        public Mixer {
            control = AUDIO_MIXER_CONTROL.check(control);
        }
    }

    public AudioConfig(String sink, String device, Path wavDir, Integer sampleRate, Integer channels, Double volumeDb) {
        this(sink, device, wavDir, sampleRate, channels, volumeDb, null);
    }

    public AudioConfig {
        sink = AUDIO_SINK.check(sink);
        if (sink.equals("wav") && wavDir == null) {
            throw new IllegalArgumentException("audio.wavDir is required when audio.sink is wav");
        }
        sampleRate = AUDIO_SAMPLE_RATE.check(sampleRate);
        channels = AUDIO_CHANNELS.check(channels);
        volumeDb = AUDIO_VOLUME_DB.check(volumeDb);
    }

    /** Where the level goes: the mixer when one is configured, else the samples. */
    public OutputLevel outputLevel(String stationId) {
        return mixer == null || mixer.card() == null || mixer.card().isBlank() ? new DigitalGain()
                : new AlsaMixerLevel(stationId, mixer.card(), mixer.control());
    }

    public static AudioConfig wavFiles(Path dir) {
        return new AudioConfig("wav", null, dir, 44_100, 1, 0.0);
    }
}
