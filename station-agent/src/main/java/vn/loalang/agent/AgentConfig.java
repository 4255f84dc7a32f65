package vn.loalang.agent;

import com.fasterxml.jackson.databind.JsonNode;
import vn.loalang.agent.relay.GpioConfig;
import vn.loalang.agent.audio.AudioConfig;
import vn.loalang.agent.link.ReconnectConfig;
import vn.loalang.agent.playout.PlayoutConfig;
import vn.loalang.agent.content.CacheConfig;
import vn.loalang.agent.clock.ClockConfig;
import vn.loalang.agent.telemetry.TelemetryConfig;
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
                          Path dataDir, Map<String, String> trustedKeys, GpioConfig gpio, AudioConfig audio,
                          Long warmupMillis, Long tailMillis, Long maxClockSkewSeconds, ReconnectConfig reconnect,
                          Long ackTimeoutMillis, PlayoutConfig playout, CacheConfig cache, ClockConfig clock, TelemetryConfig telemetry,
                          Path caFile) {

    public AgentConfig(String stationId, String brokerUrl, String username, String password, String topicRoot,
                       Path dataDir, Map<String, String> trustedKeys, GpioConfig gpio, AudioConfig audio, Long warmupMillis,
                       Long tailMillis, Long maxClockSkewSeconds, ReconnectConfig reconnect, Long ackTimeoutMillis) {
        this(stationId, brokerUrl, username, password, topicRoot, dataDir, trustedKeys, gpio, audio, warmupMillis,
                tailMillis, maxClockSkewSeconds, reconnect, ackTimeoutMillis, null, null, null, null, null);
    }

    public AgentConfig(String stationId, String brokerUrl, String username, String password, String topicRoot,
                       Path dataDir, Map<String, String> trustedKeys, GpioConfig gpio, AudioConfig audio, Long warmupMillis,
                       Long tailMillis, Long maxClockSkewSeconds, ReconnectConfig reconnect, Long ackTimeoutMillis,
                       PlayoutConfig playout, CacheConfig cache, ClockConfig clock, TelemetryConfig telemetry) {
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
        gpio = gpio == null ? GpioConfig.simulated() : gpio;
        audio = audio == null ? AudioConfig.wavFiles(dataDir.resolve("rendered")) : audio;
        warmupMillis = WARMUP_MILLIS.check(warmupMillis);
        tailMillis = TAIL_MILLIS.check(tailMillis);
        maxClockSkewSeconds = MAX_CLOCK_SKEW_SECONDS.check(maxClockSkewSeconds);
        reconnect = reconnect == null ? ReconnectConfig.defaults() : reconnect;
        ackTimeoutMillis = ACK_TIMEOUT_MILLIS.check(ackTimeoutMillis);
        playout = playout == null ? PlayoutConfig.defaults() : playout;
        telemetry = telemetry == null ? new TelemetryConfig(null) : telemetry;
        cache = cache == null ? new CacheConfig(null) : cache;
        clock = clock == null ? new ClockConfig(null) : clock;
        if (brokerUrl.startsWith("ssl://") && caFile == null) {
            throw new IllegalArgumentException("brokerUrl " + brokerUrl + " is TLS but caFile is missing: give the "
                    + "commune's CA certificate from the station bundle, e.g. \"caFile\": \"ca.pem\"");
        }
    }

    /** The same station with its data elsewhere (tests, a second card). */
    public AgentConfig withDataDir(Path dir) {
        AudioConfig a = audio.sink().equals("wav") && audio.wavDir().startsWith(dataDir)
                ? new AudioConfig("wav", audio.device(), dir.resolve(dataDir.relativize(audio.wavDir())), audio.sampleRate(),
                audio.channels(), audio.volumeDb())
                : audio;
        return new AgentConfig(stationId, brokerUrl, username, password, topicRoot, dir, trustedKeys, gpio, a,
                warmupMillis, tailMillis, maxClockSkewSeconds, reconnect, ackTimeoutMillis, playout, cache, clock,
                telemetry, caFile);
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
