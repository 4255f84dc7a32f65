package vn.loalang.provisioning.broker;

import java.util.Objects;

/**
 * One right of one broker user: to read or write (or both) the topics a filter names. The single
 * model both brokers are given: {@link AccessList} renders it as Mosquitto's {@code topic} lines,
 * and the controller's embedded broker asks {@link #permitsRead} and {@link #permitsWrite} of it
 * directly, so the two can never say different things.
 *
 * @param filter an MQTT topic filter; {@code +} and {@code #} are wildcards as in a subscription
 */
public record TopicRule(Access access, String filter) {
    public enum Access {
        READ("read"), WRITE("write"), READWRITE("readwrite");

        private final String mosquitto;

        Access(String mosquitto) {
            this.mosquitto = mosquitto;
        }

        boolean reads() {
            return this != WRITE;
        }

        boolean writes() {
            return this != READ;
        }
    }

    public TopicRule {
        Objects.requireNonNull(access, "access");
        Objects.requireNonNull(filter, "filter");
    }

    public static TopicRule read(String filter) {
        return new TopicRule(Access.READ, filter);
    }

    public static TopicRule write(String filter) {
        return new TopicRule(Access.WRITE, filter);
    }

    public static TopicRule readWrite(String filter) {
        return new TopicRule(Access.READWRITE, filter);
    }

    /** As Mosquitto's {@code acl_file} says it. */
    public String mosquittoLine() {
        return "topic " + access.mosquitto + " " + filter;
    }

    /**
     * Whether a subscription to {@code requested} may be granted: only when every topic it could
     * ever match is one this rule lets the user read. A broker that checks read access when the
     * subscription is made, and not again per message (Moquette), must refuse a wider filter whole,
     * where Mosquitto grants it and then filters each message.
     */
    public boolean permitsRead(String requested) {
        return access.reads() && covers(filter, requested);
    }

    /** Whether the user may publish on {@code topic} (also its Last Will, where the broker checks that). */
    public boolean permitsWrite(String topic) {
        return access.writes() && covers(filter, topic);
    }

    /**
     * Whether {@code pattern} matches every topic that {@code requested} matches. A wildcard the
     * client sends is only covered by a wildcard at least as wide in the pattern: {@code +} by
     * {@code +} or {@code #}, {@code #} by {@code #}. A literal {@code +} in a rule thus never
     * grants a client's {@code #}.
     */
    static boolean covers(String pattern, String requested) {
        if (requested.isEmpty() || requested.indexOf('\u0000') >= 0) {
            return false;
        }
        String[] p = pattern.split("/", -1);
        String[] r = requested.split("/", -1);
        for (int i = 0; i < p.length; i++) {
            if (p[i].equals("#")) {
                // "a/#" also matches "a" itself, as in MQTT.
                return r.length >= i;
            }
            if (i >= r.length) {
                return false;
            }
            if (r[i].equals("#")) {
                return false;
            }
            if (!p[i].equals("+") && !p[i].equals(r[i])) {
                return false;
            }
        }
        return p.length == r.length;
    }
}
