package vn.loalang.agent.alert;

import vn.loalang.agent.trust.SignedInbox;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vn.loalang.agent.content.ContentCache;
import vn.loalang.agent.events.EventOutbox;
import vn.loalang.agent.playout.Priority;
import vn.loalang.agent.playout.Program;
import vn.loalang.protocol.testing.ManualClock;
import vn.loalang.agent.testing.RecordingSender;
import vn.loalang.agent.trust.TrustGate;
import vn.loalang.audio.ContentHash;
import vn.loalang.audio.PcmFormat;
import vn.loalang.audio.Tones;
import vn.loalang.audio.testing.Fixtures;
import vn.loalang.protocol.SchemaVersion;
import vn.loalang.protocol.Topics;
import vn.loalang.protocol.alert.Alert;
import vn.loalang.protocol.alert.AlertPriority;
import vn.loalang.protocol.alert.AlertPreamble;
import vn.loalang.protocol.schedule.Item;
import vn.loalang.protocol.signing.Ed25519Keys;
import vn.loalang.protocol.signing.EnvelopeSigner;
import vn.loalang.protocol.signing.EnvelopeVerifier;
import vn.loalang.protocol.signing.MessageType;
import vn.loalang.protocol.station.EventReason;
import vn.loalang.protocol.station.EventType;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Alerts as a station takes them: verified, for its village only, with the preamble first, repeated, cancellable. */
class AlertKeeperTest {
    private static final String STATION = "thon-tay-1";
    private static final Instant T0 = Instant.parse("2026-11-24T14:00:00Z");
    private static final Topics TOPICS = Topics.defaults();
    private static final PcmFormat OUTPUT = new PcmFormat(22_050, 1);

    @TempDir
    Path dir;
    private final ManualClock clock = new ManualClock(T0);
    private final KeyPair commune = Ed25519Keys.generate();
    private final EnvelopeSigner signer = new EnvelopeSigner("k1", commune.getPrivate(), clock);
    private final RecordingSender link = new RecordingSender(true);
    private final List<Program> submitted = new CopyOnWriteArrayList<>();
    private final List<String> cancelled = new CopyOnWriteArrayList<>();
    private final List<String> subscribed = new CopyOnWriteArrayList<>();
    private EventOutbox events;
    private ContentCache cache;
    private BuiltinClips builtins;
    private AlertKeeper keeper;
    /** Its replay guard is written behind each message: closed before the temporary folder goes. */
    private TrustGate gate;
    private SignedInbox inbox;

    @BeforeEach
    void station() throws IOException {
        events = new EventOutbox(dir.resolve("events"), STATION, clock, Duration.ofHours(1));
        events.start(link);
        cache = new ContentCache(STATION, dir.resolve("cache"));
        builtins = BuiltinClips.prepare(STATION, cache, Tones.siren(OUTPUT), Tones.alertChime(OUTPUT));
        EnvelopeVerifier verifier = new EnvelopeVerifier(Map.of("k1", commune.getPublic()), clock, Duration.ofMinutes(5));
        gate = new TrustGate(STATION, verifier, dir.resolve("state"), events, clock);
        inbox = new SignedInbox(STATION, TOPICS, gate, events);
        keeper = new AlertKeeper(STATION, TOPICS, inbox, cache, builtins, new AlertKeeper.Line() {
            @Override
            public void submit(Program program) {
                submitted.add(program);
            }

            @Override
            public boolean cancel(String programId) {
                cancelled.add(programId);
                return true;
            }
        }, new AlertKeeper.Subscriptions() {
            @Override
            public void subscribe(String topic, BiConsumer<String, byte[]> handler) {
                subscribed.add("+" + topic);
            }

            @Override
            public void unsubscribe(String topic) {
                subscribed.add("-" + topic);
            }
        }, events, clock, dir.resolve("state").resolve("alert-village"));
        keeper.zone("thon-tay");
    }

    @AfterEach
    void close() {
        keeper.close();
        gate.close();
        events.close();
    }

