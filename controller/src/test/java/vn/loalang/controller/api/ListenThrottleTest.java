package vn.loalang.controller.api;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vn.loalang.controller.http.HttpServer;
import vn.loalang.controller.listen.ListenAddresses;
import vn.loalang.controller.listen.ListenCounts;
import vn.loalang.controller.listen.ListenFixture;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ListenThrottleTest {
    @TempDir
    Path dir;

    @Test
    void aVillageBehindOneAddressReadsCachedPagesFreelyWhileUncachedWorkIsStillLimited() throws Exception {
        String session = ListenFixture.DAY + ".morning";
        try (ListenFixture f = new ListenFixture(dir)) {
            f.plan("thon-dong", "morning", ListenFixture.MORNING, "gia-lua");
            f.played("thon-dong-1", session, ListenFixture.MORNING, "gia-lua");
            ListenCounts counts = new ListenCounts(f.store, f.clock, () -> ListenFixture.ZONE, new SecureRandom());
            ListenAddresses at = ListenAddresses.of(URI.create("http://127.0.0.1:1"));
            // Three pieces of work for this address, never refilled.
            ListenThrottle throttle = new ListenThrottle(f.clock, 3, 0.0);
            try (HttpServer server = HttpServer.start("127.0.0.1", 0, List.of(app -> ListenRoutes.mount(app,
                    new ListenRoutes.Listen(f.catalog, counts, () -> at, 4), throttle)))) {
                HttpClient http = HttpClient.newHttpClient();
                java.util.function.Function<String, Integer> get = path -> {
                    try {
                        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                                .timeout(java.time.Duration.ofSeconds(20)).build(),
                                HttpResponse.BodyHandlers.discarding()).statusCode();
                    } catch (Exception e) {
                        throw new IllegalStateException(path + ": " + e, e);
                    }
                };
                for (int i = 0; i < 200; i++) {
                    assertEquals(200, get.apply("/nghe-lai/thon-dong/"), "request " + i + " of the cached page");
                    assertEquals(200, get.apply("/nghe-lai/style.css"));
                    assertEquals(200, get.apply("/nghe-lai/artwork.png"));
                }
                // The village page above was one render; two more renders, then this address waits.
                assertEquals(200, get.apply("/nghe-lai/thon-dong/?ngay=" + ListenFixture.DAY.minusDays(1)));
                assertEquals(200, get.apply("/nghe-lai/thon-tay/"));
                assertEquals(429, get.apply("/nghe-lai/thon-dong/?ngay=" + ListenFixture.DAY.minusDays(2)));
                assertEquals(429, get.apply("/nghe-lai/thon-dong/feed.xml"));
                assertEquals(429, get.apply("/nghe-lai/a/thon-dong/" + ListenFixture.DAY + "/" + session + "/gia-lua.mp3"),
                        "an audio stream is work");
                assertEquals(200, get.apply("/nghe-lai/thon-dong/"), "what is cached is still served");
            } finally {
                counts.close();
            }
        }
    }

    @Test
    void anAddressSpendsItsBurstThenGetsOneRequestASecondAndOthersAreUntouched() {
        Clock[] clock = {Clock.fixed(Instant.parse("2026-12-06T01:00:00Z"), ZoneOffset.UTC)};
        Clock moving = new Clock() {
            @Override
            public java.time.ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return clock[0].instant();
            }
        };
        ListenThrottle throttle = new ListenThrottle(moving, 3, 1.0);
        for (int i = 0; i < 3; i++) {
            assertTrue(throttle.allow("203.0.113.7"));
        }
        assertFalse(throttle.allow("203.0.113.7"));
        assertTrue(throttle.allow("203.0.113.8"), "another address has its own budget");
        // One IPv6 subscriber is one /64, whatever address of it he uses.
        for (int i = 0; i < 3; i++) {
            assertTrue(throttle.allow("2001:db8:1:2::" + (i + 1)));
        }
        assertFalse(throttle.allow("2001:db8:1:2::ffff"));

        clock[0] = Clock.offset(clock[0], java.time.Duration.ofMillis(1500));
        assertTrue(throttle.allow("203.0.113.7"), "a token back after a second");
        assertFalse(throttle.allow("203.0.113.7"));
        assertEquals(3, throttle.keys());
    }

    @Test
    void itsMemoryIsBounded() {
        ListenThrottle throttle = new ListenThrottle(Clock.systemUTC(), 5, 1.0);
        for (int i = 0; i < ListenThrottle.MAX_KEYS + 2_000; i++) {
            throttle.allow("10." + (i >> 16 & 255) + "." + (i >> 8 & 255) + "." + (i & 255));
        }
        assertTrue(throttle.keys() <= ListenThrottle.MAX_KEYS, throttle.keys() + " addresses kept");
    }
}
