package vn.loalang.controller.station;

import java.util.List;
import java.util.TreeSet;

/**
 * The controller's view of one station journal: the highest sequence number held with no gap
 * before it, and the numbers received ahead of a gap. A number is taken once.
 */
final class EventStream {
    enum Offer { NEXT, AHEAD, DUPLICATE }

    private final String id;
    private long contiguous;
    private final TreeSet<Long> ahead = new TreeSet<>();

    EventStream(String id, long contiguous) {
        this.id = id;
        this.contiguous = contiguous;
    }

    /** The stream as it stood when {@code position} was written. */
    static EventStream at(EventLog.Position position) {
        EventStream s = new EventStream(position.stream(), position.contiguous());
        s.ahead.addAll(position.ahead());
        return s;
    }

    /** A copy to work on, so that the one in use changes only once the change is stored. */
    EventStream copy() {
        EventStream s = new EventStream(id, contiguous);
        s.ahead.addAll(ahead);
        return s;
    }

    EventLog.Position position(String stationId) {
        return new EventLog.Position(stationId, id, contiguous, List.copyOf(ahead));
    }

    String id() {
        return id;
    }

    long contiguous() {
        return contiguous;
    }

    /**
     * The station holds nothing before {@code from}: stop waiting for anything older. Returns how
     * many numbers were given up (0 when nothing was missing).
     */
    long forgetBefore(long from) {
        long lost = 0;
        while (contiguous < from - 1) {
            contiguous++;
            if (!ahead.remove(contiguous)) {
                lost++;
            }
        }
        while (ahead.remove(contiguous + 1)) {
            contiguous++;
        }
        return lost;
    }

    Offer offer(long seq) {
        if (seq <= contiguous || ahead.contains(seq)) {
            return Offer.DUPLICATE;
        }
        if (seq != contiguous + 1) {
            ahead.add(seq);
            return Offer.AHEAD;
        }
        contiguous = seq;
        while (ahead.remove(contiguous + 1)) {
            contiguous++;
        }
        return Offer.NEXT;
    }
}
