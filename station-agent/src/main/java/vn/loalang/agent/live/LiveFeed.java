package vn.loalang.agent.live;

import vn.loalang.protocol.schedule.LiveChannelId;

import java.util.Locale;

/**
 * One live item's stream while it plays: the reader on its thread, the jitter buffer, and the decoded
 * audio the line pulls. Closing it closes the connection.
 */
public final class LiveFeed implements AutoCloseable {
    private final LiveChannelId channel;
    private final LiveStreamReader reader;
    private final LivePcmStream pcm;
    private final java.util.function.Consumer<LiveFeed> onClose;

    LiveFeed(LiveChannelId channel, LiveStreamReader reader, LivePcmStream pcm, java.util.function.Consumer<LiveFeed> onClose) {
        this.channel = channel;
        this.reader = reader;
        this.pcm = pcm;
        this.onClose = onClose;
    }

    public LiveChannelId channel() {
        return channel;
    }

    /** The audio at the line's format; it never blocks. */
    public LivePcmStream pcm() {
        return pcm;
    }

    public LiveStreamReader.Status status() {
        return reader.status();
    }

    /** What the reader's last attempt came to, in words. */
    public String detail() {
        return reader.detail();
    }

    public long bytesRead() {
        return reader.bytesRead();
    }

    /** Whether the buffer holds its target: the stream is back after a silence. */
    public boolean ready() {
        return pcm.buffer().ready();
    }

    public JitterBuffer.Stats stats() {
        return pcm.buffer().stats();
    }

    /** For the technician's table: "relay-vov1 buffered 2.9 s, 1 underrun". */
    public String describe() {
        JitterBuffer.Stats s = stats();
        String text = String.format(Locale.ROOT, "%s buffered %.1f s, %d underrun%s", channel, s.level().toMillis() / 1000.0,
                s.underruns(), s.underruns() == 1 ? "" : "s");
        if (reader.status() != LiveStreamReader.Status.CONNECTED) {
            text += ", " + reader.status().name().toLowerCase(Locale.ROOT);
        }
        return text;
    }

    @Override
    public void close() {
        pcm.close();
        reader.close();
        onClose.accept(this);
    }
}
