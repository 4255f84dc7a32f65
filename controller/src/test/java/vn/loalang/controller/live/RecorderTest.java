package vn.loalang.controller.live;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vn.loalang.audio.live.Frame;
import vn.loalang.controller.audit.AuditLog;
import vn.loalang.controller.content.LibraryCatalog;
import vn.loalang.controller.content.LibraryItem;
import vn.loalang.controller.directory.Commune;
import vn.loalang.controller.store.Store;
import vn.loalang.controller.testing.ChannelFeed;
import vn.loalang.protocol.schedule.LiveChannelId;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A relay slot recorded from its channel's frames into the real library (SQLite, content folder):
 * as long as what was recorded, measured and levelled like an upload, in its category, audited,
 * with no recompile asked for; swept once expired.
 */
class RecorderTest {
    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-06T05:30:00Z"), ZoneOffset.UTC);
    static final ZoneId HANOI = ZoneId.of("Asia/Ho_Chi_Minh");
    static final Commune COMMUNE = new Commune(
            new Commune.Settings("xa-an-binh", "Xã An Bình", "Asia/Ho_Chi_Minh", 7, -18.0, null, null),
            List.of(new Commune.Village("thon-dong", "Thôn Đông", null)),
            List.of(new Commune.Station("thon-dong-1", null, "thon-dong")),
            List.of(), new Commune.Program(List.of(), List.of()));

    @TempDir
    Path dir;
    Store store;
    LibraryCatalog library;
    final AtomicInteger changes = new AtomicInteger();
    final AtomicInteger itemsChanged = new AtomicInteger();

    @BeforeEach
    void open() throws Exception {
        store = Store.open(dir.resolve("loalang.db"));
        library = LibraryCatalog.open(store, dir.resolve("content"), -18, new AuditLog(CLOCK), CLOCK);
        library.onChange(changes::incrementAndGet);
        library.onItemsChanged(ids -> itemsChanged.incrementAndGet());
    }

    @AfterEach
    void close() {
        store.close();
    }

    @Test
    void aSlotIsKeptAsLongAsRecordedMeasuredLevelledAuditedWithoutARecompile() throws Exception {
        List<Frame> frames = ChannelFeed.frames(dir.resolve("audio"), 440, 12);
        FanOutChannel channel = new FanOutChannel(LiveChannelId.relay("vov1"));
        // Before the slot: not recorded.
        frames.subList(0, 50).forEach(channel::publish);
        Recorder.Entry entry = Recorder.Entry.relay("vov1", "VOV1", CLOCK.instant(), HANOI, Recorder.KEEP_DAYS);
        Recorder recorder = Recorder.start(channel, entry, library, dir.resolve("data"), CLOCK);
        List<Frame> slot = frames.subList(50, frames.size() - 20);
        slot.forEach(channel::publish);
        recorder.finish();
        // After the slot: not recorded either.
        frames.subList(frames.size() - 20, frames.size()).forEach(channel::publish);
        Optional<LibraryItem> kept = recorder.kept().get(30, TimeUnit.SECONDS);

        LibraryItem item = kept.orElseThrow();
        long recordedMillis = slot.stream().mapToLong(Frame::micros).sum() / 1000;
        assertEquals(recordedMillis, item.duration().toMillis(), 200, "duration of the recorded frames");
        assertEquals("rec-vov1-20261206-1230", item.id());
        assertEquals("VOV1 12:30 06/12 — ghi lại", item.title());
        assertEquals(Recorder.RELAY_CATEGORY, item.category());
        assertEquals(java.time.LocalDate.parse("2026-12-13"), item.expires());
        assertTrue(Double.isFinite(item.loudnessLufs()), "loudness measured: " + item.loudnessLufs());
        assertEquals(-18 - item.loudnessLufs(), item.gainDb(), 1.0, "levelled to the commune's target like an upload");
        assertTrue(Math.abs(item.gainDb()) > 0.5, "a gain was set: " + item.gainDb());
        assertEquals("MP3", item.format());
        assertEquals(0, changes.get(), "no compile listener told");
        assertEquals(0, itemsChanged.get(), "no compile listener told");
        assertEquals(List.of(item), library.recordings());
        AuditLog.Entry audit = store.query(c -> new AuditLog(CLOCK).latest(c, 1)).get(0);
        assertEquals("library.add", audit.action());
        assertEquals(item.id(), audit.target());
        assertEquals("system", audit.actor());
        try (var left = Files.list(dir.resolve("data/live/rec"))) {
            assertEquals(0, left.count(), "the .part file is gone");
        }
    }

    @Test
    void aSlotWithoutAudioKeepsNothing() throws Exception {
        FanOutChannel channel = new FanOutChannel(LiveChannelId.relay("vov1"));
        Recorder recorder = Recorder.start(channel, Recorder.Entry.relay("vov1", "VOV1", CLOCK.instant(), HANOI, 7),
                library, dir.resolve("data"), CLOCK);
        channel.end();
        assertTrue(recorder.kept().get(10, TimeUnit.SECONDS).isEmpty());
        assertTrue(library.recordings().isEmpty());
    }

    @Test
    void expiredRecordingsAreSweptAndOthersStay() throws Exception {
        FanOutChannel channel = new FanOutChannel(LiveChannelId.relay("vov1"));
        Recorder recorder = Recorder.start(channel, Recorder.Entry.relay("vov1", "VOV1", CLOCK.instant(), HANOI, 7),
                library, dir.resolve("data"), CLOCK);
        ChannelFeed.frames(dir.resolve("audio"), 440, 3).forEach(channel::publish);
        channel.end();
        LibraryItem item = recorder.kept().get(30, TimeUnit.SECONDS).orElseThrow();
        assertEquals(List.of(), new RecordingSweep(library, () -> COMMUNE, CLOCK).sweep(), "not expired yet");
        Clock later = Clock.offset(CLOCK, Duration.ofDays(8));
        assertEquals(List.of(item.id()), new RecordingSweep(library, () -> COMMUNE, later).sweep());
        assertTrue(library.recordings().isEmpty());
        assertFalse(library.index().byId(item.id()).isPresent());
    }

    @Test
    void aRecordingCutShortByAPowerCutIsRemovedAtTheNextStartAndNothingElse() throws Exception {
        java.nio.file.Path rec = java.nio.file.Files.createDirectories(dir.resolve("data").resolve("live").resolve("rec"));
        java.nio.file.Path cut = java.nio.file.Files.write(rec.resolve("relay-vov1-20261206T053000Z.mp3.part"), new byte[4096]);
        java.nio.file.Path other = java.nio.file.Files.write(rec.resolve("notes.txt"), new byte[]{1});

        assertEquals(1, RecordingSweep.removeUnfinished(dir.resolve("data")));

        assertFalse(java.nio.file.Files.exists(cut), "the half-written recording is gone");
        assertTrue(java.nio.file.Files.exists(other), "only .part files are touched");
        assertEquals(0, RecordingSweep.removeUnfinished(dir.resolve("nothing-here")), "no folder yet: nothing to do");
    }
}
