package vn.loalang.systemtests.bench;

import vn.loalang.agent.live.LiveDecoder;
import vn.loalang.audio.live.Frame;

import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;

/**
 * One decode of each frame for all the light live stations. They all receive the same channel, so 197
 * JLayer decoders would turn the same bytes into the same sound 197 times: about one of this machine's two
 * cores (JFR, 2026-12-06), where in the field each Pi decodes its own. That starved the light stations'
 * playout threads and charged the simulation's cost to the latency measured.
 * <p>
 * A frame's sound depends on the two frames before it (the IMDCT overlap and the synthesis filter's
 * history; the channel has no bit reservoir), so a station's frame is looked up by itself and its two
 * predecessors, and on a miss decoded by a fresh JLayer decoder fed those three. What each station
 * gets is what its own decoder makes, to within JLayer's float rounding (SharedDecodesTest); its
 * reader, jitter buffer, pause shedding and paced line stay its own.
 */
final class SharedDecodes {
    /** About 100 s of the channel: more than any station lags behind the first. */
    private static final int KEPT = 4_000;

    private record Key(byte[] before2, byte[] before1, byte[] frame, int hash) {
        static Key of(byte[] before2, byte[] before1, byte[] frame) {
            int h = Arrays.hashCode(frame);
            h = 31 * h + Arrays.hashCode(before1);
            h = 31 * h + Arrays.hashCode(before2);
            return new Key(before2, before1, frame, h);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && hash == k.hash && Arrays.equals(frame, k.frame) && Arrays.equals(before1, k.before1)
                    && Arrays.equals(before2, k.before2);
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }

    private final ConcurrentHashMap<Key, FutureTask<LiveDecoder.Decoded>> decoded = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<Key> order = new ConcurrentLinkedQueue<>();
    /** The queue's length (its own size() walks the whole queue). */
    private final java.util.concurrent.atomic.AtomicInteger queued = new java.util.concurrent.atomic.AtomicInteger();

    /** A station's decoder: its own history, the shared decodes. */
    LiveDecoder forStation() {
        return new Station();
    }

    /** Decodes actually run (each of up to three JLayer frames), for the bench's report. */
    int entries() {
        return decoded.size();
    }

    private LiveDecoder.Decoded lookUp(Key key, Frame[] history) {
        FutureTask<LiveDecoder.Decoded> task = new FutureTask<>(() -> decodeAfresh(history));
        FutureTask<LiveDecoder.Decoded> known = decoded.putIfAbsent(key, task);
        if (known == null) {
            order.add(key);
            if (queued.incrementAndGet() > KEPT) {
                Key oldest = order.poll();
                if (oldest != null) {
                    queued.decrementAndGet();
                    decoded.remove(oldest);
                }
            }
            task.run();
            known = task;
        }
        try {
            return known.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } catch (ExecutionException e) {
            return null;
        }
    }

    /** The last of these frames' PCM, from a decoder that has seen only them; null if it cannot be decoded. */
    private static LiveDecoder.Decoded decodeAfresh(Frame[] frames) {
        LiveDecoder jlayer = LiveDecoder.jlayer();
        LiveDecoder.Decoded last = null;
        for (Frame f : frames) {
            if (f != null) {
                last = jlayer.decode(f);
            }
        }
        return last == null ? null : new LiveDecoder.Decoded(Arrays.copyOf(last.samples(), last.length()), last.length(),
                last.sampleRate(), last.channels());
    }

    private final class Station implements LiveDecoder {
        private Frame before2;
        private Frame before1;
        private long failed;

        @Override
        public Decoded decode(Frame frame) {
            Key key = Key.of(before2 == null ? null : before2.bytes(), before1 == null ? null : before1.bytes(), frame.bytes());
            Decoded d = lookUp(key, new Frame[]{before2, before1, frame});
            if (d == null || d.length() == 0) {
                // As the station's own decoder: a frame it cannot read is dropped and decoding starts over.
                failed++;
                before2 = null;
                before1 = null;
                return null;
            }
            before2 = before1;
            before1 = frame;
            return d;
        }

        @Override
        public long failed() {
            return failed;
        }
    }
}