    /** A cached warning clip, as the controller's content server would have served it. */
    private Item cachedWarning() throws IOException {
        Path source = Fixtures.path(Fixtures.ITEM_660HZ_1S);
        String sha = ContentHash.sha256(source);
        Files.copy(source, dir.resolve("cache").resolve(sha));
        return new Item("nuoc-lu", "Nước lũ", sha, URI.create("http://127.0.0.1:9/content/" + sha), Files.size(source),
                1000, 0.0);
    }

    private byte[] signed(String zone, Alert alert) {
        // One signer, as on the controller: its sequence numbers increase from message to message.
        return signer.sign(MessageType.ALERT, TOPICS.zoneAlert(zone, alert.id()), alert, alert.expiresAt());
    }

    private Alert alert(String id, String zone, List<Item> items, int repeats, boolean cancelledFlag) {
        return new Alert(SchemaVersion.CURRENT, id, zone, AlertPriority.EMERGENCY, "Nước lũ tràn đê", "lũ", T0,
                T0.plusSeconds(600), AlertPreamble.SIREN, items, repeats, 5, cancelledFlag);
    }

    @Test
    void anAlertForTheVillageGoesOnTheLineAsEmergenciesWithTheSirenFirstAsManyTimesAsAsked() throws Exception {
        assertEquals(List.of("+" + TOPICS.zoneAlerts("thon-tay")), subscribed);
        Item warning = cachedWarning();
        keeper.onMessage(TOPICS.zoneAlert("thon-tay", "a-1"), signed("thon-tay", alert("a-1", "thon-tay", List.of(warning), 3, false)));

        await().until(() -> submitted.size() == 3);
        assertEquals(List.of("a-1", "a-1~2", "a-1~3"), submitted.stream().map(Program::id).toList());
        Program first = submitted.get(0);
        assertEquals(Priority.EMERGENCY, first.priority());
        assertEquals(List.of("builtin-siren", "nuoc-lu"), first.items().stream().map(Item::contentId).toList());
        long play = first.items().stream().mapToLong(Item::durationMillis).sum();
        assertEquals(first.start().plusMillis(play + 5000), submitted.get(1).start(), "the interval between plays");
        assertEquals(T0.plusSeconds(600), first.end(), "never past its expiry");
        await().until(() -> !link.sentOfType(EventType.ALERT_RECEIVED).isEmpty());
        assertEquals("a-1", link.sentOfType(EventType.ALERT_RECEIVED).get(0).sessionId());

        keeper.onMessage(TOPICS.zoneAlert("thon-tay", "a-1"), signed("thon-tay", alert("a-1", "thon-tay", List.of(warning), 3, true)));
        assertEquals(List.of("a-1", "a-1~2", "a-1~3"), cancelled, "cancel stops every repeat");
        await().until(() -> !link.sentOfType(EventType.ALERT_ENDED).isEmpty());
    }

    @Test
    void aPriorityAndPreambleFromANewerControllerArePlayedAsAnEmergencyWithTheSirenAndSaidSo() throws Exception {
        Item warning = cachedWarning();
        Alert known = alert("a-6", "thon-tay", List.of(warning), 1, false);
        // As a newer controller signs it: a level and a sound this agent has never heard of.
        com.fasterxml.jackson.databind.node.ObjectNode newer = vn.loalang.protocol.Json.mapper().valueToTree(known);
        newer.put("priority", "EVACUATION");
        newer.put("preamble", "HORN");
        keeper.onMessage(TOPICS.zoneAlert("thon-tay", "a-6"),
                signer.sign(MessageType.ALERT, TOPICS.zoneAlert("thon-tay", "a-6"), newer, known.expiresAt()));

        await().until(() -> submitted.size() == 1);
        assertEquals(Priority.EMERGENCY, submitted.get(0).priority(), "the highest priority this agent knows");
        assertEquals(List.of("builtin-siren", "nuoc-lu"), submitted.get(0).items().stream().map(Item::contentId).toList());
        await().until(() -> !link.sentOfType(EventType.ALERT_RECEIVED).isEmpty());
        var received = link.sentOfType(EventType.ALERT_RECEIVED).get(0);
        assertEquals(EventReason.UNKNOWN_PRIORITY.name(), received.reason(), "the controller is told");
        assertTrue(received.detail().contains("played as EMERGENCY with SIREN"), received.detail());
        assertTrue(link.sentOfType(EventType.MESSAGE_REJECTED).isEmpty(), "taken, not refused");
    }

