package vn.loalang.controller.alert;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vn.loalang.audio.testing.Fixtures;
import vn.loalang.controller.priority.AlertWindow;
import vn.loalang.controller.change.ChangeException;
import vn.loalang.controller.audit.AuditLog;
import vn.loalang.controller.content.LibraryCatalog;
import vn.loalang.controller.directory.Commune;
import vn.loalang.controller.directory.Directory;
import vn.loalang.controller.store.Store;
import vn.loalang.protocol.testing.ManualClock;
import vn.loalang.controller.users.Role;
import vn.loalang.controller.users.User;
import vn.loalang.protocol.SchemaVersion;
import vn.loalang.protocol.Topics;
import vn.loalang.protocol.alert.Alert;
import vn.loalang.protocol.alert.AlertPriority;
import vn.loalang.protocol.alert.AlertPreamble;
import vn.loalang.protocol.signing.Ed25519Keys;
import vn.loalang.protocol.signing.EnvelopeSigner;
import vn.loalang.protocol.signing.EnvelopeVerifier;
import vn.loalang.protocol.signing.MessageType;
import vn.loalang.protocol.station.EventType;
import vn.loalang.protocol.station.StationEvent;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Alerts on a real SQLite store: rights, one signed retained publish per village, progress, re-send, cancel, expiry. */
class AlertServiceTest {
    private static final Instant T0 = Instant.parse("2026-11-30T14:00:00Z"); // 21:00 in the commune: a night alarm
    private static final Topics TOPICS = Topics.defaults();


    record Sent(String topic, byte[] payload, boolean retained) {
    }

    @TempDir
    Path dir;
    private final ManualClock clock = new ManualClock(T0);
    private final KeyPair keys = Ed25519Keys.generate();
    private final List<Sent> sent = new CopyOnWriteArrayList<>();
    private Store store;
    private AlertService alerts;
    private LibraryCatalog library;
    private Directory directory;
    private final User headOfTay = new User("truong.tay", "Bác Ba", Role.VILLAGE_HEAD, List.of("thon-tay"), "vi", T0, false);
    private final User operator = new User("van.thu", null, Role.OPERATOR, List.of(), "vi", T0, false);

    @BeforeEach
    void commune() throws IOException {
        store = Store.open(dir.resolve("loalang.db"));
        AuditLog audit = new AuditLog(clock);
        Commune seed = new Commune(new Commune.Settings("xa-an-binh", "Xã An Bình", null, null, null),
                List.of(new Commune.Village("thon-dong", "Thôn Đông", null),
                        new Commune.Village("thon-tay", "Thôn Tây", null)),
                List.of(new Commune.Station("thon-dong-1", null, "thon-dong"),
                        new Commune.Station("thon-tay-1", null, "thon-tay"),
                        new Commune.Station("thon-tay-2", null, "thon-tay")),
                List.of(), null);
        Directory directory = Directory.open(store, audit, clock, null, seed, null);
        this.directory = directory;
        LibraryCatalog library = LibraryCatalog.open(store, dir.resolve("content"), -16, audit, clock);
        try (InputStream in = Files.newInputStream(Fixtures.path(Fixtures.ITEM_660HZ_1S))) {
            library.upload("van.thu", new Commune.LibraryEntry("nuoc-lu", "Nước lũ lên", "warning", "x", 0.0, null,
                    null), "nuoc-lu.mp3", in);
        }
        this.library = library;
        alerts = new AlertService(store, audit, clock, directory::current, library.index()::byId,
                () -> URI.create("http://10.0.0.1:8080"), TOPICS, new EnvelopeSigner("k1", keys.getPrivate(), clock),
                (topic, payload, retained) -> sent.add(new Sent(topic, payload, retained)));
    }

    @AfterEach
    void close() {
        store.close();
    }

    private AlertService.Request request(List<String> villages) {
        return new AlertService.Request(villages, "nuoc-lu", null, null, "Nước lũ tràn đê", null, 2, 10, null, 20);
    }

