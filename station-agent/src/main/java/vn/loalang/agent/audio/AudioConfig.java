package vn.loalang.agent.audio;

import java.nio.file.Path;
import vn.loalang.protocol.config.Option;
import vn.loalang.protocol.config.OptionType;

/**
 * Where sound goes: {@code javasound} (the named line, or the default one) or {@code wav}
 * (one WAV file per session in {@code wavDir}, for simulation).
 */
public record AudioConfig(String sink, String device, Path wavDir, Integer sampleRate, Integer channels, Double volumeDb) {
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
            .help("A gain added to every item's, for a station louder or quieter than the others.");

    public AudioConfig {
        sink = AUDIO_SINK.check(sink);
        if (sink.equals("wav") && wavDir == null) {
            throw new IllegalArgumentException("audio.wavDir is required when audio.sink is wav");
        }
        sampleRate = AUDIO_SAMPLE_RATE.check(sampleRate);
        channels = AUDIO_CHANNELS.check(channels);
        volumeDb = AUDIO_VOLUME_DB.check(volumeDb);
    }

    public static AudioConfig wavFiles(Path dir) {
        return new AudioConfig("wav", null, dir, 44_100, 1, 0.0);
    }
}