    @Test
    void anAlertGoesOnTheLineBeforeItsAudioIsFetchedAndOneThatCannotBeFetchedSaysTheBuiltInAnnouncement() {
        Item unreachable = new Item("mat-tich", "Trẻ lạc", "0".repeat(64), URI.create("http://127.0.0.1:9/content/x"),
                1000, 5000, 0.0);
        keeper.onMessage(TOPICS.zoneAlert("thon-tay", "a-2"), signed("thon-tay", alert("a-2", "thon-tay", List.of(unreachable), 1, false)));

        await().until(() -> submitted.size() == 1);
        Program program = submitted.get(0);
        assertEquals(List.of("builtin-siren", "mat-tich"), program.items().stream().map(Item::contentId).toList(),
                "the siren sounds while the clip is fetched");
        Program.LateContent late = program.late();
        assertNotNull(late, "the line is told the clip may still come");
        await().atMost(Duration.ofSeconds(30)).until(() -> !link.sentOfType(EventType.CONTENT_FAILED).isEmpty());
        await("once the fetch has failed the line stops waiting").until(() -> !late.stillComing(unreachable));
        assertEquals(Optional.of("builtin-fallback"), late.standIn().map(Item::contentId));
        assertTrue(builtins.holds(late.standIn().get().sha256()), "the fallback is never evicted");
    }

    @Test
    void anAlertWhoseAudioIsCachedNeedsNoWaitAndOneWithNoAudioSaysTheFallback() throws Exception {
        Item warning = cachedWarning();
        keeper.onMessage(TOPICS.zoneAlert("thon-tay", "a-4"), signed("thon-tay", alert("a-4", "thon-tay", List.of(warning), 1, false)));
        keeper.onMessage(TOPICS.zoneAlert("thon-tay", "a-5"), signed("thon-tay", alert("a-5", "thon-tay", List.of(), 1, false)));

        await().until(() -> submitted.size() == 2);
        await().until(() -> !submitted.get(0).late().stillComing(warning));
        assertEquals(List.of("builtin-siren", "builtin-fallback"),
                submitted.get(1).items().stream().map(Item::contentId).toList());
        assertNull(submitted.get(1).late(), "nothing to fetch, nothing to wait for");
    }

    @Test
    void anotherVillagesAlertAndACopyOnTheWrongTopicAreNotPlayed() throws Exception {
        Item warning = cachedWarning();
        keeper.onMessage(TOPICS.zoneAlert("thon-tay", "a-3"), signed("thon-dong", alert("a-3", "thon-dong",
                List.of(warning), 1, false)));
        keeper.onMessage(TOPICS.zoneAlert("thon-tay", "a-3"), new byte[0]);
        await().until(() -> link.sentOfType(EventType.MESSAGE_REJECTED).size() == 1);
        assertEquals(List.of(), submitted);

        keeper.zone("thon-dong");
        assertEquals(List.of("+" + TOPICS.zoneAlerts("thon-tay"), "-" + TOPICS.zoneAlerts("thon-tay"),
                "+" + TOPICS.zoneAlerts("thon-dong")), subscribed, "a station moved to another village follows its alerts");

        List<String> afterReboot = new CopyOnWriteArrayList<>();
        AlertKeeper rebooted = new AlertKeeper(STATION, TOPICS, inbox, cache, builtins, null, new AlertKeeper.Subscriptions() {
            @Override
            public void subscribe(String topic, BiConsumer<String, byte[]> handler) {
                afterReboot.add(topic);
            }

            @Override
            public void unsubscribe(String topic) {
                afterReboot.remove(topic);
            }
        }, events, clock, dir.resolve("state").resolve("alert-village"));
        rebooted.close();
        assertEquals(List.of(TOPICS.zoneAlerts("thon-dong")), afterReboot,
                "after a reboot with no valid schedule, the station still follows its village's alerts");
    }
}
