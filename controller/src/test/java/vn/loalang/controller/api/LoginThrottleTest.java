package vn.loalang.controller.api;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tinylog.Level;
import vn.loalang.controller.testing.ApiClient.Answer;
import vn.loalang.controller.testing.CapturedLog;
import vn.loalang.controller.users.PasswordHasher;
import vn.loalang.controller.users.Role;
import vn.loalang.controller.users.UserDirectory;
import vn.loalang.protocol.Json;
import vn.loalang.protocol.testing.ManualClock;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Password guessing over real HTTP: throttled per name and per address, hashes bounded, names checked first. */
class LoginThrottleTest {
    private static final String ADMIN_PASSWORD = "admin-password-1";
    private final HttpClient http = HttpClient.newHttpClient();

    @TempDir
    Path dir;

    private static Answer login(ApiFixture api, String name, String password) throws Exception {
        return api.api.call("POST", "/api/login", null, Map.of("username", name, "password", password));
    }

    /** The whole response, for its Retry-After header. */
    private HttpResponse<String> rawLogin(ApiFixture api, String name, String password) throws Exception {
        return http.send(HttpRequest.newBuilder(api.api.uri("/api/login"))
                .POST(HttpRequest.BodyPublishers.ofByteArray(Json.write(Map.of("username", name, "password",
                        password)))).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aNameThatKeepsFailingWaitsTwiceAsLongEachTimeAndIsAnswered429WithRetryAfter() throws Exception {
        ManualClock clock = new ManualClock(Instant.parse("2026-12-05T08:00:00Z"));
        try (ApiFixture api = new ApiFixture(dir, clock, ADMIN_PASSWORD)) {
            for (int i = 1; i <= LoginThrottle.BY_NAME.free() + 1; i++) {
                assertEquals(401, login(api, "admin", "guess-" + i).status(), "failure " + i + " is only refused");
            }
            HttpResponse<String> held = rawLogin(api, "admin", ADMIN_PASSWORD);
            assertEquals(429, held.statusCode(), "even the right password waits: " + held.body());
            assertEquals("1", held.headers().firstValue("Retry-After").orElseThrow());
            String message = Json.mapper().readTree(held.body()).get("message").asText();
            assertTrue(message.contains("thử lại sau 1 giây") && message.contains("try again in 1 s"), message);

            clock.advance(Duration.ofSeconds(1));
            assertEquals(401, login(api, "admin", "guess-again").status());
            HttpResponse<String> longer = rawLogin(api, "admin", ADMIN_PASSWORD);
            assertEquals(429, longer.statusCode(), longer.body());
            assertEquals("2", longer.headers().firstValue("Retry-After").orElseThrow(), "twice as long");

            clock.advance(Duration.ofSeconds(2));
            assertEquals(200, login(api, "admin", ADMIN_PASSWORD).status(), "after the wait the right password works");
            assertEquals(401, login(api, "admin", "one-more-slip").status(), "a success cleared the name's count");
            assertEquals(200, login(api, "admin", ADMIN_PASSWORD).status());
        }
    }

    @Test
    void anAddressTryingManyNamesIsHeldBackForEveryName() throws Exception {
        ManualClock clock = new ManualClock(Instant.parse("2026-12-05T08:00:00Z"));
        try (ApiFixture api = new ApiFixture(dir, clock, ADMIN_PASSWORD)) {
            // Each name fails once only, far below its own limit; a malformed name counts for the address too.
            for (int i = 1; i <= LoginThrottle.BY_ADDRESS.free(); i++) {
                assertEquals(401, login(api, "user" + i, "guess").status());
            }
            assertEquals(401, login(api, "NOT A NAME", "guess").status());
            HttpResponse<String> held = rawLogin(api, "admin", ADMIN_PASSWORD);
            assertEquals(429, held.statusCode(), held.body());
            assertEquals("1", held.headers().firstValue("Retry-After").orElseThrow());
            clock.advance(Duration.ofSeconds(1));
            assertEquals(200, login(api, "admin", ADMIN_PASSWORD).status());
        }
    }

    @Test
    void aMalformedNameIsRefusedWithoutAHashAndWithoutItsTextInTheLog() throws Exception {
        // One slot, taken by a long hash below: any login that needs a hash now gets 503.
        PasswordHasher hasher = new PasswordHasher(1000, 1, Duration.ofMillis(100));
        // A stored hash of a million rounds: each check of it holds the only slot for a second or so.
        String costly = "pbkdf2-sha256$1000000$c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g";
        try (ApiFixture api = new ApiFixture(dir, Clock.systemUTC(), hasher, () -> ADMIN_PASSWORD, List.of())) {
            AtomicBoolean release = new AtomicBoolean();
            CompletableFuture<Void> holder = CompletableFuture.runAsync(() -> {
                while (!release.get()) {
                    try {
                        hasher.verify("giu-cho".toCharArray(), costly);
                    } catch (PasswordHasher.Busy e) {
                        // A login took the slot in between: try again.
                    }
                }
            });
            try {
                await().atMost(Duration.ofSeconds(5)).until(() -> hasher.freeSlots() == 0);
                String forged = "evil\nINFO User admin logged in\u202e\u001b[31m" + "x".repeat(5000);
                int malformed = 0;
                int busy = 0;
                // Fewer failures than the address's free ones: what is seen is the hash slot, not the throttle.
                for (int i = 0; i < 5; i++) {
                    malformed += login(api, forged, "guess").status() == 401 ? 1 : 0;
                    HttpResponse<String> r = rawLogin(api, "khong.co", "guess");
                    if (r.statusCode() == 503) {
                        busy++;
                        assertEquals("1", r.headers().firstValue("Retry-After").orElseThrow());
                    }
                }
                assertEquals(5, malformed, "a name no user can have is refused at once, slot or no slot");
                assertTrue(busy > 0, "a well-formed name needs a hash, and the one slot is taken");
            } finally {
                release.set(true);
                holder.get(10, TimeUnit.SECONDS);
            }
            List<CapturedLog.Line> lines = CapturedLog.lines(AccountRoutes.class, Level.WARN, "Failed login as 'evil");
            assertFalse(lines.isEmpty());
            for (CapturedLog.Line l : lines) {
                assertFalse(l.message().contains("\n") || l.message().contains("\u202e")
                        || l.message().contains("\u001b"), l.message());
                assertTrue(l.message().length() < 200, "bounded: " + l.message().length());
            }
            assertTrue(api.store.query(c -> new vn.loalang.controller.audit.AuditLog(Clock.systemUTC()).latest(c, 100))
                    .stream().noneMatch(e -> e.actor().startsWith("evil")), "nothing of it in the store either");
        }
    }

    /**
     * A flood of logins, each a full-cost hash, while an operator works: the hashes get at most their slots
     * (the rest are refused 503), and the operator's calls, which never hash, keep answering.
     */
    @Test
    void aLoginFloodTakesOnlyTheHashSlotsAndTheApiKeepsAnswering() throws Exception {
        // One slot, and a wait for it shorter than any hash: a login that finds the slot taken is refused however fast
        // this machine hashes (with 200 ms, an idle fast machine served all six threads in turn and refused none).
        PasswordHasher hasher = new PasswordHasher(100_000, 1, Duration.ofMillis(1));
        try (ApiFixture api = new ApiFixture(dir, Clock.systemUTC(), hasher, () -> ADMIN_PASSWORD, List.of())) {
            api.users.create("admin", new UserDirectory.NewUser("van.thu", null, Role.OPERATOR, List.of(), "vi",
                    "mat-khau-dai-du"));
            String operator = api.api.login("van.thu", "mat-khau-dai-du");
            AtomicBoolean stop = new AtomicBoolean();
            AtomicInteger refused = new AtomicInteger();
            AtomicInteger served = new AtomicInteger();
            ExecutorService flood = Executors.newFixedThreadPool(6);
            try {
                for (int t = 0; t < 6; t++) {
                    flood.submit(() -> {
                        while (!stop.get()) {
                            // The right password: successes are never throttled, so every one costs a hash.
                            int s = login(api, "admin", ADMIN_PASSWORD).status();
                            (s == 503 ? refused : served).incrementAndGet();
                        }
                        return null;
                    });
                }
                await().atMost(Duration.ofSeconds(20)).until(() -> refused.get() >= 5 && served.get() >= 2);
                // While the flood goes on, the rest of the API answers: the hashes wait for their slots, not
                // the requests that need none (how fast is for a benchmark, not for this test).
                long refusedBefore = refused.get();
                for (int i = 0; i < 21; i++) {
                    assertEquals(200, api.api.call("GET", "/api/alerts", operator, null).status());
                }
                await().atMost(Duration.ofSeconds(20)).until(() -> refused.get() > refusedBefore);
            } finally {
                stop.set(true);
                flood.shutdown();
                assertTrue(flood.awaitTermination(20, TimeUnit.SECONDS));
            }
        }
    }

    @Test
    void theThrottleRemembersABoundedNumberOfAddressesAndNames() {
        ManualClock clock = new ManualClock(Instant.parse("2026-12-05T08:00:00Z"));
        LoginThrottle throttle = new LoginThrottle(clock);
        for (int i = 0; i < 3 * LoginThrottle.MAX_KEYS; i++) {
            throttle.failed("10.0." + (i >> 8) + "." + (i & 255), "user" + i);
        }
        assertTrue(throttle.keys() <= 2L * LoginThrottle.MAX_KEYS, "remembered: " + throttle.keys());
        clock.advance(LoginThrottle.FORGET_AFTER.plusSeconds(1));
        assertEquals(0, throttle.keys(), "forgotten an hour after the last failure");
    }

    @Test
    void theWaitDoublesFromTheFirstFailurePastTheFreeOnesUpToItsCeiling() {
        LoginThrottle.Policy p = new LoginThrottle.Policy(3, Duration.ofSeconds(1), Duration.ofSeconds(60));
        assertEquals(Duration.ZERO, LoginThrottle.delay(p, 3));
        assertEquals(Duration.ofSeconds(1), LoginThrottle.delay(p, 4));
        assertEquals(Duration.ofSeconds(2), LoginThrottle.delay(p, 5));
        assertEquals(Duration.ofSeconds(32), LoginThrottle.delay(p, 9));
        assertEquals(Duration.ofSeconds(60), LoginThrottle.delay(p, 10));
        assertEquals(Duration.ofSeconds(60), LoginThrottle.delay(p, 1000));
    }

    @Test
    void anIpv6AddressIsCountedByItsSlash64AsOneSubscriberHoldsAllOfIt() {
        assertEquals("2001:db8:0:1::/64", LoginThrottle.network("2001:db8:0:1:aaaa:bbbb:cccc:dddd"));
        assertEquals(LoginThrottle.network("2001:db8:0:1::1"), LoginThrottle.network("2001:db8:0:1:ffff::2"));
        assertEquals("192.168.1.20", LoginThrottle.network("192.168.1.20"));
        assertEquals("0:0:0:0::/64", LoginThrottle.network("0:0:0:0:0:0:0:1"));
    }
}
