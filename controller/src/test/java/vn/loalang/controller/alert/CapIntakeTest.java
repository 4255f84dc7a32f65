package vn.loalang.controller.alert;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vn.loalang.audio.speech.EspeakSpeechEngine;
import vn.loalang.controller.change.ChangeException;
import vn.loalang.controller.alert.cap.CapMapping;
import vn.loalang.controller.alert.cap.CapPolicy;
import vn.loalang.controller.audit.AuditLog;
import vn.loalang.controller.content.LibraryCatalog;
import vn.loalang.controller.directory.Commune;
import vn.loalang.controller.directory.Directory;
import vn.loalang.controller.store.Store;
import vn.loalang.protocol.testing.ManualClock;
import vn.loalang.controller.users.Role;
import vn.loalang.controller.users.User;
import vn.loalang.protocol.Topics;
import vn.loalang.protocol.signing.Ed25519Keys;
import vn.loalang.protocol.signing.EnvelopeSigner;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** CAP 1.2 from a warning authority into the commune: broadcast, wait, cancel or ignore, on a real store. */
class CapIntakeTest {
    private static final Instant SENT = Instant.parse("2026-10-14T23:10:00Z"); // ten minutes after the flood warning


    @TempDir
    Path dir;
    private final ManualClock clock = new ManualClock(SENT);
    private final List<String> published = new CopyOnWriteArrayList<>();
    private final User feed = new User("nchmf", "Đài khí tượng", Role.OPERATOR, List.of(), "vi", SENT, false);
    private Store store;
    private AlertService alerts;
    private CapIntake cap;

    @BeforeEach
    void commune() throws IOException {
        store = Store.open(dir.resolve("loalang.db"));
        AuditLog audit = new AuditLog(clock);
        Commune seed = new Commune(new Commune.Settings("xa-an-binh", "Xã An Bình", null, null, null),
                List.of(new Commune.Village("thon-dong", "Thôn Đông", null, null, List.of("99999")),
                        new Commune.Village("thon-tay", "Thôn Tây", null, null, List.of("30316"))),
                List.of(new Commune.Station("thon-dong-1", null, "thon-dong"),
                        new Commune.Station("thon-tay-1", null, "thon-tay")),
                List.of(), null);
        Directory directory = Directory.open(store, audit, clock, null, seed, null);
        LibraryCatalog library = LibraryCatalog.open(store, dir.resolve("content"), -16, audit, clock);
        alerts = new AlertService(store, audit, clock, directory::current, library.index()::byId,
                () -> URI.create("http://10.0.0.1:8080"), Topics.defaults(),
                new EnvelopeSigner("k1", Ed25519Keys.generate().getPrivate(), clock),
                (topic, payload, retained) -> published.add(topic + (payload.length == 0 ? " (cleared)" : "")));
        alerts.speakWith(new SpokenText(new EspeakSpeechEngine(), library, dir.resolve("speech")));
        cap = new CapIntake(store, audit, clock, new CapMapping(CapPolicy.DEFAULT, clock), alerts, directory::current);
    }

    @AfterEach
    void close() {
        store.close();
    }

    private static byte[] sample(String name) throws IOException {
        try (InputStream in = CapIntakeTest.class.getResourceAsStream("/cap/" + name)) {
            return in.readAllBytes();
        }
    }

    @Test
    void aSevereFloodWarningForTheVillagesGeocodeIsBroadcastAtOnceAndItsCancelStopsIt() throws Exception {
        CapIntake.Received flood = cap.receive(feed, sample("flood-mekong-vi.xml"));
        assertEquals("IMMEDIATE", flood.decision(), flood.reason());
        assertEquals(List.of("thon-tay"), flood.villages(), "matched by the village's geocode");
        AlertService.Status alert = alerts.status(flood.alertId()).orElseThrow();
        assertEquals("EMERGENCY", alert.priority());
        assertTrue(alert.reason().contains("VN-NCHMF-2026-LU-1015-03"), alert.reason());
        assertEquals(List.of(Topics.defaults().zoneAlert("thon-tay", flood.alertId())), published,
                "one publish, for that village only");
        assertEquals(flood.id(), cap.receive(feed, sample("flood-mekong-vi.xml")).id(), "the same message twice is one");
        assertEquals(1, published.size());
        assertTrue(alert.items().get(0).durationMillis() > 3000, "the bulletin was spoken: " + alert.items().get(0));

        CapIntake.Received cancel = cap.receive(feed, sample("flood-cancel.xml"));
        assertEquals("CANCEL", cancel.decision());
        assertEquals("CANCELLED", alerts.status(flood.alertId()).orElseThrow().state());
    }

