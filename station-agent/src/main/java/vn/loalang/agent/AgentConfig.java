package vn.loalang.agent;

import com.fasterxml.jackson.databind.JsonNode;
import vn.loalang.protocol.Json;
import vn.loalang.protocol.MalformedMessageException;
import vn.loalang.protocol.Topics;
import vn.loalang.protocol.config.ConfigTree;
import vn.loalang.protocol.config.OptionException;
import vn.loalang.protocol.signing.Ed25519Keys;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static vn.loalang.agent.AgentOptions.*;

/**
 * A station's configuration, read from {@code station.json}. Missing optional fields take the
 * defaults below; missing required ones (station id, broker, trusted keys) are an error at start,
 * never a surprise at 5 a.m.
 *
 * @param trustedKeys      key id → Ed25519 public key in PEM: the only keys whose messages this station obeys
 * @param ackTimeoutMillis how long to wait for the controller's receipt of an event before sending it again
 * @param cache            how much content the station keeps beyond what its coming sessions need
 * @param clock            how far the station clock may drift from the controller's before it is reported
 * @param caFile           for an {@code ssl://} broker and {@code https://} content: the commune's CA certificate
 *                         (PEM), the only one trusted; a relative path is relative to the config file's directory
 */
public record AgentConfig(String stationId, String brokerUrl, String username, String password, String topicRoot,
                          Path dataDir, Map<String, String> trustedKeys, Gpio gpio, Audio audio,
                          Long warmupMillis, Long tailMillis, Long maxClockSkewSeconds, Reconnect reconnect,
                          Long ackTimeoutMillis, Playout playout, Cache cache, ClockCheck clock, Telemetry telemetry,
                          Path caFile) {

    public AgentConfig(String stationId, String brokerUrl, String username, String password, String topicRoot,
                       Path dataDir, Map<String, String> trustedKeys, Gpio gpio, Audio audio, Long warmupMillis,
                       Long tailMillis, Long maxClockSkewSeconds, Reconnect reconnect, Long ackTimeoutMillis) {
        this(stationId, brokerUrl, username, password, topicRoot, dataDir, trustedKeys, gpio, audio, warmupMillis,
                tailMillis, maxClockSkewSeconds, reconnect, ackTimeoutMillis, null, null, null, null, null);
    }

    public AgentConfig(String stationId, String brokerUrl, String username, String password, String topicRoot,
                       Path dataDir, Map<String, String> trustedKeys, Gpio gpio, Audio audio, Long warmupMillis,
                       Long tailMillis, Long maxClockSkewSeconds, Reconnect reconnect, Long ackTimeoutMillis,
                       Playout playout, Cache cache, ClockCheck clock, Telemetry telemetry) {
        this(stationId, brokerUrl, username, password, topicRoot, dataDir, trustedKeys, gpio, audio, warmupMillis,
                tailMillis, maxClockSkewSeconds, reconnect, ackTimeoutMillis, playout, cache, clock, telemetry, null);
    }

    public AgentConfig {
        STATION_ID.check(stationId);
        BROKER_URL.check(brokerUrl);
        topicRoot = TOPIC_ROOT.check(topicRoot);
        DATA_DIR.check(dataDir);
        if (trustedKeys == null || trustedKeys.isEmpty()) {
            throw new IllegalArgumentException("trustedKeys is empty: the station would obey no one. "
                    + "Copy the controller's public key (controller-signing.pub.pem) into the station config");
        }
        trustedKeys = Map.copyOf(trustedKeys);
        gpio = gpio == null ? Gpio.simulated() : gpio;
        audio = audio == null ? Audio.wavFiles(dataDir.resolve("rendered")) : audio;
        warmupMillis = WARMUP_MILLIS.check(warmupMillis);
        tailMillis = TAIL_MILLIS.check(tailMillis);
        maxClockSkewSeconds = MAX_CLOCK_SKEW_SECONDS.check(maxClockSkewSeconds);
        reconnect = reconnect == null ? Reconnect.defaults() : reconnect;
        ackTimeoutMillis = ACK_TIMEOUT_MILLIS.check(ackTimeoutMillis);
        playout = playout == null ? Playout.defaults() : playout;
        telemetry = telemetry == null ? new Telemetry(null) : telemetry;
        cache = cache == null ? new Cache(null) : cache;
        clock = clock == null ? new ClockCheck(null) : clock;
        if (brokerUrl.startsWith("ssl://") && caFile == null) {
            throw new IllegalArgumentException("brokerUrl " + brokerUrl + " is TLS but caFile is missing: give the "
                    + "commune's CA certificate from the station bundle, e.g. \"caFile\": \"ca.pem\"");
        }
    }

    /** The same station with its data elsewhere (tests, a second card). */
    public AgentConfig withDataDir(Path dir) {
        Audio a = audio.sink().equals("wav") && audio.wavDir().startsWith(dataDir)
                ? new Audio("wav", audio.device(), dir.resolve(dataDir.relativize(audio.wavDir())), audio.sampleRate(),
                audio.channels(), audio.volumeDb())
                : audio;
        return new AgentConfig(stationId, brokerUrl, username, password, topicRoot, dir, trustedKeys, gpio, a,
                warmupMillis, tailMillis, maxClockSkewSeconds, reconnect, ackTimeoutMillis, playout, cache, clock,
                telemetry, caFile);
    }

    /** How often the station sends its health snapshot (and at once when a relay changes). */
    public record Telemetry(Long intervalSeconds) {
        public Telemetry {
            intervalSeconds = TELEMETRY_INTERVAL_SECONDS.check(intervalSeconds);
        }

        public Duration interval() {
            return Duration.ofSeconds(intervalSeconds);
        }
    }

    /**
     * How playout behaves around interruptions.
     *
     * @param afterPreemption    {@code resume}: a session pre-empted by a warning or an emergency goes on where it
     *                           stopped, within its window; {@code skip}: the rest of it is dropped
     * @param stallTimeoutMillis how long the audio output may stop taking samples before the relays go OFF
     */
    public record Playout(String afterPreemption, Long stallTimeoutMillis) {
        public Playout {
            afterPreemption = PLAYOUT_AFTER_PREEMPTION.check(afterPreemption);
            stallTimeoutMillis = PLAYOUT_STALL_TIMEOUT_MILLIS.check(stallTimeoutMillis);
        }

        public static Playout defaults() {
            return new Playout(null, null);
        }

        public boolean resume() {
            return afterPreemption.equals("resume");
        }
    }

    /**
     * Which GPIO provider switches the relays; {@code mock} only in simulation and tests.
     *
     * @param staggerMillis pause between switching one relay channel on and the next, so that the
     *                      amplifiers' inrush currents do not add up on a weak supply
     * @param senses        optional inputs that read back whether each amplifier really has power
     */
    public record Gpio(String provider, List<Relay> relays, Long staggerMillis, List<Sense> senses) {
        public Gpio(String provider, List<Relay> relays) {
            this(provider, relays, null, null);
        }

        public Gpio {
            provider = GPIO_PROVIDER.check(provider);
            if (relays == null || relays.isEmpty()) {
                throw new IllegalArgumentException("gpio.relays is empty: list at least the amplifier relay, e.g. {\"name\":\"amp\",\"pin\":17}");
            }
            relays = List.copyOf(relays);
            staggerMillis = GPIO_STAGGER_MILLIS.check(staggerMillis);
            senses = senses == null ? List.of() : List.copyOf(senses);
            java.util.Set<String> names = new java.util.HashSet<>();
            java.util.Set<Integer> pins = new java.util.HashSet<>();
            for (Relay r : relays) {
                if (!names.add(r.name())) {
                    throw new IllegalArgumentException("gpio.relays: the name " + r.name() + " is used twice");
                }
                if (!pins.add(r.pin())) {
                    throw new IllegalArgumentException("gpio: BCM pin " + r.pin() + " is used twice");
                }
            }
            for (Sense s : senses) {
                if (!names.contains(s.relay())) {
                    throw new IllegalArgumentException("gpio.senses: relay " + s.relay() + " is not in gpio.relays");
                }
                if (!pins.add(s.pin())) {
                    throw new IllegalArgumentException("gpio: BCM pin " + s.pin() + " is used twice");
                }
            }
        }

        public static Gpio simulated() {
            return new Gpio("mock", List.of(new Relay("amp", 17, false)));
        }
    }

    /**
     * One relay output: BCM pin number; active-low boards energise the relay when the pin is LOW.
     *
     * @param warmupMillis how long this channel's amplifier needs before the first sample; null: the station's
     */
    public record Relay(String name, int pin, Boolean activeLow, Long warmupMillis) {
        public Relay(String name, int pin, Boolean activeLow) {
            this(name, pin, activeLow, null);
        }

        public Relay {
            RELAY_NAME.check(name);
            String shown = "gpio.relays[" + name + "].";
            activeLow = RELAY_ACTIVE_LOW.check(activeLow);
            RELAY_PIN.check(pin, shown + "pin");
            if (warmupMillis != null) { // null: the station's warmupMillis
                RELAY_WARMUP_MILLIS.check(warmupMillis, shown + "warmupMillis");
            }
        }
    }

    /** An input that reads an amplifier's power (e.g. through an optocoupler), for the relay it follows. */
    public record Sense(String relay, int pin, Boolean activeLow) {
        public Sense {
            SENSE_RELAY.check(relay);
            activeLow = SENSE_ACTIVE_LOW.check(activeLow);
            SENSE_PIN.check(pin, "gpio.senses[" + relay + "].pin");
        }
    }

    /**
     * Where sound goes: {@code javasound} (the named line, or the default one) or {@code wav}
     * (one WAV file per session in {@code wavDir}, for simulation).
     */
    public record Audio(String sink, String device, Path wavDir, Integer sampleRate, Integer channels, Double volumeDb) {
        public Audio {
            sink = AUDIO_SINK.check(sink);
            if (sink.equals("wav") && wavDir == null) {
                throw new IllegalArgumentException("audio.wavDir is required when audio.sink is wav");
            }
            sampleRate = AUDIO_SAMPLE_RATE.check(sampleRate);
            channels = AUDIO_CHANNELS.check(channels);
            volumeDb = AUDIO_VOLUME_DB.check(volumeDb);
        }

        public static Audio wavFiles(Path dir) {
            return new Audio("wav", null, dir, 44_100, 1, 0.0);
        }
    }

    /** Back-off between connection attempts: from {@code minMillis}, doubling up to {@code maxMillis}. */
    public record Reconnect(Long minMillis, Long maxMillis) {
        public Reconnect {
            minMillis = RECONNECT_MIN_MILLIS.check(minMillis);
            maxMillis = Math.max(RECONNECT_MAX_MILLIS.check(maxMillis), minMillis);
        }

        public static Reconnect defaults() {
            return new Reconnect(null, null);
        }
    }

    /** The content cache's budget, e.g. {@code "cache": {"maxMegabytes": 512}}. */
    public record Cache(Long maxMegabytes) {
        public Cache {
            maxMegabytes = CACHE_MAX_MEGABYTES.check(maxMegabytes);
        }

        public long maxBytes() {
            return maxMegabytes * 1024 * 1024;
        }
    }

    /** When the station clock counts as wrong, e.g. {@code "clock": {"maxOffsetMillis": 2000}}. */
    public record ClockCheck(Long maxOffsetMillis) {
        public ClockCheck {
            maxOffsetMillis = CLOCK_MAX_OFFSET_MILLIS.check(maxOffsetMillis);
        }

        public Duration maxOffset() {
            return Duration.ofMillis(maxOffsetMillis);
        }
    }

    public Duration warmup() {
        return Duration.ofMillis(warmupMillis);
    }

    /** Each relay channel's warm-up (its own, or the station's) and the stagger between them. */
    public vn.loalang.agent.relay.RelaySequence relaySequence() {
        return new vn.loalang.agent.relay.RelaySequence(gpio.relays().stream()
                .map(r -> Duration.ofMillis(r.warmupMillis() != null ? r.warmupMillis() : warmupMillis)).toList(),
                Duration.ofMillis(gpio.staggerMillis()));
    }

    public Duration tail() {
        return Duration.ofMillis(tailMillis);
    }

    public Duration ackTimeout() {
        return Duration.ofMillis(ackTimeoutMillis);
    }

    public Topics topics() {
        return new Topics(topicRoot);
    }

    public Map<String, PublicKey> publicKeys() {
        Map<String, PublicKey> keys = new LinkedHashMap<>();
        trustedKeys.forEach((id, pem) -> keys.put(id, Ed25519Keys.parsePublic(pem)));
        return keys;
    }

    /**
     * Reads {@code station.json}: each value is checked against its {@link AgentOptions} definition
     * first, so that a bad one is refused with the definition's message, then the records are built.
     *
     * @throws IOException the file cannot be read or is not usable; when a setting breaks its rule the
     *                     cause is that {@link OptionException}
     */
    public static AgentConfig read(Path file) throws IOException {
        try {
            JsonNode tree = Json.mapper().readTree(Files.readAllBytes(file));
            if (tree != null && tree.isObject()) {
                ConfigTree.check(tree, AgentOptions.ALL);
            }
            AgentConfig c = Json.read(tree, AgentConfig.class);
            if (c.caFile() == null || c.caFile().isAbsolute()) {
                return c;
            }
            Path dir = file.toAbsolutePath().getParent();
            return new AgentConfig(c.stationId, c.brokerUrl, c.username, c.password, c.topicRoot, c.dataDir,
                    c.trustedKeys, c.gpio, c.audio, c.warmupMillis, c.tailMillis, c.maxClockSkewSeconds, c.reconnect,
                    c.ackTimeoutMillis, c.playout, c.cache, c.clock, c.telemetry, dir.resolve(c.caFile));
        } catch (OptionException e) {
            throw new IOException("station config " + file + " is not usable: " + e.getMessage(), e);
        } catch (MalformedMessageException e) {
            OptionException broken = optionException(e);
            throw broken != null ? new IOException("station config " + file + " is not usable: " + broken.getMessage(), broken)
                    : new IOException("station config " + file + " is not usable: " + e.getMessage(), e);
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            throw new IOException("station config " + file + " is not valid JSON: " + e.getOriginalMessage(), e);
        }
    }

    /** The broken rule behind a record's refusal, which the JSON reader wraps. */
    private static OptionException optionException(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof OptionException o) {
                return o;
            }
        }
        return null;
    }
}
