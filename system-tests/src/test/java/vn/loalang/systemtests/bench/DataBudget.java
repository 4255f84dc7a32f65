package vn.loalang.systemtests.bench;

import vn.loalang.controller.station.PresenceBeacon;

import vn.loalang.agent.link.ReconnectConfig;
import vn.loalang.agent.telemetry.TelemetryConfig;
import vn.loalang.systemtests.support.Ports;
import vn.loalang.systemtests.support.ShapingProxy;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What a station costs its SIM, measured in the agent bench: the agent reaches the broker as in
 * production, over TLS ({@code ssl://}, the commune CA), through a counting relay that sees the
 * bytes the SIM pays for, then a TLS end and a relay that reads the MQTT packets in clear; its
 * content downloads go through a counting relay too.
 * <pre>
 *   agent ─ssl─▶ [count TLS bytes] ─▶ [TLS end] ─tcp─▶ [read MQTT packets] ─▶ embedded broker
 *   agent ─http─▶ [count bytes] ─▶ controller's content server
 * </pre>
 * A day is extrapolated, not measured: the sizes measured here times the frequencies of the
 * default settings (telemetry every {@code telemetry.intervalSeconds}, a ping every
 * {@code reconnect.keepAliveSeconds} at most), one connection a day, one new schedule, two
 * sessions of {@link #ITEMS_PER_SESSION} items and {@link #AUDIO_MINUTES_PER_DAY} minutes of new
 * audio; the report says which number comes from where.
 */
final class DataBudget implements AutoCloseable {
    static final int SESSIONS_PER_DAY = 2;
    static final int ITEMS_PER_SESSION = 10;
    static final int AUDIO_MINUTES_PER_DAY = 40;
    /** TCP/IP header of one segment with timestamps (IPv4 20 + TCP 20 + 12): an estimate per packet, not measured. */
    static final int SEGMENT_HEADER = 52;
    /** A TLS 1.3 record's own bytes around its content (header 5, content type 1, AES-GCM tag 16). */
    private static final int TLS13_RECORD = 22;
    private static final Set<String> AT_CONNECT = Set.of("connect", "state", "controller-state", "schedule", "alert",
            "command");
    private static final Set<String> PER_SESSION = Set.of("event", "ack", "telemetry");

    /** The counters at one moment of the run. */
    record Mark(Map<String, MqttTally.Kind> mqtt, long tlsBytes, long contentBytes) {
        long plain(Set<String> kinds) {
            return mqtt.entrySet().stream().filter(e -> kinds.contains(e.getKey())).mapToLong(e -> e.getValue().bytes()).sum();
        }

        long packets() {
            return mqtt.values().stream().mapToLong(MqttTally.Kind::packets).sum();
        }

        long plainTotal() {
            return mqtt.values().stream().mapToLong(MqttTally.Kind::bytes).sum();
        }

        MqttTally.Kind kind(String name) {
            return mqtt.getOrDefault(name, new MqttTally.Kind(0, 0, 0));
        }
    }

    private final ShapingProxy mqtt;
    private final TlsTerminator tls;
    private final ShapingProxy wire;
    private final ShapingProxy content;
    private final MqttTally tally = new MqttTally();
    /** TLS bytes on the wire when the first clear byte came out of the TLS end: the first handshake. */
    private final AtomicLong handshake = new AtomicLong(-1);

    private final int brokerPort;
    private final int httpPort;
    private volatile Mark ready;
    private volatile Mark finished;

    private DataBudget(ShapingProxy mqtt, TlsTerminator tls, ShapingProxy wire, ShapingProxy content, int brokerPort,
                       int httpPort) {
        this.brokerPort = brokerPort;
        this.httpPort = httpPort;
        this.mqtt = mqtt;
        this.tls = tls;
        this.wire = wire;
        this.content = content;
        mqtt.tap(tally);
        // The first clear bytes (the CONNECT) crossed the wire as one record just before: not handshake.
        mqtt.tap((connection, fromClient, data, offset, length) ->
                handshake.compareAndSet(-1, Math.max(0, tlsBytes() - length - TLS13_RECORD)));
    }

    /** The relays, in front of a broker and a content server to be started on {@link #brokerPort()} and {@link #httpPort()}. */
    static DataBudget start(Path dir) throws IOException {
        int brokerPort = Ports.free();
        int httpPort = Ports.free();
        ShapingProxy mqtt = ShapingProxy.start(brokerPort, ShapingProxy.Shape.LOOPBACK);
        TlsTerminator tls = TlsTerminator.start(dir, mqtt.port());
        ShapingProxy wire = ShapingProxy.start(tls.port(), ShapingProxy.Shape.LOOPBACK);
        ShapingProxy content = ShapingProxy.start(httpPort, ShapingProxy.Shape.LOOPBACK);
        return new DataBudget(mqtt, tls, wire, content, brokerPort, httpPort);
    }

    int brokerPort() {
        return brokerPort;
    }

    int httpPort() {
        return httpPort;
    }

    /** The station is connected, its schedule and content in hand, its session not started. */
    void markReady() {
        ready = mark();
    }

    /** Its session is over and reported. */
    void markFinished() {
        finished = mark();
    }

    /** The day's figures from the two marks; see {@link #report(PrintStream, Mark, Mark, int, Duration)}. */
    Day report(PrintStream out, int items, Duration audio) {
        if (ready == null || finished == null) {
            throw new IllegalStateException("the data budget needs the marks before and after the session");
        }
        return report(out, ready, finished, items, audio);
    }

    /** Where the station finds the broker: TLS, through the counting relay. */
    String brokerUrl() {
        return wire.url("ssl");
    }

    Path caFile() {
        return tls.caFile();
    }

    /** What the controller tells stations its content server is: the counting relay. */
    URI contentUrl() {
        return URI.create(content.url("http"));
    }

    private long tlsBytes() {
        return wire.bytesFromClients() + wire.bytesToClients();
    }

    Mark mark() {
        return new Mark(tally.snapshot(), tlsBytes(), content.bytesFromClients() + content.bytesToClients());
    }

    /** The day's figures, from the mark when the station was ready (connected, content cached) and after its session. */
    record Day(double controlMb, double controlWithHeadersMb, double audioMb, double reconnectKb) {
    }

    /**
     * @param ready    when the station had connected, its schedule and content in hand, before the session
     * @param finished after the session
     * @param items    items the session played
     * @param audio    the distinct audio the station downloaded, how long it lasts
     */
    Day report(PrintStream out, Mark ready, Mark finished, int items, Duration audio) {
        long interval = TelemetryConfig.TELEMETRY_INTERVAL_SECONDS.defaultValue();
        long keepAlive = ReconnectConfig.RECONNECT_KEEP_ALIVE_SECONDS.defaultValue();
        long day = Duration.ofDays(1).toSeconds();

        // TLS: the first handshake, then what each MQTT packet costs on top of its clear bytes.
        long handshakeBytes = Math.max(0, handshake.get());
        long packets = finished.packets();
        double tlsPerPacket = packets == 0 ? 0
                : Math.max(0, finished.tlsBytes() - handshakeBytes - finished.plainTotal()) / (double) packets;

        MqttTally.Kind telemetry = finished.kind("telemetry");
        double telemetryMessage = telemetry.messages() == 0 ? 0 : telemetry.bytes() / (double) telemetry.messages();
        double telemetryPackets = telemetry.messages() == 0 ? 0 : telemetry.packets() / (double) telemetry.messages();
        MqttTally.Kind ping = finished.kind("ping");
        double pingExchange = ping.messages() == 0 ? 4 : ping.bytes() / (double) ping.messages();

        long connectPlain = ready.plain(AT_CONNECT);
        long connectPackets = AT_CONNECT.stream().mapToLong(k -> ready.kind(k).packets()).sum();
        double sessionScale = items == 0 ? 0 : ITEMS_PER_SESSION / (double) items;
        long sessionPlain = finished.plain(PER_SESSION) - ready.plain(PER_SESSION);
        long sessionPackets = PER_SESSION.stream().mapToLong(k -> finished.kind(k).packets() - ready.kind(k).packets()).sum();

        // The controller's presence carries its signed time and is renewed every PresenceBeacon.EVERY (decision 0021):
        // each renewal reaches every station, at the size this run's copy had at connect.
        MqttTally.Kind presence = ready.kind("controller-state");
        double presenceMessage = presence.messages() == 0 ? 0 : presence.bytes() / (double) presence.messages();
        double presencePackets = presence.messages() == 0 ? 0 : presence.packets() / (double) presence.messages();
        double renewals = day / (double) PresenceBeacon.EVERY.toSeconds();
        double presenceDay = renewals * (presenceMessage + presencePackets * tlsPerPacket);
        double heartbeats = day / (double) interval;
        double pings = day / (double) keepAlive;
        double connectDay = connectPlain + connectPackets * tlsPerPacket + handshakeBytes;
        double telemetryDay = heartbeats * telemetryMessage * 1 + heartbeats * telemetryPackets * tlsPerPacket;
        double pingDay = pings * (pingExchange + 2 * tlsPerPacket);
        double sessionDay = SESSIONS_PER_DAY * sessionScale * (sessionPlain + sessionPackets * tlsPerPacket);
        double control = connectDay + telemetryDay + pingDay + sessionDay + presenceDay;
        double packetsDay = connectPackets + heartbeats * telemetryPackets + 2 * pings + renewals * presencePackets
                + SESSIONS_PER_DAY * sessionScale * sessionPackets;
        // Each packet a segment, and about one bare ACK back for each: an estimate of what TLS bytes do not show.
        double headers = packetsDay * 2 * SEGMENT_HEADER;

        long contentBytes = finished.contentBytes();
        double audioBytesPerSecond = audio.isZero() ? 0 : contentBytes / (audio.toMillis() / 1000.0);
        double audioDay = audioBytesPerSecond * AUDIO_MINUTES_PER_DAY * 60;

        out.printf(Locale.ROOT, "  data       measured on the wire in this run: %.1f kB TLS (MQTT in clear %.1f kB, %d packets),"
                + " %.1f kB of content over HTTP%n", finished.tlsBytes() / 1000.0, finished.plainTotal() / 1000.0, packets,
                contentBytes / 1000.0);
        out.printf(Locale.ROOT, "             by kind (clear bytes/messages): %s%n", kinds(finished));
        out.printf(Locale.ROOT, "             TLS: first handshake %.1f kB, then %.1f B per MQTT packet%n",
                handshakeBytes / 1000.0, tlsPerPacket);
        out.printf(Locale.ROOT, "  per day    EXTRAPOLATED from those sizes at the default settings (telemetry every %d s,"
                + " keepalive %d s), 1 connection, %d sessions of %d items:%n", interval, keepAlive, SESSIONS_PER_DAY,
                ITEMS_PER_SESSION);
        out.printf(Locale.ROOT, "             connect + schedule %.1f kB, telemetry %.0f x %.0f B = %.1f kB, pings at most %.0f"
                        + " = %.1f kB, sessions (events, receipts, telemetry) %.1f kB, the controller's signed time"
                        + " %.0f x %.0f B = %.1f kB%n", connectDay / 1000,
                heartbeats, telemetryMessage + telemetryPackets * tlsPerPacket, telemetryDay / 1000, pings, pingDay / 1000,
                sessionDay / 1000, renewals, presenceMessage + presencePackets * tlsPerPacket, presenceDay / 1000);
        out.printf(Locale.ROOT, "             control plane %.3f MB/day over TLS; %.3f MB/day with TCP/IP headers (ESTIMATED,"
                + " %d B per segment and an ACK per packet); each extra reconnect %.1f kB%n", control / 1e6,
                (control + headers) / 1e6, SEGMENT_HEADER, connectDay / 1000);
        out.printf(Locale.ROOT, "             audio %.1f kB per minute of the demo's MP3 (%.0f kbit/s with HTTP);"
                        + " %d min of new audio a day = %.2f MB/day%n", audioBytesPerSecond * 60 / 1000,
                audioBytesPerSecond * 8 / 1000, AUDIO_MINUTES_PER_DAY, audioDay / 1e6);
        return new Day(control / 1e6, (control + headers) / 1e6, audioDay / 1e6, connectDay / 1000);
    }

    private static String kinds(Mark m) {
        StringBuilder b = new StringBuilder();
        m.mqtt().forEach((k, v) -> b.append(b.isEmpty() ? "" : ", ").append(k).append(' ').append(v.bytes()).append('/')
                .append(v.messages()));
        return b.toString();
    }

    @Override
    public void close() throws IOException {
        content.close();
        wire.close();
        tls.close();
        mqtt.close();
    }
}