    private Alert verify(Sent s) throws Exception {
        EnvelopeVerifier verifier = new EnvelopeVerifier(Map.of("k1", keys.getPublic()), clock, Duration.ofMinutes(5));
        return verifier.verify(s.topic(), MessageType.ALERT, s.payload(), Alert.class).payload();
    }

    private void event(String station, long seq, EventType type, String session, String reason) {
        alerts.onEvent(new StationEvent(SchemaVersion.CURRENT, station, "boot-1", seq, clock.instant(), type, session,
                null, null, reason, null, null));
    }

    private Map<String, String> statuses(String id) {
        Map<String, String> out = new java.util.TreeMap<>();
        alerts.status(id).orElseThrow().deliveries().forEach(d -> out.put(d.stationId(), d.status()));
        return out;
    }

    @Test
    void aVillageHeadAlertsTheirVillageWithOneSignedRetainedPublishThatNamesWhatToPlay() throws Exception {
        AlertService.Triggered s = alerts.trigger(headOfTay, request(List.of("thon-tay")));

        assertEquals(1, sent.size(), "one publish for the village: the broker fans it out to its loudspeakers");
        Sent only = sent.get(0);
        assertEquals(TOPICS.zoneAlert("thon-tay", s.id()), only.topic(), "a topic of its own under the village");
        assertTrue(only.retained(), "retained, so a station that connects late still gets it");
        Alert alert = verify(only);
        assertEquals(s.id(), alert.id());
        assertEquals(AlertPriority.EMERGENCY, alert.priority());
        assertEquals(AlertPreamble.SIREN, alert.preamble());
        assertEquals(2, alert.repeats());
        assertEquals(T0.plus(Duration.ofMinutes(20)), alert.expiresAt());
        assertEquals("nuoc-lu", alert.items().get(0).contentId());
        assertTrue(alert.items().get(0).url().toString().startsWith("http://10.0.0.1:8080/content/"));
        assertEquals(Map.of("thon-tay-1", "PENDING", "thon-tay-2", "PENDING"), statuses(s.id()),
                "only the village's stations");
        assertEquals(List.of("thon-tay-1", "thon-tay-2"), alerts.status(s.id()).orElseThrow().notAcknowledged());
        assertEquals(new AlertService.Triggered(s.id(), "ACTIVE", List.of("thon-tay"), "EMERGENCY", s.title(),
                T0.plus(Duration.ofMinutes(20)), 2), s, "the answer counts the loudspeakers; their progress is asked for");
    }

    @Test
    void anAlertThatPassedItsChecksOpensTheWindowBackgroundWorkGivesWayTo() {
        AlertWindow window = new AlertWindow();
        alerts.openOnTrigger(window);
        assertThrows(AlertService.RightsException.class, () -> alerts.trigger(headOfTay, request(List.of("thon-dong"))));
        assertFalse(window.isOpen(), "a refused request holds nothing back");

        alerts.trigger(headOfTay, request(List.of("thon-tay")));
        assertTrue(window.isOpen(), "the schedules' publishing waits while the alert goes out");
    }

