package vn.loalang.controller.station;

import vn.loalang.protocol.station.WireLimits;

import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * The controller's view of one station journal: the highest sequence number held with no gap
 * before it, and the numbers received ahead of a gap. A number is taken once. Every step costs at most
 * {@link WireLimits#MAX_EVENTS_AHEAD}, whatever numbers a station sends: a forged number far ahead is
 * refused ({@link Offer#TOO_FAR}), never counted towards.
 */
final class EventStream {
    enum Offer {
        NEXT, AHEAD, DUPLICATE,
        /** Further ahead than a real station gets, or past what is held ahead of a gap: refused, nothing changed. */
        TOO_FAR
    }

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

    /** Whether the station may say it holds nothing before {@code from}: not further ahead than a real one gets. */
    boolean mayForgetBefore(long from) {
        return from - 1 - contiguous <= WireLimits.MAX_SEQ_JUMP;
    }

    /**
     * The station holds nothing before {@code from}: stop waiting for anything older. Returns how
     * many numbers were given up (0 when nothing was missing).
     */
    long forgetBefore(long from) {
        long lost = 0;
        if (from - 1 > contiguous) {
            SortedSet<Long> held = ahead.headSet(from);
            lost = (from - 1 - contiguous) - held.size();
            held.clear();
            contiguous = from - 1;
        }
        closeUp();
        return lost;
    }

    Offer offer(long seq) {
        if (seq <= contiguous || ahead.contains(seq)) {
            return Offer.DUPLICATE;
        }
        if (seq - contiguous > WireLimits.MAX_SEQ_JUMP) {
            return Offer.TOO_FAR;
        }
        if (seq != contiguous + 1) {
            if (ahead.size() >= WireLimits.MAX_EVENTS_AHEAD) {
                return Offer.TOO_FAR;
            }
            ahead.add(seq);
            return Offer.AHEAD;
        }
        contiguous = seq;
        closeUp();
        return Offer.NEXT;
    }

    /** Moves past the numbers held ahead that now follow on: at most as many steps as are held. */
    private void closeUp() {
        while (ahead.remove(contiguous + 1)) {
            contiguous++;
        }
    }
}
