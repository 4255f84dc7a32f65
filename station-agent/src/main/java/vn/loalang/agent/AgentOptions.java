package vn.loalang.agent;

import vn.loalang.agent.relay.GpioConfig;
import vn.loalang.agent.relay.RelayConfig;
import vn.loalang.agent.relay.SenseConfig;
import vn.loalang.agent.audio.AudioConfig;
import vn.loalang.agent.link.ReconnectConfig;
import vn.loalang.agent.playout.PlayoutConfig;
import vn.loalang.agent.content.CacheConfig;
import vn.loalang.agent.clock.ClockConfig;
import vn.loalang.agent.telemetry.TelemetryConfig;
import vn.loalang.agent.update.UpdateConfig;
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

    /** Every key, in the order the docs list them. */
    public static final List<Option<?>> ALL = List.of(STATION_ID, BROKER_URL, USERNAME, PASSWORD, CA_FILE, TOPIC_ROOT,
            DATA_DIR, TRUSTED_KEYS, WARMUP_MILLIS, TAIL_MILLIS, MAX_CLOCK_SKEW_SECONDS, ACK_TIMEOUT_MILLIS,
            ReconnectConfig.RECONNECT_MIN_MILLIS, ReconnectConfig.RECONNECT_MAX_MILLIS, ReconnectConfig.RECONNECT_KEEP_ALIVE_SECONDS, GpioConfig.GPIO_PROVIDER, GpioConfig.GPIO_RELAYS, RelayConfig.RELAY_NAME, RelayConfig.RELAY_PIN,
            RelayConfig.RELAY_ACTIVE_LOW, RelayConfig.RELAY_WARMUP_MILLIS, GpioConfig.GPIO_STAGGER_MILLIS, GpioConfig.GPIO_SENSES, SenseConfig.SENSE_RELAY, SenseConfig.SENSE_PIN,
            SenseConfig.SENSE_ACTIVE_LOW, AudioConfig.AUDIO_SINK, AudioConfig.AUDIO_DEVICE, AudioConfig.AUDIO_WAV_DIR, AudioConfig.AUDIO_SAMPLE_RATE, AudioConfig.AUDIO_CHANNELS, AudioConfig.AUDIO_VOLUME_DB, AudioConfig.AUDIO_MIXER_CARD, AudioConfig.AUDIO_MIXER_CONTROL,
            PlayoutConfig.PLAYOUT_AFTER_PREEMPTION, PlayoutConfig.PLAYOUT_STALL_TIMEOUT_MILLIS, CacheConfig.CACHE_MAX_MEGABYTES, ClockConfig.CLOCK_MAX_OFFSET_MILLIS, ClockConfig.CLOCK_RTC,
            TelemetryConfig.TELEMETRY_INTERVAL_SECONDS, TelemetryConfig.TELEMETRY_LOOK_SECONDS,
            UpdateConfig.UPDATE_RELEASE_KEYS, UpdateConfig.UPDATE_TRIAL_SECONDS);
}
