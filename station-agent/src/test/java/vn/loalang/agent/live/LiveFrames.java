package vn.loalang.agent.live;

import vn.loalang.audio.live.Frame;
import vn.loalang.audio.live.Mp3Frames;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The live channel's frames for tests: {@code live/relay-440hz-10s.mp3}, a 440 Hz tone made by
 * ffmpeg as the controller makes the channel (libmp3lame, CBR 32 kbit/s, mono, 22.05 kHz, no Xing,
 * no ID3: {@code ffmpeg -f lavfi -i sine=frequency=440:sample_rate=22050:duration=10 -af volume=2
 * -ac 1 -c:a libmp3lame -b:a 32k -write_xing 0 -id3v2_version 0 -f mp3}), split into frames.
 */
final class LiveFrames {
    static final String RESOURCE = "/live/relay-440hz-10s.mp3";

    private LiveFrames() {
    }

    static byte[] bytes() {
        try (InputStream in = LiveFrames.class.getResourceAsStream(RESOURCE)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every frame of the tone, in order (about 383 of 26.1 ms), split as the station splits its stream. */
    static List<Frame> all() {
        try {
            Mp3Frames frames = Mp3Frames.reading(new java.io.ByteArrayInputStream(bytes()));
            List<Frame> out = new ArrayList<>();
            for (java.util.Optional<Frame> f; (f = frames.next()).isPresent(); ) {
                out.add(f.get());
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static final List<Frame> CACHED = all();

    /** One frame of the channel (its content does not matter to the caller). */
    static Frame silentFrame() {
        return CACHED.get(0);
    }
}