    @Test
    void testExerciseAndBrokenAlertsNeverReachALoudspeaker() throws Exception {
        assertEquals("IGNORED", cap.receive(feed, sample("test-status.xml")).decision());
        assertEquals("IGNORED", cap.receive(feed, sample("exercise-dike-break.xml")).decision());
        ChangeException bad = assertThrows(ChangeException.class,
                () -> cap.receive(feed, "<alert xmlns=\"urn:oasis:names:tc:emergency:cap:1.2\"><identifier>"
                        .getBytes(StandardCharsets.UTF_8)));
        assertEquals(ChangeException.Kind.INVALID, bad.kind());
        assertEquals(List.of(), published);
        assertEquals(2, cap.recent(10).size(), "what was received is kept with its decision");
    }

    @Test
    void aLessCertainWarningWaitsForAnOperatorWhoConfirmsOrDismissesIt() throws Exception {
        byte[] moderate = new String(sample("flood-mekong-vi.xml"), StandardCharsets.UTF_8)
                .replace("<severity>Severe</severity>", "<severity>Moderate</severity>").getBytes(StandardCharsets.UTF_8);
        CapIntake.Received waiting = cap.receive(feed, moderate);
        assertEquals("NEEDS_CONFIRMATION", waiting.decision());
        assertEquals("PENDING", waiting.state());
        assertEquals(List.of(), published, "nothing sounds before an operator says so");

        User operator = new User("van.thu", null, Role.OPERATOR, List.of(), "vi", SENT, false);
        CapIntake.Received confirmed = cap.confirm(operator, waiting.id());
        assertEquals("CONFIRMED", confirmed.state());
        assertEquals("ACTIVE", alerts.status(confirmed.alertId()).orElseThrow().state());
        assertEquals(1, published.size());
        assertThrows(ChangeException.class, () -> cap.dismiss(operator, waiting.id()), "already confirmed");
    }

    @Test
    void theHeadlineAndInstructionGoWithTheAlertToItsListenersEvenWhenConfirmedLater() throws Exception {
        List<AlertService.Published> told = new CopyOnWriteArrayList<>();
        alerts.onPublished(told::add);
        byte[] moderate = new String(sample("flood-mekong-vi.xml"), StandardCharsets.UTF_8)
                .replace("<severity>Severe</severity>", "<severity>Moderate</severity>").getBytes(StandardCharsets.UTF_8);
        CapIntake.Received waiting = cap.receive(feed, moderate);
        User operator = new User("van.thu", null, Role.OPERATOR, List.of(), "vi", SENT, false);
        String alertId = cap.confirm(operator, waiting.id()).alertId();

        assertEquals(1, told.size());
        AlertService.Published p = told.get(0);
        assertEquals(alertId, p.id());
        assertEquals("Cảnh báo lũ trên sông Tiền, sông Hậu, rủi ro thiên tai cấp 2", p.headline());
        assertTrue(p.instruction().startsWith("Gia cố bờ bao, đê bao;"), p.instruction());
        assertTrue(p.spokenText().contains("không cho trẻ em tắm sông"), "the text spoken: " + p.spokenText());
        assertEquals(List.of("thon-tay"), p.villages());
        List<String> kept = store.query(c -> {
            try (var s = c.prepareStatement("SELECT spoken_text, headline, instruction FROM alert WHERE id = ?")) {
                s.setString(1, alertId);
                try (var rs = s.executeQuery()) {
                    rs.next();
                    return java.util.Arrays.asList(rs.getString(1), rs.getString(2), rs.getString(3));
                }
            }
        });
        assertEquals(java.util.Arrays.asList(p.spokenText(), p.headline(), p.instruction()), kept,
                "kept with the alert for its public page");
    }
}
