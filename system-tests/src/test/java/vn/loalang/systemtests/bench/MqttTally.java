package vn.loalang.systemtests.bench;

import vn.loalang.systemtests.support.ShapingProxy;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Reads the MQTT 3.1.1 packets crossing a {@link ShapingProxy} (plain TCP) and adds up their bytes
 * by what they are for: {@code connect} (CONNECT, CONNACK, SUBSCRIBE, SUBACK, UNSUBSCRIBE,
 * UNSUBACK, DISCONNECT), {@code ping} (PINGREQ, PINGRESP), and each PUBLISH by its topic's kind
 * ({@code telemetry}, {@code event}, {@code ack}, {@code schedule}, {@code state}, {@code alert},
 * {@code command}, {@code controller-state}) together with the PUBACK that answers it. Every byte
 * on the stream is in exactly one kind, so the kinds add up to the proxy's count.
 */
final class MqttTally implements ShapingProxy.Tap {
    /** Bytes and packets of one kind; a PUBLISH and its PUBACK are one message. */
    record Kind(long bytes, long packets, long messages) {
        Kind plus(long b, long p, long m) {
            return new Kind(bytes + b, packets + p, messages + m);
        }
    }

    private final Map<String, Kind> kinds = new ConcurrentHashMap<>();
    private final Map<String, Stream> streams = new ConcurrentHashMap<>();
    /** Per connection and sender, the kind of each PUBLISH awaiting its PUBACK, by packet id. */
    private final Map<String, String> awaitingAck = new ConcurrentHashMap<>();

    @Override
    public void bytes(int connection, boolean fromClient, byte[] data, int offset, int length) {
        Stream s = streams.computeIfAbsent(connection + (fromClient ? ">" : "<"), k -> new Stream(connection, fromClient));
        synchronized (s) {
            for (int i = offset; i < offset + length; i++) {
                s.accept(data[i]);
            }
        }
    }

    /** A copy of the totals so far, by kind, in name order. */
    Map<String, Kind> snapshot() {
        return new TreeMap<>(kinds);
    }

    long total() {
        return kinds.values().stream().mapToLong(Kind::bytes).sum();
    }

    private void count(String kind, long bytes, long packets, long messages) {
        kinds.merge(kind, new Kind(bytes, packets, messages), (a, b) -> a.plus(b.bytes(), b.packets(), b.messages()));
    }

    /** The packets one side sends on one connection: fixed header, remaining length, body. */
    private final class Stream {
        private final int connection;
        private final boolean fromClient;
        private int header = -1;
        private long remaining;
        private int lengthBytes;
        private int multiplier = 1;
        private boolean lengthDone;
        private final ByteArrayOutputStream body = new ByteArrayOutputStream();

        Stream(int connection, boolean fromClient) {
            this.connection = connection;
            this.fromClient = fromClient;
        }

        void accept(byte b) {
            if (header < 0) {
                header = b & 0xff;
                remaining = 0;
                lengthBytes = 0;
                multiplier = 1;
                lengthDone = false;
                body.reset();
                return;
            }
            if (!lengthDone) {
                remaining += (long) (b & 0x7f) * multiplier;
                multiplier *= 128;
                lengthBytes++;
                if ((b & 0x80) == 0) {
                    lengthDone = true;
                    if (remaining == 0) {
                        packet();
                    }
                }
                return;
            }
            body.write(b);
            if (body.size() == remaining) {
                packet();
            }
        }

        private void packet() {
            int type = header >> 4;
            long size = 1 + lengthBytes + remaining;
            byte[] b = body.toByteArray();
            switch (type) {
                case 3 -> publish(b, size);
                case 4 -> {
                    // PUBACK: counted with the PUBLISH the other side sent with this id.
                    String kind = awaitingAck.remove(key(!fromClient, id(b, 0)));
                    count(kind == null ? "puback" : kind, size, 1, 0);
                }
                case 12, 13 -> count("ping", size, 1, type == 12 ? 1 : 0);
                default -> count("connect", size, 1, type == 1 ? 1 : 0);
            }
            header = -1;
        }

        private void publish(byte[] b, long size) {
            int topicLength = ((b[0] & 0xff) << 8) | (b[1] & 0xff);
            String kind = kindOf(new String(b, 2, topicLength, StandardCharsets.UTF_8));
            int qos = (header >> 1) & 3;
            if (qos > 0) {
                awaitingAck.put(key(fromClient, id(b, 2 + topicLength)), kind);
            }
            count(kind, size, 1, 1);
        }

        private String key(boolean sender, int id) {
            return connection + (sender ? ">" : "<") + id;
        }
    }

    private static int id(byte[] b, int at) {
        return ((b[at] & 0xff) << 8) | (b[at + 1] & 0xff);
    }

    /** {root}/station/{id}/telemetry is "telemetry"; {root}/zone/{z}/alert/{a} "alert"; {root}/controller/state "controller-state". */
    static String kindOf(String topic) {
        String[] parts = topic.split("/");
        for (int i = 0; i < parts.length; i++) {
            if (parts[i].equals("controller") && i + 1 < parts.length) {
                return "controller-" + parts[i + 1];
            }
            if (parts[i].equals("zone") && i + 2 < parts.length) {
                return parts[i + 2];
            }
            if (parts[i].equals("station") && i + 2 < parts.length) {
                return parts[i + 2];
            }
        }
        return "other";
    }
}