    @Test
    void nobodyAlertsOutsideTheirRightsAndBadRequestsSayWhy() {
        assertThrows(AlertService.RightsException.class, () -> alerts.trigger(headOfTay, request(List.of("thon-dong"))));
        assertThrows(AlertService.RightsException.class, () -> alerts.trigger(headOfTay, request(List.of("*"))));
        User tech = new User("ky.thuat", null, Role.TECHNICIAN, List.of(), "vi", T0, false);
        assertThrows(AlertService.RightsException.class, () -> alerts.trigger(tech, request(List.of("thon-tay"))));
        record Case(AlertService.Request req, String field) {
        }
        for (Case c : List.of(
                new Case(new AlertService.Request(List.of("thon-tay"), null, null, null, "x", null, 1, 0, null, 10), "contentId"),
                new Case(new AlertService.Request(List.of("thon-tay"), "khong-co", null, null, "x", null, 1, 0, null, 10), "contentId"),
                new Case(new AlertService.Request(List.of("thon-tay"), "nuoc-lu", null, null, "x", null, 1, 0,
                        T0.minusSeconds(1), null), "expiresAt"),
                new Case(new AlertService.Request(List.of("thon-tay"), "nuoc-lu", null, null, " ", null, 1, 0, null, 10), "reason"),
                new Case(new AlertService.Request(List.of("thon-bac"), "nuoc-lu", null, null, "x", null, 1, 0, null, 10), "villages"))) {
            ChangeException e = assertThrows(ChangeException.class, () -> alerts.trigger(operator, c.req()), c.field());
            assertEquals(c.field(), e.field(), e.getMessage());
        }
        assertEquals(List.of(), sent, "nothing was published");
        AlertService.Triggered whole = alerts.trigger(operator, request(List.of("*")));
        assertEquals(List.of("thon-dong", "thon-tay"), whole.villages(), "an operator may alert the whole commune");
        assertEquals(2, sent.size());
    }

    @Test
    void eachStationsProgressIsKeptAndThoseThatHaveNotAnsweredAreSentItAgain() throws Exception {
        String id = alerts.trigger(headOfTay, request(List.of("thon-tay"))).id();
        event("thon-tay-1", 1, EventType.ALERT_RECEIVED, id, null);
        event("thon-tay-1", 2, EventType.SESSION_STARTED, id, null);
        event("thon-tay-1", 3, EventType.ITEM_STARTED, id, null);
        assertEquals(Map.of("thon-tay-1", "PLAYING", "thon-tay-2", "PENDING"), statuses(id));
        event("thon-tay-1", 4, EventType.SESSION_FINISHED, id, null);
        assertEquals("COMPLETED", statuses(id).get("thon-tay-1"), "heard in full once");
        event("thon-tay-1", 5, EventType.SESSION_FINISHED, id + "~2", "OUTPUT_FAILED");
        event("thon-tay-1", 6, EventType.SESSION_STARTED, id + "~2", null);
        assertEquals("COMPLETED", statuses(id).get("thon-tay-1"), "progress never goes back");

        clock.set(T0.plus(AlertService.RESEND_AFTER));
        alerts.tick();
        assertEquals(2, sent.size(), "thon-tay-2 has not answered: the village is sent it again");
        assertArrayEquals(sent.get(0).payload(), sent.get(1).payload(), "the same signed bytes: a duplicate, not a new alert");
        alerts.tick();
        assertEquals(2, sent.size(), "not again before the next interval");
        event("thon-tay-2", 1, EventType.SESSION_FINISHED, id, "OUTPUT_FAILED");
        assertEquals("FAILED", statuses(id).get("thon-tay-2"));
        assertTrue(auditActions().contains("thon-tay-1 alert.delivery " + id), auditActions().toString());
    }

    @Test
    void cancelStopsItEverywhereAndExpiryClearsTheRetainedMessage() throws Exception {
        String id = alerts.trigger(operator, request(List.of("thon-dong", "thon-tay"))).id();
        assertThrows(AlertService.RightsException.class, () -> alerts.cancel(headOfTay, id),
                "a village head cannot cancel an alert for a village not theirs");
        AlertService.Status cancelled = alerts.cancel(operator, id);
        assertEquals("CANCELLED", cancelled.state());
        assertEquals(4, sent.size());
        assertTrue(verify(sent.get(2)).cancelled() && verify(sent.get(3)).cancelled());
        assertTrue(sent.get(3).retained(), "retained until it would have expired: a late station learns it was withdrawn");
        assertThrows(ChangeException.class, () -> alerts.cancel(operator, id));

        event("thon-dong-1", 1, EventType.ALERT_ENDED, id, "CANCELLED");
        assertEquals("CANCELLED", statuses(id).get("thon-dong-1"), "a cancel is not a failure");
        int before = sent.size();
        clock.set(T0.plus(AlertService.RESEND_CANCEL_AFTER));
        alerts.tick();
        assertEquals(before + 2, sent.size(), "the cancel is sent again until the alert would have expired");
        assertTrue(verify(sent.get(sent.size() - 1)).cancelled());
        clock.set(T0);

        String other = alerts.trigger(headOfTay, request(List.of("thon-tay"))).id();
        clock.set(T0.plus(Duration.ofMinutes(21)));
        alerts.tick();
        assertEquals("EXPIRED", alerts.status(other).orElseThrow().state());
        Sent cleared = sent.get(sent.size() - 1);
        assertEquals(TOPICS.zoneAlert("thon-tay", other), cleared.topic());
        assertEquals(0, cleared.payload().length, "an empty retained message removes it from the broker");
        assertTrue(auditActions().containsAll(List.of("van.thu alert.cancel " + id, "system alert.expire " + other,
                "truong.tay alert.trigger " + other)), auditActions().toString());
    }

