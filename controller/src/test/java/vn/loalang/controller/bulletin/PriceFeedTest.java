package vn.loalang.controller.bulletin;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import vn.loalang.controller.testing.fake.FakeHttpApi;
import vn.loalang.controller.testing.fake.FakeHttpApi.Answer;

import java.time.Duration;
import java.time.LocalDate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The price feed fetched from a local HTTP server: a table, an error, an answer too big or too slow, a refused URL. */
class PriceFeedTest {
    private final FakeHttpApi server = new FakeHttpApi();
    private final PriceFeed feed = new PriceFeed(Duration.ofSeconds(1), true);

    @AfterEach
    void close() {
        server.close();
    }

    private String url() {
        return server.base().resolve("/gia-ca.json").toString();
    }

    @Test
    void theFeedsTableIsFetchedAndRead() throws Exception {
        server.next(Answer.json(200, """
                {"date": "2026-12-06", "market": "Chợ Long Xuyên", "items": [{"name": "Lúa", "unit": "kg", "price": 7200}]}"""));
        TableRead read = feed.fetch(url(), "");
        assertTrue(read.ok(), read.texts().toString());
        assertEquals(LocalDate.of(2026, 12, 6), read.table().date());
        assertEquals("/gia-ca.json", server.requests().get(0).path());
        assertEquals("application/json", server.requests().get(0).header("Accept"));
    }

    @Test
    void errorsOversizedAndStalledAnswersAreSaidPlainly() {
        server.next(Answer.text(503, "busy"));
        assertTrue(assertThrows(PriceFeed.FeedException.class, () -> feed.fetch(url(), "")).getMessage()
                .contains("HTTP 503"));

        server.next(Answer.json(200, "[" + "1,".repeat(PriceTableJson.MAX_BYTES / 2) + "1]"));
        assertTrue(assertThrows(PriceFeed.FeedException.class, () -> feed.fetch(url(), "")).getMessage()
                .contains("quá 256 KB"));

        server.next(Answer.hang());
        long started = System.nanoTime();
        assertTrue(assertThrows(PriceFeed.FeedException.class, () -> feed.fetch(url(), "")).getMessage()
                .contains("không trả lời trong 1 giây"));
        assertTrue(Duration.ofNanos(System.nanoTime() - started).compareTo(Duration.ofSeconds(5)) < 0);
    }

    @Test
    void theControllersOwnMachineAndLinkLocalAddressesAreRefusedUnlessAllowed() {
        PriceFeed strict = new PriceFeed(Duration.ofSeconds(1), false);
        for (String refused : java.util.List.of(url(), "http://169.254.169.254/latest/meta-data", "http://[::1]:8080/x",
                "file:///etc/passwd", "http://user:pw@example.org/x", "gopher://example.org/")) {
            assertThrows(PriceFeed.FeedException.class, () -> strict.check(refused), refused);
        }
        PriceFeed.FeedException byName = assertThrows(PriceFeed.FeedException.class,
                () -> strict.fetch("http://localhost:" + server.base().getPort() + "/gia-ca.json", ""));
        assertTrue(byName.getMessage().contains("--mirror-allow-local"), byName.getMessage());
        assertEquals(0, server.requests().size(), "nothing was fetched");
    }
}
