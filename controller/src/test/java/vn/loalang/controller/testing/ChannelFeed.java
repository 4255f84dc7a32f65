package vn.loalang.controller.testing;

import vn.loalang.audio.live.Frame;
import vn.loalang.audio.live.Mp3Frames;
import vn.loalang.controller.live.LiveChannel;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Feeds a live channel in real time, as an upstream's ffmpeg would, from an MP3 in the channel's
 * format (32 kbit/s, 22.05 kHz, mono) made by ffmpeg: a tone of {@code hz} for {@code seconds},
 * looped for as long as the feed runs.
 */
public final class ChannelFeed implements AutoCloseable {
    private final ScheduledExecutorService clock = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "channel-feed");
        t.setDaemon(true);
        return t;
    });

    private ChannelFeed(LiveChannel channel, List<Frame> frames) {
        AtomicInteger next = new AtomicInteger();
        clock.scheduleAtFixedRate(() -> channel.publish(frames.get(next.getAndIncrement() % frames.size())), 0,
                frames.get(0).micros(), TimeUnit.MICROSECONDS);
    }

    /** Starts feeding {@code channel} now. */
    public static ChannelFeed start(LiveChannel channel, Path dir, int hz, int seconds) throws IOException {
        return new ChannelFeed(channel, frames(dir, hz, seconds));
    }

    /** A tone in the channel's format, as its frames. */
    public static List<Frame> frames(Path dir, int hz, int seconds) throws IOException {
        Path mp3 = tone(dir, hz, seconds);
        List<Frame> frames = new ArrayList<>();
        try (InputStream in = Files.newInputStream(mp3)) {
            Mp3Frames reader = Mp3Frames.reading(in);
            Optional<Frame> f;
            while ((f = reader.next()).isPresent()) {
                frames.add(f.get());
            }
        }
        return frames;
    }

    /** {@code dir/tone-HZ-SECONDS.mp3}: MP3 32 kbit/s, 22.05 kHz, mono, no Xing/ID3 (the channel's format). */
    public static Path tone(Path dir, int hz, int seconds) throws IOException {
        Files.createDirectories(dir);
        Path mp3 = dir.resolve("tone-" + hz + "-" + seconds + ".mp3");
        if (Files.exists(mp3)) {
            return mp3;
        }
        Process p = new ProcessBuilder("ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error", "-f", "lavfi", "-i",
                "sine=frequency=" + hz + ":sample_rate=22050:duration=" + seconds, "-af", "volume=0.5", "-ac", "1",
                "-c:a", "libmp3lame", "-b:a", "32k", "-reservoir", "0", "-write_xing", "0", "-id3v2_version", "0", "-f", "mp3",
                mp3.toString()).redirectErrorStream(true).start();
        try {
            String out = new String(p.getInputStream().readAllBytes());
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IOException("ffmpeg could not make " + mp3 + ": " + out);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        }
        return mp3;
    }

    @Override
    public void close() {
        clock.shutdownNow();
        try {
            clock.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
