package vn.loalang.controller.health;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vn.loalang.controller.store.Store;
import vn.loalang.protocol.testing.ManualClock;

import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Incidents on a real store: opened when first seen, one incident however often a link flaps, closed once it is gone. */
class IncidentsTest {
    private static final Instant T0 = Instant.parse("2026-11-24T22:00:00Z");

    @TempDir
    Path dir;
    private final ManualClock clock = new ManualClock(T0);
    private final List<Incidents.Incident> told = new CopyOnWriteArrayList<>();
    private Store store;
    private Incidents incidents;

    @BeforeEach
    void open() {
        store = Store.open(dir.resolve("loalang.db"));
        incidents = new Incidents(store, clock, List.of(told::add));
    }

    @AfterEach
    void close() {
        store.close();
    }

    private static Health health(String station, Health.Problem... problems) {
        return new Health(station, "thon-1", problems.length == 0 ? Health.State.OK : Health.State.DEGRADED,
                java.util.Arrays.stream(problems).map(Health.Problem::text).toList(), List.of(problems), null, null);
    }

    @Test
    void aFlappingLinkIsOneIncidentOpenedWhenFirstSeenAndClosedWhenItHasBeenGoneLongEnough() {
        Health.Problem offline = new Health.Problem("offline", "silent since …");
        incidents.update(List.of(health("st-1", offline), health("st-2")));
        assertEquals(1, told.size());
        assertEquals(T0, told.get(0).openedAt());

        for (int i = 0; i < 5; i++) {
            clock.advance(Duration.ofSeconds(30));
            incidents.update(List.of(health("st-1"), health("st-2")));
            clock.advance(Duration.ofSeconds(30));
            incidents.update(List.of(health("st-1", offline), health("st-2")));
        }
        assertEquals(1, told.size(), "the same incident while it keeps coming back");
        assertEquals(1, incidents.openIncidents().size());

        clock.advance(Incidents.CLEAR_AFTER.minusSeconds(1));
        incidents.update(List.of(health("st-1"), health("st-2")));
        assertEquals(1, incidents.openIncidents().size(), "not gone long enough yet");
        clock.advance(Duration.ofSeconds(1));
        incidents.update(List.of(health("st-1"), health("st-2")));
        assertEquals(2, told.size());
        Incidents.Incident closed = told.get(1);
        assertEquals(T0, closed.openedAt(), "with its first time");
        assertEquals(clock.instant(), closed.closedAt());
        assertTrue(incidents.openIncidents().isEmpty());
        assertEquals(1, incidents.recent(10).size());
    }

    @Test
    void eachKindOfProblemIsItsOwnIncidentAndANewOneAfterClosingIsNew() {
        incidents.update(List.of(health("st-1", new Health.Problem("disk", "disk free 120 MB"),
                new Health.Problem("missed:2026-11-24.morning", "missed session"))));
        assertEquals(2, incidents.openIncidents().size());
        clock.advance(Incidents.CLEAR_AFTER);
        incidents.update(List.of(health("st-1", new Health.Problem("disk", "disk free 110 MB"))));
        assertEquals(List.of("disk"), incidents.openIncidents().stream().map(Incidents.Incident::kind).toList());
        assertNull(incidents.openIncidents().get(0).closedAt());
    }

    @Test
    void aWebhookIsToldOfEachIncidentAsJson() throws Exception {
        List<String> bodies = new CopyOnWriteArrayList<>();
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/hook", exchange -> {
            bodies.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        server.start();
        try {
            Incidents withHook = new Incidents(store, clock, List.of(new WebhookNotifier(
                    URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/hook"))));
            withHook.update(List.of(health("st-9", new Health.Problem("temperature", "temperature 81.5 °C"))));
            await().atMost(Duration.ofSeconds(10)).until(() -> bodies.size() == 1);
            assertTrue(bodies.get(0).contains("\"stationId\":\"st-9\"") && bodies.get(0).contains("\"kind\":\"temperature\""),
                    bodies.get(0));
        } finally {
            server.stop(0);
        }
    }
}
