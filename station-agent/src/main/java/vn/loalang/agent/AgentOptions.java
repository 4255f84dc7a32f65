package vn.loalang.agent;

import vn.loalang.protocol.Topics;
import vn.loalang.protocol.config.Option;
import vn.loalang.protocol.config.OptionType;

import java.nio.file.Path;
import java.util.List;

/**
 * Every key of {@code station.json}, defined once: {@link AgentConfig}'s records take their defaults
 * and bounds from here, {@link AgentConfig#read} checks the file's values against them, and
 * docs/configuration.md is generated from {@link #ALL}. A key is the JSON path in the file;
 * {@code []} marks each element of a list. Keys no definition names are ignored, as they always were
 * (a newer bundle's setting must not stop an older agent).
 */
public final class AgentOptions {
    private AgentOptions() {
    }

    public static final Option<String> STATION_ID = Option.of("stationId", OptionType.id(), "the station's id")
            .required().example("thon-dong-1")
            .help("The station's id, as enrolled on the controller (provision station --station).");
    public static final Option<String> BROKER_URL = Option.of("brokerUrl", OptionType.brokerUrl(), "the MQTT broker's address")
            .required().example("ssl://192.168.1.10:8883")
            .help("Where the commune's MQTT broker is; ssl:// needs caFile.");
    public static final Option<String> USERNAME = Option.of("username", OptionType.text("USER"), "the station's broker account")
            .help("The station's account on the broker (its station id when the controller enrolled it).");
    public static final Option<String> PASSWORD = Option.of("password", OptionType.text("PASSWORD"),
            "the station's broker password").help("Its password, written by provision station and rotate.");
    public static final Option<String> TOPIC_ROOT = Option.of("topicRoot", OptionType.topicRoot(), "the MQTT topic root")
            .byDefault(Topics.DEFAULT_ROOT).help("The MQTT topic root; the same as the controller's --topic-root.");
    public static final Option<Path> DATA_DIR = Option.of("dataDir", OptionType.path("DIR"), "the station's data folder")
            .required().example("/var/lib/loalang")
            .help("Where the station keeps its schedule, content cache and event journal (/var/lib/loalang on a Pi).");
    public static final Option<Path> CA_FILE = Option.of("caFile", OptionType.path("FILE"), "the commune CA's certificate")
            .help("For an ssl:// broker and https:// content: the commune's CA certificate (PEM), the only one trusted; "
                    + "relative to the config file's folder.");
    public static final Option<Object> TRUSTED_KEYS = Option.of("trustedKeys",
                    OptionType.structure("object", "key id → Ed25519 public key in PEM, at least one"),
                    "the keys the station obeys").required()
            .help("The only keys whose signed messages this station obeys: the controller's controller-signing.pub.pem.");
    public static final Option<Long> WARMUP_MILLIS = Option.of("warmupMillis", OptionType.whole(0, 30_000, "milliseconds"),
            "the amplifiers' warm-up").byDefault(2000L)
            .help("How long an amplifier needs after its relay goes ON before the first sample is played.");
    public static final Option<Long> TAIL_MILLIS = Option.of("tailMillis", OptionType.whole(0, 60_000, "milliseconds"),
            "the tail after a session").byDefault(1000L)
            .help("How long the relays stay ON after the last sample, so that the end is not cut.");
    public static final Option<Long> MAX_CLOCK_SKEW_SECONDS = Option.of("maxClockSkewSeconds",
                    OptionType.whole(1, 86_400, "seconds"), "the largest clock skew of a signed message").byDefault(300L)
            .help("How far a signed message's time may be from the station's clock before it is refused as stale or replayed.");
    public static final Option<Long> ACK_TIMEOUT_MILLIS = Option.of("ackTimeoutMillis",
                    OptionType.whole(100, 600_000, "milliseconds"), "the wait for an event's receipt").byDefault(15_000L)
            .help("How long to wait for the controller's receipt of an event before sending it again.");
    public static final Option<Long> RECONNECT_MIN_MILLIS = Option.of("reconnect.minMillis",
                    OptionType.whole(10, 600_000, "milliseconds"), "the first pause between connection attempts")
            .byDefault(500L).help("The first pause between two attempts to reach the broker; it doubles after each failure.");
    public static final Option<Long> RECONNECT_MAX_MILLIS = Option.of("reconnect.maxMillis",
                    OptionType.whole(10, 3_600_000, "milliseconds"), "the longest pause between connection attempts")
            .byDefault(30_000L).help("The longest pause between two attempts (at least reconnect.minMillis).");
    public static final Option<String> GPIO_PROVIDER = Option.of("gpio.provider", OptionType.oneOf("gpiod", "mock"),
                    "the GPIO provider").byDefault("gpiod")
            .help("gpiod switches the Raspberry Pi's (4/5) pins; mock only in simulation and tests. "
                    + "With no gpio section at all the station is simulated: mock, one relay amp on BCM 17.");
    public static final Option<Object> GPIO_RELAYS = Option.of("gpio.relays",
                    OptionType.structure("list", "at least one relay, names and pins used once"), "the relay outputs")
            .defaultInWords("required in a gpio section").help("The amplifier relays, switched ON one after the other in this order.");
    public static final Option<String> RELAY_NAME = Option.of("gpio.relays[].name", OptionType.text("NAME"), "a relay's name")
            .required().example("amp").help("The relay channel's name, e.g. amp.");
    public static final Option<Integer> RELAY_PIN = Option.of("gpio.relays[].pin", OptionType.integer(0, 53, null),
            "a relay's BCM pin").required().example("17").help("Its output pin, by BCM number.");
    public static final Option<Boolean> RELAY_ACTIVE_LOW = Option.of("gpio.relays[].activeLow", OptionType.bool(),
            "whether a relay board is active-low").byDefault(false)
            .help("True for boards that energise the relay when the pin is LOW.");
    public static final Option<Long> RELAY_WARMUP_MILLIS = Option.of("gpio.relays[].warmupMillis",
                    OptionType.whole(0, 30_000, "milliseconds"), "a channel's warm-up")
            .defaultInWords("the station's warmupMillis").example("3000")
            .help("This channel's amplifier warm-up, when it differs from the station's.");
    public static final Option<Long> GPIO_STAGGER_MILLIS = Option.of("gpio.staggerMillis",
                    OptionType.whole(0, 10_000, "milliseconds"), "the pause between relay channels").byDefault(300L)
            .help("The pause between switching one relay channel ON and the next, so that the amplifiers' inrush "
                    + "currents do not add up on a weak supply.");
    public static final Option<Object> GPIO_SENSES = Option.of("gpio.senses",
                    OptionType.structure("list", "inputs on pins no relay uses, each for a relay of gpio.relays"),
                    "the amplifier power inputs").defaultInWords("none")
            .help("Optional inputs (e.g. through an optocoupler) that read back whether each amplifier really has power.");
    public static final Option<String> SENSE_RELAY = Option.of("gpio.senses[].relay", OptionType.text("NAME"),
            "the relay a sense input follows").required().example("amp").help("The relay whose amplifier this input reads.");
    public static final Option<Integer> SENSE_PIN = Option.of("gpio.senses[].pin", OptionType.integer(0, 53, null),
            "a sense input's BCM pin").required().example("22").help("Its input pin, by BCM number.");
    public static final Option<Boolean> SENSE_ACTIVE_LOW = Option.of("gpio.senses[].activeLow", OptionType.bool(),
            "whether a sense input is active-low").byDefault(false).help("True when LOW means the amplifier has power.");
    public static final Option<String> AUDIO_SINK = Option.of("audio.sink", OptionType.oneOf("javasound", "wav"),
                    "where sound goes").byDefault("javasound")
            .help("javasound plays on the sound card; wav writes one WAV file per session to audio.wavDir (simulation). "
                    + "With no audio section at all: wav files in DATA/rendered.");
    public static final Option<String> AUDIO_DEVICE = Option.of("audio.device", OptionType.text("NAME"), "the sound card's name")
            .defaultInWords("the default line").help("The sound card to play on, by (part of) its name, e.g. USB Audio.");
    public static final Option<Path> AUDIO_WAV_DIR = Option.of("audio.wavDir", OptionType.path("DIR"),
            "the folder of rendered WAV files").help("Where the wav sink writes; required when audio.sink is wav.");
    public static final Option<Integer> AUDIO_SAMPLE_RATE = Option.of("audio.sampleRate",
            OptionType.integer(8000, 96_000, "Hz"), "the output's sample rate").byDefault(44_100)
            .help("The sample rate the sound card is driven at.");
    public static final Option<Integer> AUDIO_CHANNELS = Option.of("audio.channels", OptionType.integer(1, 2, null),
            "the output's channel count").byDefault(1).help("1 (mono) or 2 (stereo).");
    public static final Option<Double> AUDIO_VOLUME_DB = Option.of("audio.volumeDb", OptionType.decimal(-60, 20, "decibels"),
            "the station's volume").byDefault(0.0)
            .help("A gain added to every item's, for a station louder or quieter than the others.");
    public static final Option<String> PLAYOUT_AFTER_PREEMPTION = Option.of("playout.afterPreemption",
                    OptionType.oneOf("resume", "skip"), "what a pre-empted session does").byDefault("resume")
            .help("resume: a session pre-empted by a warning or an emergency goes on where it stopped, within its "
                    + "window; skip: the rest of it is dropped.");
    public static final Option<Long> PLAYOUT_STALL_TIMEOUT_MILLIS = Option.of("playout.stallTimeoutMillis",
                    OptionType.whole(100, 600_000, "milliseconds"), "the sound output's stall timeout").byDefault(5_000L)
            .help("How long the audio output may stop taking samples before the relays go OFF.");
    public static final Option<Long> CACHE_MAX_MEGABYTES = Option.of("cache.maxMegabytes",
                    OptionType.whole(16, 65_536, "megabytes"), "the content cache's size").byDefault(512L)
            .help("How much audio the card keeps; beyond it the files used longest ago are deleted, never those "
                    + "the coming sessions need nor what is playing.");
    public static final Option<Long> CLOCK_MAX_OFFSET_MILLIS = Option.of("clock.maxOffsetMillis",
                    OptionType.whole(10, 3_600_000, "milliseconds"), "the allowed clock offset").byDefault(2000L)
            .help("Beyond this offset from the controller's clock the station reports it (a CLOCK_OFFSET event).");
    public static final Option<Long> TELEMETRY_INTERVAL_SECONDS = Option.of("telemetry.intervalSeconds",
                    OptionType.whole(1, 3600, "seconds"), "the health report's interval").byDefault(30L)
            .help("How often the station sends its health snapshot (and at once when a relay changes).");

