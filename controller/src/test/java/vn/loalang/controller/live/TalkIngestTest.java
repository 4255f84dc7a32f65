package vn.loalang.controller.live;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vn.loalang.audio.live.Frame;
import vn.loalang.protocol.live.ChannelState;
import vn.loalang.protocol.schedule.LiveChannelId;
import vn.loalang.protocol.testing.ManualClock;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A talk's uplink with the real ffmpeg: WebM/Opus as a browser's MediaRecorder sends it, in 100 ms pieces,
 * becomes the channel's MP3 frames (22,050 Hz mono) of the same length; it ends when told, when idle and at
 * its maximum length; its input is bounded.
 */
class TalkIngestTest {
    private static final Instant T0 = Instant.parse("2026-12-06T08:15:00Z");
    private static final double SECONDS = 4.0;

    @TempDir
    Path dir;
    private final ManualClock clock = new ManualClock(T0);
    private final FanOutChannel channel = new FanOutChannel(LiveChannelId.talk("t-20261206-081500-ab12"));
    private final List<Frame> frames = new CopyOnWriteArrayList<>();
    private final List<String> onAir = new CopyOnWriteArrayList<>();
    private final AtomicReference<String> ended = new AtomicReference<>();
    private final AtomicReference<Boolean> channelEnded = new AtomicReference<>(false);
    private TalkIngest ingest;

    private TalkIngest ingest(Instant maxEnd) {
        channel.subscribe(new FrameListener() {
            @Override
            public void frame(Frame frame) {
                frames.add(frame);
            }

            @Override
            public void ended() {
                channelEnded.set(true);
            }
        }, Duration.ZERO);
        ingest = new TalkIngest("t-20261206-081500-ab12", channel, Ffmpeg.find("ffmpeg").talkCommand("matroska"), maxEnd,
                clock, new TalkIngest.Events() {
            @Override
            public void onAir(String talkId) {
                onAir.add(talkId);
            }

            @Override
            public void ended(String talkId, String reason) {
                ended.set(reason);
            }
        });
        return ingest;
    }

    @AfterEach
    void stop() {
        if (ingest != null) {
            ingest.end("test over");
            await().atMost(Duration.ofSeconds(10)).until(() -> ended.get() != null);
        }
    }

    /** A known tone as Chromium's MediaRecorder records it: WebM, Opus 32 kbit/s, 48 kHz. */
    private byte[] spokenWebm(double seconds) throws Exception {
        Path webm = dir.resolve("mic.webm");
        Process p = new ProcessBuilder("ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi",
                "-i", "sine=frequency=440:duration=" + seconds + ":sample_rate=48000", "-ac", "1", "-c:a", "libopus",
                "-b:a", "32k", "-f", "webm", webm.toString()).redirectErrorStream(true).start();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "ffmpeg made the WebM");
        assertEquals(0, p.exitValue(), new String(p.getInputStream().readAllBytes()));
        return Files.readAllBytes(webm);
    }

    @Test
    void webmOpusIn100MillisecondPiecesBecomesTheChannelsMp3OfTheSameLength() throws Exception {
        byte[] webm = spokenWebm(SECONDS);
        ingest(T0.plus(Duration.ofMinutes(15))).connected();
        int piece = (int) Math.ceil(webm.length / (SECONDS * 10)); // what 100 ms of it weighs
        for (int at = 0; at < webm.length; at += piece) {
            assertEquals(TalkIngest.Accepted.OK, ingest.accept(webm, at, Math.min(piece, webm.length - at)));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> !onAir.isEmpty());
        assertEquals(ChannelState.ON_AIR, channel.state());
        assertEquals("ON_AIR", ingest.report(3).state());
        assertEquals(3, ingest.report(3).stationsOnAir());

        ingest.end("speaker");
        await().atMost(Duration.ofSeconds(10)).until(() -> ended.get() != null && channelEnded.get());
        assertEquals("speaker", ended.get());
        assertEquals(ChannelState.ENDED, channel.state());
        assertTrue(frames.stream().allMatch(f -> f.sampleRate() == 22_050 && f.channels() == 1 && f.samples() == 576),
                "MPEG-2 layer III, 22,050 Hz, mono: " + frames.stream().map(f -> f.sampleRate() + "/" + f.channels())
                        .distinct().toList());
        double heard = frames.stream().mapToLong(Frame::micros).sum() / 1e6;
        assertEquals(SECONDS, heard, 0.3, "the channel carries as much audio as was spoken");
        assertEquals(Math.round(heard * 1000), ingest.receivedMillis(), 1);
        assertEquals("ENDED", ingest.report(0).state());
        assertEquals(TalkIngest.Accepted.ENDED, ingest.accept(webm, 0, 10), "nothing after the end");
    }

    @Test
    void nothingFromTheSpeakerForFifteenSecondsEndsTheTalk() throws Exception {
        byte[] webm = spokenWebm(1.0);
        ingest(T0.plus(Duration.ofMinutes(15))).connected();
        ingest.accept(webm, 0, webm.length);
        await().atMost(Duration.ofSeconds(10)).until(() -> !onAir.isEmpty());
        clock.set(T0.plus(TalkIngest.IDLE).minusMillis(1));
        ingest.check(clock.instant());
        assertFalse(ingest.ended(), "not before 15 s");
        clock.set(T0.plus(TalkIngest.IDLE));
        ingest.check(clock.instant());
        await().atMost(Duration.ofSeconds(10)).until(() -> ended.get() != null && channelEnded.get());
        assertEquals("idle", ended.get());
    }

    @Test
    void theMaximumLengthEndsTheTalkWhateverTheSpeakerSends() throws Exception {
        byte[] webm = spokenWebm(1.0);
        ingest(T0.plus(Duration.ofSeconds(10))).connected();
        ingest.accept(webm, 0, webm.length);
        clock.set(T0.plus(Duration.ofSeconds(10)));
        ingest.check(clock.instant());
        await().atMost(Duration.ofSeconds(10)).until(() -> ended.get() != null && channelEnded.get());
        assertEquals("maximum length", ended.get());
    }

    @Test
    void aMessageTooLargeIsRefusedAndTheTalkGoesOn() throws Exception {
        byte[] webm = spokenWebm(1.0);
        ingest(T0.plus(Duration.ofMinutes(15))).connected();
        byte[] big = new byte[TalkIngest.MAX_MESSAGE_BYTES + 1];
        assertEquals(TalkIngest.Accepted.TOO_LARGE, ingest.accept(big, 0, big.length));
        assertEquals(TalkIngest.Accepted.OK, ingest.accept(webm, 0, webm.length));
        await().atMost(Duration.ofSeconds(10)).until(() -> !onAir.isEmpty());
    }

    @Test
    void aSpeakerWhoNeverConnectsEndsTheTalkWithoutFfmpeg() {
        ingest(T0.plus(Duration.ofMinutes(15))).end("the speaker never connected");
        assertEquals("the speaker never connected", ended.get());
        assertTrue(channelEnded.get());
        assertEquals(TalkIngest.Accepted.ENDED, ingest.accept(new byte[4], 0, 4));
    }
}