    @Test
    void typedTextIsSpokenIntoTheLibraryAndSentLikeARecording() throws Exception {
        alerts.speakWith(new SpokenText(new vn.loalang.audio.speech.EspeakSpeechEngine(), library, dir.resolve("speech")));
        AlertService.Triggered s = alerts.trigger(headOfTay, new AlertService.Request(List.of("thon-tay"), null,
                "Nước lũ đang lên, bà con di chuyển lên chỗ cao ngay.", "vi", null, "Lũ lên", "lũ về đêm", null, 1, 0,
                null, 15));
        Alert sentAlert = verify(sent.get(0));
        String spokenId = sentAlert.items().get(0).contentId();
        var item = library.index().byId(spokenId).orElseThrow();
        assertEquals("warning", item.category());
        assertTrue(item.duration().toMillis() > 1500, "a sentence of speech: " + item.duration());
        assertEquals(s.id(), sentAlert.id());
        ChangeException empty = assertThrows(ChangeException.class, () -> alerts.trigger(headOfTay,
                new AlertService.Request(List.of("thon-tay"), null, " ", "vi", null, null, "x", null, 1, 0, null, 15)));
        assertEquals("contentId", empty.field(), "no recording and no text");
    }

    @Test
    void aTypedAlertsClipIsKeptWithoutTellingTheLibrarysListenersSoNoRecompileRuns() throws Exception {
        java.util.concurrent.atomic.AtomicInteger told = new java.util.concurrent.atomic.AtomicInteger();
        library.onChange(told::incrementAndGet); // the controller recompiles every schedule on it
        alerts.speakWith(new SpokenText(new vn.loalang.audio.speech.EspeakSpeechEngine(), library, dir.resolve("speech")));
        AlertService.Triggered s = alerts.trigger(headOfTay, new AlertService.Request(List.of("thon-tay"), null,
                "Nước lũ đang lên.", "vi", null, "Lũ lên", "lũ về đêm", null, 1, 0, null, 15));
        assertEquals(0, told.get(), "a new clip is in no program: no schedule can change");
        String spokenId = verify(sent.get(0)).items().get(0).contentId();
        assertTrue(library.spokenClips().stream().anyMatch(i -> i.id().equals(spokenId)), "kept as a spoken clip");
        assertEquals(s.id(), verify(sent.get(0)).id());
    }

    private List<String> auditActions() {
        return store.query(c -> new AuditLog(clock).latest(c, 200)).stream()
                .map(e -> e.actor() + " " + e.action() + " " + e.target()).toList();
    }