    /** Every key, in the order the docs list them. */
    public static final List<Option<?>> ALL = List.of(STATION_ID, BROKER_URL, USERNAME, PASSWORD, CA_FILE, TOPIC_ROOT,
            DATA_DIR, TRUSTED_KEYS, WARMUP_MILLIS, TAIL_MILLIS, MAX_CLOCK_SKEW_SECONDS, ACK_TIMEOUT_MILLIS,
            RECONNECT_MIN_MILLIS, RECONNECT_MAX_MILLIS, GPIO_PROVIDER, GPIO_RELAYS, RELAY_NAME, RELAY_PIN,
            RELAY_ACTIVE_LOW, RELAY_WARMUP_MILLIS, GPIO_STAGGER_MILLIS, GPIO_SENSES, SENSE_RELAY, SENSE_PIN,
            SENSE_ACTIVE_LOW, AUDIO_SINK, AUDIO_DEVICE, AUDIO_WAV_DIR, AUDIO_SAMPLE_RATE, AUDIO_CHANNELS, AUDIO_VOLUME_DB,
            PLAYOUT_AFTER_PREEMPTION, PLAYOUT_STALL_TIMEOUT_MILLIS, CACHE_MAX_MEGABYTES, CLOCK_MAX_OFFSET_MILLIS,
            TELEMETRY_INTERVAL_SECONDS);
}
