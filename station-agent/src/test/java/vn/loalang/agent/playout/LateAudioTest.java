package vn.loalang.agent.playout;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vn.loalang.agent.content.ContentCache;
import vn.loalang.audio.ContentHash;
import vn.loalang.audio.testing.Fixtures;
import vn.loalang.protocol.schedule.Item;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The wait for audio still on its way into a real cache, on a line whose clock is the silence
 * written to it (as the sound card's is): how long it waits, what ends it, and the stand-in.
 */
class LateAudioTest {
    private static final String STATION = "st-01";
    private static final Instant T0 = Instant.parse("2026-03-02T04:00:00Z");

    @TempDir
    Path dir;

    private ContentCache cache;
    private Item clip;
    private final Item fallback = new Item("builtin-fallback", "Thông báo", "f".repeat(64),
            URI.create("http://127.0.0.1/builtin/fallback"), 1, 1000, 0);

    @BeforeEach
    void cache() throws IOException {
        cache = new ContentCache(STATION, dir.resolve("cache"));
        String sha = ContentHash.sha256(Fixtures.path(Fixtures.ITEM_660HZ_1S));
        // Its real size: the cache checks a file against the item's signed size before its first use.
        clip = new Item("nuoc-lu", "Nước lũ", sha, URI.create("http://127.0.0.1:9/content/" + sha),
                Files.size(Fixtures.path(Fixtures.ITEM_660HZ_1S)), 1000, 0);
    }

    private void arrives(Item item) throws IOException {
        Files.copy(Fixtures.path(Fixtures.ITEM_660HZ_1S), dir.resolve("cache").resolve(item.sha256()));
    }

    /** The line as the wait drives it: silence moves its clock; a stop may close it after some looks. */
    private static final class Line implements LateAudio.Line {
        Duration written = Duration.ZERO;
        int looks;
        int closeAfterLooks = Integer.MAX_VALUE;
        int fadeIns;
        Runnable atLook = () -> {
        };

        @Override
        public Instant now() {
            return T0.plus(written);
        }

        @Override
        public boolean open() {
            return looks < closeAfterLooks;
        }

        @Override
        public void silence(Duration d) {
            written = written.plus(d);
            looks++;
            atLook.run();
        }

        @Override
        public void fadeIn() {
            fadeIns++;
        }
    }

    /** Late content that says the clip is coming as long as {@code coming} is true. */
    private Program program(Duration window, boolean coming, Item standIn) {
        return new Program("alert-1", "Nước lũ", Priority.EMERGENCY, T0, T0.plus(window), List.of(clip),
                new Program.LateContent() {
                    @Override
                    public boolean stillComing(Item item) {
                        return coming && item.equals(clip);
                    }

                    @Override
                    public Optional<Item> standIn() {
                        return Optional.ofNullable(standIn);
                    }
                });
    }

    @Test
    void audioThatArrivesWhileTheLineWaitsIsPlayedAfterSilenceAndAFadeIn() throws IOException {
        LateAudio late = new LateAudio(STATION, cache, program(Duration.ofMinutes(5), true, fallback));
        Line line = new Line();
        line.atLook = () -> {
            if (line.looks == 4) {
                try {
                    arrives(clip);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }
        };

        LateAudio.Outcome outcome = late.await(clip, line);

        assertEquals(Optional.of(dir.resolve("cache").resolve(clip.sha256())), outcome.file());
        assertEquals(Optional.empty(), outcome.standIn());
        assertEquals(LateAudio.ARRIVAL_POLL.multipliedBy(4), line.written, "four looks, each after 50 ms of silence");
        assertEquals(1, line.fadeIns, "out of the silence without a click");
    }

    @Test
    void audioAlreadyGivenUpIsReplacedByTheStandInOnceWithoutWaiting() throws IOException {
        LateAudio late = new LateAudio(STATION, cache, program(Duration.ofMinutes(5), false, fallback));
        Line line = new Line();

        assertEquals(Optional.of(fallback), late.await(clip, line).standIn());
        assertEquals(Duration.ZERO, line.written, "nothing is coming: no wait");
        assertEquals(0, line.fadeIns);

        LateAudio.Outcome second = late.await(clip, line);
        assertEquals(Optional.empty(), second.standIn(), "the stand-in replaces one missing item, not each");
        assertEquals(Optional.empty(), second.file());
    }

    @Test
    void theWaitIsBoundedWhateverTheLateContentSays() throws IOException {
        LateAudio late = new LateAudio(STATION, cache, program(Duration.ofMinutes(5), true, fallback));
        Line line = new Line();

        LateAudio.Outcome outcome = late.await(clip, line);

        assertEquals(LateAudio.LATE_AUDIO_WAIT, line.written, "15 s of silence, then the stand-in");
        assertEquals(Optional.of(fallback), outcome.standIn());
    }

    @Test
    void theWaitEndsBeforeTheWindowCloses() throws IOException {
        LateAudio late = new LateAudio(STATION, cache, program(Duration.ofSeconds(2), true, null));
        Line line = new Line();

        LateAudio.Outcome outcome = late.await(clip, line);

        assertTrue(line.written.plus(SessionPlayer.FADE_OUT).compareTo(Duration.ofSeconds(2)) >= 0
                && line.written.compareTo(Duration.ofSeconds(2)) < 0, "until the window's last fade-out: " + line.written);
        assertEquals(LateAudio.Outcome.nothing(), outcome, "no stand-in: the item fails as missing");
    }

    @Test
    void aStopOrAHigherPriorityEndsTheWaitAndNoStandInIsSaid() throws IOException {
        LateAudio late = new LateAudio(STATION, cache, program(Duration.ofMinutes(5), true, fallback));
        Line line = new Line();
        line.closeAfterLooks = 3;

        LateAudio.Outcome outcome = late.await(clip, line);

        assertEquals(LateAudio.ARRIVAL_POLL.multipliedBy(3), line.written);
        assertEquals(LateAudio.Outcome.nothing(), outcome);
        assertFalse(line.open());
        assertEquals(Optional.of(fallback), late.await(clip, new Line()).standIn(),
                "the stand-in was not spent on a wait cut short");
    }
}
