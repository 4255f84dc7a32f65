package vn.loalang.protocol.signing;

import java.util.HashMap;
import java.util.Map;

/**
 * Remembers the highest sequence number accepted on each topic. The same number again is a
 * harmless duplicate (QoS 1 redelivery, the retained copy after a reconnect); a lower one is a
 * replay. The station persists {@link #snapshot()} so that a reboot does not reopen old messages.
 */
public final class ReplayGuard {
    public enum Verdict { NEW, DUPLICATE }

    private final Map<String, Long> lastSeqByTopic;

    public ReplayGuard(Map<String, Long> lastSeqByTopic) {
        this.lastSeqByTopic = new HashMap<>(lastSeqByTopic);
    }

    public synchronized Verdict check(String topic, long seq) throws RejectedMessageException {
        long last = lastSeqByTopic.getOrDefault(topic, 0L);
        if (seq == last) {
            return Verdict.DUPLICATE;
        }
        if (seq < last) {
            throw new RejectedMessageException(RejectReason.REPLAYED, "sequence " + seq + " on '" + topic
                    + "' is older than " + last + ", already accepted: a replayed message");
        }
        return Verdict.NEW;
    }

    public synchronized void accept(String topic, long seq) {
        lastSeqByTopic.merge(topic, seq, Math::max);
    }

    public synchronized Map<String, Long> snapshot() {
        return Map.copyOf(lastSeqByTopic);
    }
}
