package vn.loalang.controller.bulletin;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vn.loalang.audio.speech.EspeakSpeechEngine;
import vn.loalang.audio.speech.VietnameseReading;
import vn.loalang.controller.audit.AuditLog;
import vn.loalang.controller.change.ChangeException;
import vn.loalang.controller.content.LibraryCatalog;
import vn.loalang.controller.content.LibraryItem;
import vn.loalang.controller.directory.Commune;
import vn.loalang.controller.directory.PlaylistEntry;
import vn.loalang.controller.schedule.ScheduleCompiler;
import vn.loalang.controller.store.Store;
import vn.loalang.controller.testing.fake.FakeHttpApi;
import vn.loalang.protocol.schedule.Item;
import vn.loalang.protocol.schedule.Schedule;
import vn.loalang.protocol.schedule.Session;
import vn.loalang.protocol.testing.ManualClock;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The morning bulletin on a real SQLite store, library folder and espeak-ng, with a stepped clock in
 * Asia/Ho_Chi_Minh: the table uploaded at 04:00 on 6 December 2026 becomes library item gia-ca-20261206 at 04:30,
 * which the 05:30 session's compiled schedule plays, and the listener (the mirror) hears of it with its text.
 */
class PriceBulletinsTest {
    private static final Instant FOUR_AM = Instant.parse("2026-12-05T21:00:00Z"); // 04:00 on 6/12 in the commune
    private static final LocalDate DAY = LocalDate.of(2026, 12, 6);
    private static final URI BASE = URI.create("http://192.168.1.10:8080");

    @TempDir
    Path dir;
    private final ManualClock clock = new ManualClock(FOUR_AM);
    private Store store;
    private LibraryCatalog library;
    private PriceBulletins bulletins;
    private final AtomicInteger compiles = new AtomicInteger();
    private final List<PriceBulletins.Published> heard = new CopyOnWriteArrayList<>();
    private Commune commune = commune(morning(new PlaylistEntry.LatestBulletin("gia-ca")));

    @BeforeEach
    void open() throws Exception {
        store = Store.open(dir.resolve("loalang.db"));
        AuditLog audit = new AuditLog(clock);
        library = LibraryCatalog.open(store, dir.resolve("content"), -16, audit, clock);
        bulletins = new PriceBulletins(store, audit, clock, () -> commune, library, new EspeakSpeechEngine(),
                dir.resolve("speech"), new PriceFeed(Duration.ofSeconds(2), true), compiles::incrementAndGet);
        bulletins.onPublished(heard::add);
    }

    @AfterEach
    void close() {
        bulletins.close();
        store.close();
    }

