package vn.loalang.agent.testing;

import vn.loalang.agent.events.EventOutbox;
import vn.loalang.protocol.station.EventType;
import vn.loalang.protocol.station.StationEvent;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The link as an {@link EventOutbox} sees it: a readiness the test switches, and a record of every
 * event sent, in order, duplicates included. It can be told to fail the next few sends.
 */
public final class RecordingSender implements EventOutbox.Sender {
    private final List<StationEvent> sent = new CopyOnWriteArrayList<>();
    private final List<Long> pendingFroms = new CopyOnWriteArrayList<>();
    private final AtomicInteger readyChecks = new AtomicInteger();
    private final AtomicInteger failuresToCome = new AtomicInteger();
    private volatile boolean ready;

    public RecordingSender(boolean ready) {
        this.ready = ready;
    }

    public void ready(boolean value) {
        ready = value;
    }

    /** The next {@code n} sends throw, as a publish the broker did not acknowledge in time. */
    public void failNext(int n) {
        failuresToCome.set(n);
    }

    @Override
    public boolean ready() {
        readyChecks.incrementAndGet();
        return ready;
    }

    @Override
    public void send(StationEvent event) throws Exception {
        if (failuresToCome.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            throw new Exception("simulated publish failure for event " + event.seq());
        }
        // Kept as journalled; the stamp the outbox adds on the way out is recorded beside it.
        sent.add(event.sentWith(null));
        pendingFroms.add(event.pendingFrom());
    }

    /** The {@code pendingFrom} stamp of each send, in order. */
    public List<Long> pendingFroms() {
        return List.copyOf(pendingFroms);
    }

    /** How often the outbox asked whether the link is up. */
    public int readyChecks() {
        return readyChecks.get();
    }

    public List<StationEvent> sent() {
        return List.copyOf(sent);
    }

    public List<Long> sentSeqs() {
        return sent.stream().map(StationEvent::seq).toList();
    }

    public List<StationEvent> sentOfType(EventType type) {
        return sent.stream().filter(e -> e.type() == type).toList();
    }

    public List<EventType> sentTypes() {
        return sent.stream().map(StationEvent::type).toList();
    }
}
