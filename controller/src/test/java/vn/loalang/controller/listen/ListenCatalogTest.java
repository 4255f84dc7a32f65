package vn.loalang.controller.listen;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vn.loalang.controller.audit.AuditLog;
import vn.loalang.controller.change.ChangeException;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static vn.loalang.controller.listen.ListenFixture.DAY;
import static vn.loalang.controller.listen.ListenFixture.MORNING;
import static vn.loalang.controller.listen.ListenFixture.NOON;

class ListenCatalogTest {
    static final String MORNING_ID = DAY + ".morning";

    @TempDir
    Path dir;
    ListenFixture f;

    @BeforeEach
    void open() throws Exception {
        f = new ListenFixture(dir);
    }

    @AfterEach
    void close() {
        f.close();
    }

    @Test
    void aVillageHearsAgainOnlyWhatItsLoudspeakersPlayedOfPublicCategories() throws Exception {
        f.plan("thon-dong", "morning", MORNING, "gia-lua", "ho-ngheo", "bao-lu");
        f.plan("thon-tay", "morning", MORNING, "gia-lua", "ho-ngheo", "bao-lu");
        // thon-dong-2 plays rice prices and the household list; bao-lu was never finished anywhere in Thôn Đông.
        f.played("thon-dong-2", MORNING_ID, MORNING, "gia-lua", "ho-ngheo");
        f.played("thon-tay-1", MORNING_ID, MORNING, "bao-lu");

        ListenCatalog.Day dong = f.catalog.day("thon-dong", DAY);
        assertEquals(1, dong.sessions().size());
        ListenCatalog.Session s = dong.sessions().get(0);
        assertEquals(MORNING_ID, s.sessionId());
        assertEquals(List.of("gia-lua"), s.items().stream().map(ListenCatalog.Item::libraryId).toList(),
                "the household review list is not public; bao-lu was not played in Thôn Đông");
        ListenCatalog.Item rice = s.items().get(0);
        assertTrue(rice.available());
        assertEquals(MORNING.plusSeconds(60), rice.played());
        assertEquals(3, rice.seconds());
        assertEquals(java.nio.file.Files.size(rice.file()), rice.bytes());
        assertEquals(List.of("bao-lu"), f.catalog.day("thon-tay", DAY).sessions().get(0).items().stream()
                .map(ListenCatalog.Item::libraryId).toList());
        assertTrue(f.catalog.item("thon-dong", DAY, MORNING_ID, "gia-lua").isPresent());
        assertTrue(f.catalog.item("thon-dong", DAY, MORNING_ID, "ho-ngheo").isEmpty(), "hidden");
        assertTrue(f.catalog.item("thon-dong", DAY, MORNING_ID, "bao-lu").isEmpty(), "not played here");
        assertTrue(f.catalog.item("thon-dong", DAY, DAY + ".evening", "gia-lua").isEmpty(), "no such session");
    }

    @Test
    void theCommuneMakesACategoryPublicAndTheChangeIsAudited() {
        f.plan("thon-dong", "morning", MORNING, "gia-lua", "ho-ngheo");
        f.played("thon-dong-1", MORNING_ID, MORNING, "gia-lua", "ho-ngheo");
        assertFalse(f.categories.publicNow().contains("poor-household-review"));

        f.categories.set("admin", Map.of("poor-household-review", true, "market-prices", false));

        assertEquals(List.of("ho-ngheo"), f.catalog.day("thon-dong", DAY).sessions().get(0).items().stream()
                .map(ListenCatalog.Item::libraryId).toList());
        PublicCategories.Category review = f.categories.all().stream()
                .filter(c -> c.category().equals("poor-household-review")).findFirst().orElseThrow();
        assertTrue(review.isPublic());
        assertFalse(review.byDefault());
        List<AuditLog.Entry> audit = f.store.query(c -> new AuditLog(f.clock).latest(c, 5));
        assertEquals("listen.categories", audit.get(0).action());
        assertEquals("admin", audit.get(0).actor());
        assertTrue(audit.get(0).after().contains("\"poor-household-review\":true"), audit.get(0).after());
        assertThrows(ChangeException.class, () -> f.categories.set("admin", Map.of("khong-co", true)));
    }

    @Test
    void anExpiredItemIsALineWithoutAudioAndASweptOneOnlyACount() {
        f.plan("thon-dong", "morning", MORNING, "thoi-tiet", "da-xoa");
        f.played("thon-dong-1", MORNING_ID, MORNING, "thoi-tiet", "da-xoa");
        assertTrue(f.catalog.day("thon-dong", DAY).sessions().get(0).items().get(0).available(), "not expired yet");

        f.clock.set(NOON.plus(Duration.ofDays(1)));

        ListenCatalog.Session s = f.catalog.day("thon-dong", DAY).sessions().get(0);
        ListenCatalog.Item weather = s.items().get(0);
        assertEquals("thoi-tiet", weather.libraryId());
        assertFalse(weather.available(), "it expired on the 25th");
        assertNull(weather.file());
        assertEquals(1, s.expired(), "da-xoa is no longer in the library: counted, never named");
        assertTrue(f.catalog.item("thon-dong", DAY, MORNING_ID, "thoi-tiet").isEmpty());
    }

    @Test
    void aRelaySlotIsHeardThroughItsRecordingOnlyOnceRecordingsArePublic() {
        f.plan("thon-dong", "morning", MORNING, "gia-lua", "relay-vov1");
        f.played("thon-dong-1", MORNING_ID, MORNING, "gia-lua", "relay-vov1");
        assertEquals(List.of("gia-lua"), ids(), "relay recordings are not the commune's to republish by default");

        f.categories.set("admin", Map.of("relay-recording", true));

        assertEquals(List.of("gia-lua", "rec-vov1-20261124-0535"), ids());
    }