    @Test
    void listenersAreToldOfEachAlertAfterItIsOnTheBrokerAndOneThatFailsUndoesNothing() {
        List<AlertService.Published> told = new CopyOnWriteArrayList<>();
        List<AlertService.Cancelled> cancels = new CopyOnWriteArrayList<>();
        List<Integer> publishedBefore = new CopyOnWriteArrayList<>();
        alerts.onPublished(p -> {
            throw new IllegalStateException("a listener's own fault");
        });
        alerts.onPublished(p -> {
            publishedBefore.add(sent.size());
            told.add(p);
        });
        alerts.onCancelled(cancels::add);

        AlertService.Triggered t = alerts.trigger(operator, new AlertService.Request(List.of("thon-tay"), "nuoc-lu",
                null, null, "WARNING", "Nước lũ", "Nước lũ tràn đê", null, 1, 0, null, 20, "Lũ sông Tây",
                "Di dời gia súc lên cao."));

        assertEquals(List.of(1), publishedBefore, "told once the broker has it");
        assertEquals(new AlertService.Published(t.id(), List.of("thon-tay"), "WARNING", "Nước lũ", null, "Lũ sông Tây",
                "Di dời gia súc lên cao.", "nuoc-lu", T0.plus(Duration.ofMinutes(20))), told.get(0));
        assertEquals("ACTIVE", alerts.status(t.id()).orElseThrow().state(), "the failing listener changed nothing");

        clock.set(T0.plusSeconds(60));
        alerts.cancel(operator, t.id());
        assertEquals(List.of(new AlertService.Cancelled(t.id(), List.of("thon-tay"), "WARNING", "Nước lũ", "van.thu",
                T0.plusSeconds(60), T0.plus(Duration.ofMinutes(20)))), cancels);

        // A long instruction is cut, never refused: the alert goes out.
        alerts.trigger(operator, new AlertService.Request(List.of("thon-tay"), "nuoc-lu", null, null, "WARNING",
                "Nước lũ", "Nước lũ tràn đê", null, 1, 0, null, 20, " ", "x".repeat(3000)));
        assertEquals(null, told.get(1).headline(), "blank is none");
        assertEquals("x".repeat(AlertService.MAX_WORDS) + " …", told.get(1).instruction());
    }

    @Test
    void anAlertPublishedOrCancelledIsOnThePublicPagesAtOnce() throws Exception {
        var listen = new vn.loalang.controller.listen.ListenCatalog(store, directory::current, library.index(),
                java.util.Set::of, clock);
        var counts = new vn.loalang.controller.listen.ListenCounts(store, clock,
                () -> java.time.ZoneId.of("Asia/Ho_Chi_Minh"), new java.security.SecureRandom());
        try (var server = vn.loalang.controller.http.HttpServer.start("127.0.0.1", 0, List.of(app ->
                vn.loalang.controller.api.ListenRoutes.mount(app, new vn.loalang.controller.api.ListenRoutes.Listen(listen,
                        counts, vn.loalang.controller.listen.ListenAddresses::relative, 4), alerts)))) {
            var http = java.net.http.HttpClient.newHttpClient();
            java.util.function.Function<String, java.net.http.HttpResponse<String>> get = path -> {
                try {
                    return http.send(java.net.http.HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port()
                            + path)).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
                } catch (Exception e) {
                    throw new IllegalStateException(path + ": " + e, e);
                }
            };
            assertFalse(get.apply("/nghe-lai/thon-tay/").body().contains("Lũ sông Tây"), "read and kept a minute");

            AlertService.Triggered t = alerts.trigger(operator, new AlertService.Request(List.of("thon-tay"), "nuoc-lu",
                    null, null, "WARNING", "Nước lũ", "Nước lũ tràn đê", null, 1, 0, null, 20, "Lũ sông Tây",
                    "Di dời gia súc lên cao."));

            String page = get.apply("/nghe-lai/thon-tay/").body();
            assertTrue(page.contains("Lũ sông Tây") && page.contains("class=\"alert\""), page);
            assertEquals(200, get.apply("/nghe-lai/canh-bao/" + t.id()).statusCode());

            clock.set(T0.plusSeconds(60));
            alerts.cancel(operator, t.id());
            assertFalse(get.apply("/nghe-lai/thon-tay/").body().contains("class=\"alert\""), "no longer on top, in red");
        } finally {
            counts.close();
        }
    }
}
