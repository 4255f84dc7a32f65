package vn.loalang.controller.live;

import vn.loalang.audio.live.Frame;
import vn.loalang.protocol.live.ChannelState;
import vn.loalang.protocol.schedule.LiveChannelId;

import java.time.Duration;

/**
 * One live channel of the commune (a relayed source, or a talk): the single point where its MP3 frames,
 * fetched once, are fanned out to every listener. Its producer is the upstream's ffmpeg, or a talk's.
 */
public interface LiveChannel {
    LiveChannelId id();

    /** Hands one frame to every listener; the producer's thread, never blocked by a slow listener. */
    void publish(Frame frame);

    /**
     * Adds a listener, first given up to {@code burst} of the most recent frames (so that a station's
     * jitter buffer fills at once), then every new frame.
     */
    Subscription subscribe(FrameListener listener, Duration burst);

    ChannelState state();

    /** Ends the channel: listeners are told, and further frames are refused. */
    void end();

    /** A listener's place on the channel; closing it removes the listener. */
    interface Subscription extends AutoCloseable {
        @Override
        void close();
    }
}
