package vn.loalang.controller.listen;

import vn.loalang.controller.audit.AuditLog;
import vn.loalang.controller.content.ContentLibrary;
import vn.loalang.controller.directory.Commune;
import vn.loalang.controller.report.PlannedSessions;
import vn.loalang.controller.station.EventLog;
import vn.loalang.controller.station.SqliteEventLog;
import vn.loalang.controller.store.Store;
import vn.loalang.controller.testing.TestFiles;
import vn.loalang.protocol.SchemaVersion;
import vn.loalang.protocol.schedule.Item;
import vn.loalang.protocol.schedule.Schedule;
import vn.loalang.protocol.schedule.Session;
import vn.loalang.protocol.station.EventType;
import vn.loalang.protocol.station.StationEvent;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A real SQLite store and a real library of MP3 files for the listen tests. Xã An Bình on 24 November 2026 at
 * noon: Thôn Đông (stations thon-dong-1, -2) and Thôn Tây (thon-tay-1). The library: rice prices (public), a
 * poor-household review list (private by default), the weather (expires on the 25th), a kept VOV1 relay
 * recording of the morning (private by default) and a storm-warning clip.
 */
public final class ListenFixture implements AutoCloseable {
    public static final ZoneId ZONE = ZoneId.of("Asia/Ho_Chi_Minh");
    public static final LocalDate DAY = LocalDate.of(2026, 11, 24);
    public static final Instant MORNING = DAY.atTime(5, 30).atZone(ZONE).toInstant();
    public static final Instant NOON = DAY.atTime(12, 0).atZone(ZONE).toInstant();
    public static final Commune COMMUNE = new Commune(new Commune.Settings("xa-an-binh", "Xã An Bình", null, null, null),
            List.of(new Commune.Village("thon-dong", "Thôn Đông", null), new Commune.Village("thon-tay", "Thôn Tây", null)),
            List.of(new Commune.Station("thon-dong-1", null, "thon-dong"), new Commune.Station("thon-dong-2", null, "thon-dong"),
                    new Commune.Station("thon-tay-1", null, "thon-tay")),
            List.of(), null);

    public final MutableClock clock = new MutableClock(NOON);
    public final Store store;
    public final ContentLibrary library;
    public final PublicCategories categories;
    public final ListenCatalog catalog;
    private final EventLog events;
    private final Map<String, Long> seq = new HashMap<>();

    public ListenFixture(Path dir) throws IOException {
        this(dir, List.of());
    }

    /** With {@code extra} entries, their files already in {@code dir/audio}. */
    public ListenFixture(Path dir, List<Commune.LibraryEntry> extra) throws IOException {
        store = Store.open(dir.resolve("loalang.db"));
        events = new SqliteEventLog(store, clock);
        Path audio = dir.resolve("audio");
        TestFiles.copyFixture("tone-1khz-3s-44k-mono-cbr.mp3", audio);
        TestFiles.copyFixture("item-660hz-1s.mp3", audio);
        List<Commune.LibraryEntry> entries = new java.util.ArrayList<>(extra);
        entries.addAll(List.of(
                new Commune.LibraryEntry("gia-lua", "Giá lúa hôm nay", "market-prices", "tone-1khz-3s-44k-mono-cbr.mp3", null),
                new Commune.LibraryEntry("ho-ngheo", "Danh sách bình xét hộ nghèo", "poor-household-review",
                        "item-660hz-1s.mp3", null),
                new Commune.LibraryEntry("thoi-tiet", "Thời tiết", "weather", "item-660hz-1s.mp3", null,
                        DAY.plusDays(1)),
                new Commune.LibraryEntry("rec-vov1-20261124-0535", "VOV1 05:35 24/11 — ghi lại", "relay-recording",
                        "item-660hz-1s.mp3", null),
                new Commune.LibraryEntry("bao-lu", "Cảnh báo lũ", "warning", "item-660hz-1s.mp3", null)));
        library = ContentLibrary.load(entries, audio);
        if (library.items().size() != entries.size()) {
            throw new IllegalStateException("the fixture library refused items: " + library.refused());
        }
        categories = new PublicCategories(store, new AuditLog(clock), clock);
        catalog = new ListenCatalog(store, () -> COMMUNE, library, categories::publicNow, clock);
    }

    /** The session {@code id} of {@code village}'s stations from {@code start}, an hour long, naming {@code items}. */
    public void plan(String village, String id, Instant start, String... items) {
        List<Item> list = java.util.Arrays.stream(items).map(i -> new Item(i, i, "a".repeat(64),
                URI.create("http://127.0.0.1/content/x"), 100, 1000, 0)).toList();
        Session session = new Session(LocalDate.ofInstant(start, ZONE) + "." + id, "Buổi sáng", start,
                start.plusSeconds(3600), list);
        for (Commune.Station s : COMMUNE.stations()) {
            if (s.village().equals(village)) {
                store.transaction(c -> {
                    PlannedSessions.write(c, new Schedule(SchemaVersion.CURRENT, s.id(), village, 1, ZONE.getId(),
                            start.minusSeconds(3 * 3600), start.plusSeconds(7 * 86_400), List.of(session)));
                    return null;
                });
            }
        }
    }

    /** {@code station} reports it finished {@code items} of {@code session}, a minute apart from {@code at}. */
    public void played(String station, String session, Instant at, String... items) {
        for (String item : items) {
            long n = seq.merge(station, 1L, Long::sum);
            at = at.plusSeconds(60);
            StationEvent e = StationEvent.of(EventType.ITEM_FINISHED).session(session).content(item)
                    .numbered(station, "sd-1", n, at);
            events.record(e, new EventLog.Position(station, "sd-1", n, List.of()));
        }
    }

    /** An alert row as AlertStore writes it, with V26's text columns (null: not filled). */
    public void alert(String id, Instant created, Instant expires, String state, List<String> villages, String title,
               String reason, String spoken, String headline, String instruction, String contentId) {
        store.transaction(c -> {
            try (PreparedStatement s = c.prepareStatement("""
                    INSERT INTO alert (id, created_at, actor, villages_json, priority, title, reason, preamble, items_json,
                                       repeats, interval_seconds, expires_at, state, spoken_text, headline, instruction)
                    VALUES (?, ?, 'van.thu', ?, 'EMERGENCY', ?, ?, 'NONE', ?, 1, 0, ?, ?, ?, ?, ?)""")) {
                s.setString(1, id);
                s.setString(2, created.toString());
                s.setString(3, "[" + String.join(",", villages.stream().map(v -> "\"" + v + "\"").toList()) + "]");
                s.setString(4, title);
                s.setString(5, reason);
                s.setString(6, "[{\"contentId\":\"" + contentId + "\",\"title\":\"x\"}]");
                s.setString(7, expires.toString());
                s.setString(8, state);
                s.setString(9, spoken);
                s.setString(10, headline);
                s.setString(11, instruction);
                s.executeUpdate();
            }
            return null;
        });
    }

    @Override
    public void close() {
        store.close();
    }

    /** A clock the test moves. */
    public static final class MutableClock extends Clock {
        private volatile Instant now;

        public MutableClock(Instant now) {
            this.now = now;
        }

        public void set(Instant at) {
            now = at;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