    @Test
    void aSessionStillToComeIsNotListed() {
        f.plan("thon-dong", "evening", NOON.plusSeconds(3600), "gia-lua");
        assertEquals(List.of(), f.catalog.day("thon-dong", DAY).sessions());
    }

    @Test
    void alertsCarryTheirTextFallingBackToTitleAndReasonAndOldOnesAreDropped() {
        f.alert("a-lu", NOON.minusSeconds(600), NOON.plusSeconds(3600), "ACTIVE", List.of("thon-dong"), "Lũ",
                "lũ về", "Nước sông dâng cao, đề nghị bà con di dời.", "Cảnh báo lũ khẩn cấp",
                "Di chuyển lên chỗ cao trước 18 giờ.", "bao-lu");
        f.alert("a-cu", NOON.minus(Duration.ofDays(3)), NOON.minus(Duration.ofDays(3)).plusSeconds(3600), "EXPIRED",
                List.of("*"), "Gió mạnh", "gió cấp 7", null, null, null, "bao-lu");
        f.alert("a-xua", NOON.minus(Duration.ofDays(40)), NOON.minus(Duration.ofDays(40)), "EXPIRED",
                List.of("thon-dong"), "Cũ", "cũ", null, null, null, "bao-lu");

        List<ListenCatalog.Alert> dong = f.catalog.alerts("thon-dong");
        assertEquals(List.of("a-lu", "a-cu"), dong.stream().map(ListenCatalog.Alert::id).toList());
        ListenCatalog.Alert lu = dong.get(0);
        assertTrue(lu.active());
        assertEquals("Cảnh báo lũ khẩn cấp", lu.headline());
        assertEquals("Nước sông dâng cao, đề nghị bà con di dời.", lu.text());
        assertEquals("Di chuyển lên chỗ cao trước 18 giờ.", lu.instruction());
        assertTrue(lu.hasAudio());
        ListenCatalog.Alert wind = dong.get(1);
        assertFalse(wind.active());
        assertEquals("Gió mạnh", wind.headline(), "no headline: the title");
        assertEquals("gió cấp 7", wind.text(), "no spoken text: the reason");
        assertEquals(List.of("a-cu"), f.catalog.alerts("thon-tay").stream().map(ListenCatalog.Alert::id).toList());
        assertTrue(f.catalog.alert("a-xua").isEmpty(), "older than 30 days");
    }

    @Test
    void whatASessionPlayedIsFoundThroughAnIndexNotAScanOfThePlayLog() {
        f.plan("thon-dong", "morning", MORNING, "gia-lua");
        f.played("thon-dong-1", MORNING_ID, MORNING, "gia-lua");
        List<String> plan = f.store.query(c -> {
            List<String> out = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement("EXPLAIN QUERY PLAN " + ListenCatalog.FINISHED)) {
                s.setString(1, "thon-dong");
                s.setLong(2, 0);
                s.setLong(3, Long.MAX_VALUE);
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        out.add(rs.getString("detail"));
                    }
                }
            }
            return out;
        });
        assertTrue(plan.stream().anyMatch(d -> d.startsWith("SEARCH e USING INDEX station_event_session")), plan.toString());
        assertTrue(plan.stream().noneMatch(d -> d.startsWith("SCAN e")), plan.toString());
    }

    @Test
    void aCachedCatalogAnswersUnknownIdsWithoutTheStoreWhileAnAlertHoldsIt() throws Exception {
        f.plan("thon-dong", "morning", MORNING, "gia-lua");
        f.played("thon-dong-1", MORNING_ID, MORNING, "gia-lua");
        ListenCatalog cached = f.catalog.cachedFor(Duration.ofMinutes(1));
        assertTrue(cached.item("thon-dong", DAY, MORNING_ID, "gia-lua").isPresent(), "the first request reads the store");
        assertTrue(cached.alert("a-none").isEmpty());

        CountDownLatch held = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        ExecutorService alertPath = Executors.newSingleThreadExecutor();
        ExecutorService publicSide = Executors.newSingleThreadExecutor();
        try {
            // The alert path's write, holding the store's one lock until the public side is done.
            Future<?> writer = alertPath.submit(() -> f.store.transaction(c -> {
                held.countDown();
                try {
                    return release.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }));
            assertTrue(held.await(10, TimeUnit.SECONDS));
            SecureRandom random = new SecureRandom();
            Future<Integer> found = publicSide.submit(() -> {
                int n = 0;
                for (int k = 0; k < 200; k++) {
                    String session = DAY + "." + Long.toHexString(random.nextLong());
                    String item = Long.toHexString(random.nextLong());
                    n += cached.item("thon-dong", DAY, session, item).isPresent() ? 1 : 0;
                    n += cached.alert("a-" + item).isPresent() ? 1 : 0;
                }
                return n;
            });
            assertEquals(0, found.get(10, TimeUnit.SECONDS), "200 unknown ids answered while the store is held");
            release.countDown();
            writer.get(10, TimeUnit.SECONDS);
        } finally {
            release.countDown();
            alertPath.shutdownNow();
            publicSide.shutdownNow();
        }
    }

    private List<String> ids() {
        return f.catalog.day("thon-dong", DAY).sessions().get(0).items().stream().map(ListenCatalog.Item::libraryId)
                .toList();
    }
}
