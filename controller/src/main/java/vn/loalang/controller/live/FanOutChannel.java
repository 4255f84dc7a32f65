package vn.loalang.controller.live;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import vn.loalang.audio.live.Frame;
import vn.loalang.protocol.live.ChannelState;
import vn.loalang.protocol.schedule.LiveChannelId;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * A live channel: the one place its frames, fetched once, are handed to every listener (the
 * stations' connections, the Icecast source client, the recorder). It keeps the last {@link #RING}
 * of frames, so that a listener that joins gets a burst and its jitter buffer fills at once, and it
 * counts frames and stream time. Publishing and subscribing hold one lock, so a new listener gets
 * its burst and then every new frame, none twice and none missed. Listeners queue and return (the
 * {@link FrameListener} contract); one that throws is dropped, never the channel.
 */
public final class FanOutChannel implements LiveChannel {
    private static final Logger log = LoggerFactory.getLogger(FanOutChannel.class);
    /** The longest burst a listener may ask for. */
    public static final Duration RING = Duration.ofSeconds(10);

    private final LiveChannelId id;
    private final ArrayDeque<Frame> ring = new ArrayDeque<>();
    private long ringMicros;
    private final List<FrameListener> listeners = new ArrayList<>();
    private volatile ChannelState state = ChannelState.STARTING;
    private volatile long frames;
    private volatile long streamMicros;
    private volatile long lastFrameNanos;

    public FanOutChannel(LiveChannelId id) {
        this.id = id;
    }

    @Override
    public LiveChannelId id() {
        return id;
    }

    @Override
    public synchronized void publish(Frame frame) {
        if (state == ChannelState.ENDED) {
            return;
        }
        if (state != ChannelState.ON_AIR) {
            state = ChannelState.ON_AIR;
        }
        ring.addLast(frame);
        ringMicros += frame.micros();
        while (ringMicros > RING.toNanos() / 1000 && ring.size() > 1) {
            ringMicros -= ring.removeFirst().micros();
        }
        frames++;
        streamMicros += frame.micros();
        lastFrameNanos = System.nanoTime();
        for (Iterator<FrameListener> it = listeners.iterator(); it.hasNext(); ) {
            FrameListener l = it.next();
            try {
                l.frame(frame);
            } catch (RuntimeException e) {
                log.warn("Channel {}: a listener failed on a frame and is dropped: {}", id, e.toString());
                it.remove();
            }
        }
    }

    @Override
    public synchronized Subscription subscribe(FrameListener listener, Duration burst) {
        if (state == ChannelState.ENDED) {
            listener.ended();
            return () -> { };
        }
        long wanted = Math.min(burst.toNanos(), RING.toNanos()) / 1000;
        List<Frame> recent = new ArrayList<>();
        long micros = 0;
        for (Iterator<Frame> it = ring.descendingIterator(); it.hasNext() && micros < wanted; ) {
            Frame f = it.next();
            recent.add(f);
            micros += f.micros();
        }
        for (int i = recent.size() - 1; i >= 0; i--) {
            listener.frame(recent.get(i));
        }
        listeners.add(listener);
        return () -> {
            synchronized (FanOutChannel.this) {
                listeners.remove(listener);
            }
        };
    }

    @Override
    public ChannelState state() {
        return state;
    }

    /**
     * The upstream stopped sending (its supervisor says so); the next frame puts it back ON_AIR. What
     * the ring holds is no longer the live edge: a station that reconnects meanwhile must not take a
     * burst of it for the stream being back (it would cut its fallback for seconds of stale audio),
     * so the ring starts again from the next frame.
     */
    public synchronized void interrupted() {
        if (state == ChannelState.ON_AIR) {
            state = ChannelState.INTERRUPTED;
        }
        ring.clear();
        ringMicros = 0;
    }

    @Override
    public void end() {
        List<FrameListener> told;
        synchronized (this) {
            if (state == ChannelState.ENDED) {
                return;
            }
            state = ChannelState.ENDED;
            told = List.copyOf(listeners);
            listeners.clear();
            ring.clear();
            ringMicros = 0;
        }
        for (FrameListener l : told) {
            try {
                l.ended();
            } catch (RuntimeException e) {
                log.warn("Channel {}: a listener failed at the end: {}", id, e.toString());
            }
        }
        log.info("Channel {} ended after {} frames ({} s of audio)", id, frames, streamMicros / 1_000_000);
    }

    /** Frames published since it opened. */
    public long frames() {
        return frames;
    }

    /** Audio published since it opened, in microseconds of stream time. */
    public long streamMicros() {
        return streamMicros;
    }

    /** {@link System#nanoTime()} of the last frame; 0 before the first. */
    public long lastFrameNanos() {
        return lastFrameNanos;
    }

    /** Listeners now. */
    public synchronized int listeners() {
        return listeners.size();
    }
}