    @Test
    void atHalfPastFourTheBulletinIsSpokenKeptCompiledIntoTheMorningSessionAndAnnounced() throws Exception {
        bulletins.configure("can.bo.nn", new BulletinSettings("csv", null, LocalTime.of(4, 30), "Chợ An Bình", "north"));
        // Thirty lines: more than the speech engine takes at once, so the reading is spoken in parts and joined.
        StringBuilder csv = new StringBuilder("\uFEFFMặt hàng;Đơn vị;Giá;Giá trước;Ghi chú\n"
                + "Lúa IR50404;kg;7.200;7.000;\n");
        for (int i = 2; i <= 30; i++) {
            csv.append("Rau loại ").append(i).append(";kg;").append(10 + i).append(".500;").append(10 + i).append(".000;\n");
        }
        bulletins.putCsv("can.bo.nn", csv.toString().getBytes(StandardCharsets.UTF_8));

        assertEquals(Optional.empty(), bulletins.prepareIfDue(), "04:00 is before the prepare time");
        clock.set(FOUR_AM.plus(Duration.ofMinutes(30)));
        PriceBulletins.Published made = bulletins.prepareIfDue().orElseThrow();

        String text = made.text();
        assertTrue(text.startsWith("Bản tin giá cả nông sản sáng ngày 6/12/2026 tại Chợ An Bình. Lúa IR50404: 7.200 đồng"
                + " một ký, tăng 200 đồng so với hôm trước."), text);
        assertTrue(text.length() > EspeakSpeechEngine.MAX_CHARACTERS, "long enough to be spoken in parts: " + text.length());
        assertEquals(new PriceBulletins.Published(made.bulletinId(), DAY, "Giá cả nông sản 6/12/2026", text,
                "gia-ca-20261206"), made);
        assertEquals(List.of(made), heard, "the listener heard of it, with its text");
        assertEquals(1, compiles.get(), "the program plays the day's bulletin: one compile asked for");

        LibraryItem item = library.index().byId("gia-ca-20261206").orElseThrow();
        assertEquals("market-prices", item.category());
        assertEquals(DAY.plusDays(2), item.expires());
        assertTrue(item.duration().compareTo(Duration.ofSeconds(60)) > 0, "all thirty lines spoken: " + item.duration());
        assertEquals(VietnameseReading.of(VietnameseReading.Dialect.NORTH).read(text), storedReading(made.bulletinId()),
                "what was spoken is the text through VietnameseReading");

        Schedule schedule = new ScheduleCompiler(() -> commune, library.index(), BASE).compile(clock.instant(), 1)
                .get("tram-1");
        Session morning = schedule.sessions().stream().filter(s -> s.id().startsWith("2026-12-06")).findFirst()
                .orElseThrow();
        assertEquals(List.of("gia-ca-20261206"), morning.items().stream().map(Item::contentId).toList());
        assertEquals(Instant.parse("2026-12-05T22:30:00Z"), morning.start(), "the 05:30 session");

        clock.advance(Duration.ofMinutes(10));
        assertEquals(Optional.empty(), bulletins.prepareIfDue(), "once a day");
        assertEquals(1, heard.size());
    }

    @Test
    void publishingAgainReplacesTheDaysItemAndThePreviewShowsTextAndReading() throws Exception {
        bulletins.putCsv("can.bo.nn", "mat_hang,don_vi,gia\nLúa IR50404,kg,7.200\n".getBytes(StandardCharsets.UTF_8));
        PriceBulletins.Preview preview = bulletins.preview();
        assertEquals(List.of(), preview.problems());
        assertEquals(VietnameseReading.of(VietnameseReading.Dialect.NORTH).read(preview.text()), preview.reading());

        String first = bulletins.publish("can.bo.nn").libraryId();
        bulletins.putCsv("can.bo.nn", "mat_hang,don_vi,gia\nLúa IR50404,kg,7.300\n".getBytes(StandardCharsets.UTF_8));
        PriceBulletins.Published again = bulletins.publish("can.bo.nn");

        assertEquals(first, again.libraryId());
        assertTrue(again.text().contains("7.300 đồng một ký"), again.text());
        assertEquals(1, library.index().items().stream().filter(i -> i.id().startsWith("gia-ca-")).count());
        Path wav = bulletins.previewWav();
        assertTrue(Files.size(wav) > 10_000, "a spoken preview");
    }

    @Test
    void aBulletinWhoseDaysAreOverLeavesTheLibraryWhenANewOneIsMade() {
        bulletins.putCsv("can.bo.nn", "mat_hang,don_vi,gia\nLúa,kg,7200\n".getBytes(StandardCharsets.UTF_8));
        bulletins.publish("can.bo.nn");
        clock.advance(Duration.ofDays(3));
        bulletins.putCsv("can.bo.nn", "mat_hang,don_vi,gia\nLúa,kg,7300\n".getBytes(StandardCharsets.UTF_8));
        bulletins.publish("can.bo.nn");

        assertEquals(List.of("gia-ca-20261209"), library.index().items().stream().map(LibraryItem::id)
                .filter(id -> id.startsWith("gia-ca-")).toList(), "the 6th's expired on the 8th");
    }

