package vn.loalang.controller.alert;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vn.loalang.audio.speech.EspeakSpeechEngine;
import vn.loalang.audio.testing.Fixtures;
import vn.loalang.controller.audit.AuditLog;
import vn.loalang.controller.content.LibraryCatalog;
import vn.loalang.controller.content.LibraryItem;
import vn.loalang.controller.directory.Commune;
import vn.loalang.controller.directory.Directory;
import vn.loalang.controller.store.Store;
import vn.loalang.controller.users.Role;
import vn.loalang.controller.users.User;
import vn.loalang.protocol.Topics;
import vn.loalang.protocol.signing.Ed25519Keys;
import vn.loalang.protocol.signing.EnvelopeSigner;
import vn.loalang.protocol.testing.ManualClock;

import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The sweep of spoken alert clips on a real store, library folder and speech engine: a clip goes once
 * it has expired and no live alert plays it, audited as the system's removal; a clip still fresh,
 * one a live alert still plays, and an expired warning someone recorded all stay.
 */
class SpokenClipSweepTest {
    private static final Instant T0 = Instant.parse("2026-11-30T14:00:00Z"); // 21:00 in the commune

    @TempDir
    Path dir;
    private final ManualClock clock = new ManualClock(T0);
    private Store store;
    private LibraryCatalog library;
    private AlertService alerts;
    private SpokenClipSweep sweep;
    private final User head = new User("truong.tay", "Bác Ba", Role.VILLAGE_HEAD, List.of("thon-tay"), "vi", T0, false);

    @BeforeEach
    void commune() throws Exception {
        store = Store.open(dir.resolve("loalang.db"));
        AuditLog audit = new AuditLog(clock);
        Commune seed = new Commune(new Commune.Settings("xa-an-binh", "Xã An Bình", null, null, null),
                List.of(new Commune.Village("thon-tay", "Thôn Tây", null)),
                List.of(new Commune.Station("thon-tay-1", null, "thon-tay")), List.of(), null);
        Directory directory = Directory.open(store, audit, clock, null, seed, null);
        library = LibraryCatalog.open(store, dir.resolve("content"), -16, audit, clock);
        alerts = new AlertService(store, audit, clock, directory::current, library.index()::byId,
                () -> URI.create("http://127.0.0.1:8080"), Topics.defaults(),
                new EnvelopeSigner("k1", Ed25519Keys.generate().getPrivate(), clock), (topic, payload, retained) -> {
        });
        alerts.speakWith(new SpokenText(new EspeakSpeechEngine(), library, dir.resolve("speech")));
        sweep = new SpokenClipSweep(library, directory::current, alerts, clock);
    }

    @AfterEach
    void close() {
        store.close();
    }

    private String spokenAlert(String text) {
        String id = alerts.trigger(head, new AlertService.Request(List.of("thon-tay"), null, text, "vi", null, "Lũ lên",
                "lũ về đêm", null, 1, 0, null, 60)).id();
        return alerts.status(id).orElseThrow().items().get(0).contentId();
    }

    @Test
    void anExpiredSpokenClipNoLiveAlertPlaysIsRemovedAndAudited() throws Exception {
        String old = spokenAlert("Nước lũ đang lên, bà con di chuyển lên chỗ cao.");
        LibraryItem oldItem = library.index().byId(old).orElseThrow();
        assertEquals(LocalDate.of(2026, 12, 2), oldItem.expires(), "spoken clips expire two days after");
        try (InputStream in = Files.newInputStream(Fixtures.path(Fixtures.ITEM_660HZ_1S))) {
            library.upload("van.thu", new Commune.LibraryEntry("chay-rung", "Cháy rừng", "warning", "x", 0.0,
                    LocalDate.of(2026, 12, 1), null), "chay-rung.mp3", in);
        }
        assertEquals(List.of(), sweep.sweep(), "nothing has expired yet");

        clock.set(T0.plus(Duration.ofDays(3)));
        assertEquals(List.of(), sweep.sweep(), "expired, but its alert is still on the broker until the upkeep ends it");
        assertTrue(library.index().byId(old).isPresent());

        alerts.tick(); // the alert's expiry is noticed and its retained messages cleared
        String fresh = spokenAlert("Đê đã an toàn, bà con trở về nhà.");
        assertEquals(List.of(old), sweep.sweep());

        assertFalse(library.index().byId(old).isPresent());
        assertFalse(Files.exists(oldItem.file()), "its file is gone from the content folder");
        assertTrue(library.index().byId(fresh).isPresent(), "a fresh clip stays");
        assertTrue(library.index().byId("chay-rung").isPresent(), "an expired recording someone made stays");
        List<String> audit = store.query(c -> new AuditLog(clock).latest(c, 50)).stream()
                .map(e -> e.actor() + " " + e.action() + " " + e.target()).toList();
        assertTrue(audit.contains("system library.remove " + old), audit.toString());
        assertEquals(List.of(), sweep.sweep(), "a second pass finds nothing more");
    }
}