    @Test
    void withAFeedTheTableIsFetchedAtThePrepareTimeAndAFailingFeedFallsBackToTheLastTable() throws Exception {
        try (FakeHttpApi feed = new FakeHttpApi()) {
            String url = feed.base().resolve("/gia-ca.json").toString();
            bulletins.configure("admin", new BulletinSettings("feed", url, LocalTime.of(4, 30), "Chợ tỉnh", "north"));
            feed.next(FakeHttpApi.Answer.json(200, """
                    {"date": "2026-12-06", "items": [{"name": "Lúa IR50404", "unit": "kg", "price": 7200}]}"""));
            clock.set(FOUR_AM.plus(Duration.ofMinutes(30)));

            PriceBulletins.Published made = bulletins.prepareIfDue().orElseThrow();

            assertEquals("FEED", bulletins.table().orElseThrow().source());
            assertTrue(made.text().contains("tại Chợ tỉnh. Lúa IR50404: 7.200 đồng một ký."), made.text());
            assertEquals(1, feed.requests().size());

            feed.next(FakeHttpApi.Answer.text(503, "bận"));
            clock.advance(Duration.ofDays(1));
            PriceBulletins.Published next = bulletins.prepareIfDue().orElseThrow();
            assertEquals("gia-ca-20261207", next.libraryId());
            assertTrue(next.text().contains("Giá ngày 6/12/2026."), "yesterday's table, said so: " + next.text());
            assertTrue(bulletins.warning().contains("HTTP 503") && bulletins.warning().contains("the last table kept"),
                    "the operator still hears that the feed failed: " + bulletins.warning());
            assertEquals(2, feed.requests().size());
        }
    }

    @Test
    void aStaleTableMakesNoBulletinAndWarnsTheOperator() {
        bulletins.putJson("can.bo.nn", """
                {"date": "2026-12-03", "items": [{"name": "Lúa", "unit": "kg", "price": 7200}]}"""
                .getBytes(StandardCharsets.UTF_8));
        clock.set(FOUR_AM.plus(Duration.ofHours(1)));

        assertEquals(Optional.empty(), bulletins.prepareIfDue());
        assertTrue(bulletins.warning().contains("đã cũ 3 ngày"), bulletins.warning());
        assertTrue(bulletins.preview().problems().get(0).contains("3 days old"));
        assertEquals(List.of(), heard);
        assertTrue(library.index().byId("gia-ca-20261206").isEmpty());
    }

    @Test
    void aBadTableIsRefusedWholeWithEveryLinesProblem() {
        ChangeException refused = assertThrows(ChangeException.class, () -> bulletins.putCsv("can.bo.nn",
                "mat_hang,don_vi,gia\nLúa,kg,abc\nBắp,,5000\n".getBytes(StandardCharsets.UTF_8)));
        assertEquals(ChangeException.Kind.REFUSED, refused.kind());
        assertEquals(2, refused.problems().size());
        assertTrue(refused.problems().get(1).startsWith("Dòng 3 / line 3"), refused.problems().toString());
        assertTrue(bulletins.table().isEmpty());
    }

    @Test
    void thePrepareTimeMustLeaveHalfAnHourBeforeTheSessionThatPlaysIt() {
        ChangeException late = assertThrows(ChangeException.class, () -> bulletins.configure("admin",
                new BulletinSettings("csv", null, LocalTime.of(5, 10), "", "south")));
        assertEquals("prepareAt", late.field());
        assertTrue(late.getMessage().contains("05:30"), late.getMessage());
        assertEquals(LocalTime.of(5, 0), bulletins.configure("admin",
                new BulletinSettings("csv", null, LocalTime.of(5, 0), "", "south")).prepareAt());
        assertEquals("south", bulletins.settings().dialect());
    }

    private String storedReading(long id) {
        return store.query(c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT reading FROM price_bulletin WHERE id = ?")) {
                s.setLong(1, id);
                try (ResultSet rs = s.executeQuery()) {
                    rs.next();
                    return rs.getString(1);
                }
            }
        });
    }

    private static Commune.Program morning(Object... items) {
        return new Commune.Program(List.of(new Commune.DailySession("morning", "Buổi sáng", LocalTime.of(5, 30),
                LocalTime.of(6, 30), List.of(items))), List.of());
    }

    private static Commune commune(Commune.Program program) {
        return new Commune(new Commune.Settings("xa-an-binh", "Xã An Bình", "Asia/Ho_Chi_Minh", 1, null),
                List.of(new Commune.Village("thon-dong", "Thôn Đông", null)),
                List.of(new Commune.Station("tram-1", "Loa Thôn Đông", "thon-dong")), List.of(), program);
    }
}
