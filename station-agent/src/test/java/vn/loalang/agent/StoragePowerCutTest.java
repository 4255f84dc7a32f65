package vn.loalang.agent;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vn.loalang.agent.events.EventOutbox;
import vn.loalang.agent.schedule.ScheduleKeeper;
import vn.loalang.agent.testing.RecordingSender;
import vn.loalang.agent.trust.SignedInbox;
import vn.loalang.protocol.Json;
import vn.loalang.protocol.MalformedMessageException;
import vn.loalang.protocol.SchemaVersion;
import vn.loalang.protocol.schedule.Schedule;
import vn.loalang.protocol.schedule.Session;
import vn.loalang.protocol.signing.Ed25519Keys;
import vn.loalang.protocol.signing.EnvelopeSigner;
import vn.loalang.protocol.signing.MessageType;
import vn.loalang.protocol.station.EventAck;
import vn.loalang.protocol.station.EventType;
import vn.loalang.protocol.station.StationEvent;
import vn.loalang.protocol.testing.PowerCutDisk;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The station's journal and stored schedule on a real ext4 whose power is cut ({@link PowerCutDisk}):
 * what the page cache held and was never forced is lost, as on a Pi. After the cut the last schedule
 * kept is the one stored, the receipt taken is on the card, every event the controller was sent is in
 * the journal (or acknowledged), and the next event gets a number no event sent before had.
 */
class StoragePowerCutTest {
    private static final String ID = "st-01";
    private static final String TOPIC = StorageWriter.TOPICS.schedule(ID);

    @TempDir
    Path work;
    private PowerCutDisk disk;
    private EventOutbox events;
    private final KeyPair keys = Ed25519Keys.generate();

    @BeforeEach
    void card() throws Exception {
        disk = PowerCutDisk.create(work, 32);
    }

    @AfterEach
    void eject() throws Exception {
        try {
            if (events != null) {
                events.close();
            }
        } finally {
            disk.close();
        }
    }

    private ScheduleKeeper keeper(EventOutbox journal) throws Exception {
        return new ScheduleKeeper(ID, TOPIC, new vn.loalang.protocol.signing.EnvelopeVerifier(
                Map.of(StorageWriter.KEY_ID, keys.getPublic()), Clock.systemUTC(), Duration.ofMinutes(5)),
                disk.dir().resolve("state"), journal);
    }

    @Test
    void theScheduleTheReceiptAndEverySentEventSurviveThePowerCut() throws Exception {
        RecordingSender link = new RecordingSender(true);
        events = new EventOutbox(disk.dir().resolve("events"), ID, Clock.systemUTC(), Duration.ofHours(1));
        events.start(link);
        ScheduleKeeper keeper = keeper(events);
        EnvelopeSigner signer = new EnvelopeSigner(StorageWriter.KEY_ID, keys.getPrivate(), Clock.systemUTC());
        for (long version = 1; version <= 3; version++) {
            Instant now = Instant.now();
            Schedule s = new Schedule(SchemaVersion.CURRENT, ID, "xom-1", version, "Asia/Ho_Chi_Minh", now,
                    now.plus(Duration.ofDays(1)), List.of(new Session("s-" + version, "Buổi " + version,
                    now.plus(Duration.ofHours(1)), now.plus(Duration.ofHours(2)),
                    List.of(StorageWriter.item(1, java.net.URI.create("http://127.0.0.1:9/content/"))))));
            SignedInbox.Accepted<Schedule> accepted = new SignedInbox.Accepted<>(TOPIC, s, version,
                    signer.sign(MessageType.SCHEDULE, TOPIC, s, now.plus(Duration.ofDays(1))));
            keeper.keep(accepted);
            keeper.accept(accepted);
        }
        for (int n = 1; n <= 6; n++) {
            events.record(StationEvent.of(EventType.ITEM_FINISHED).content("item-" + n).detail("before the cut " + n));
        }
        await("every event sent").atMost(Duration.ofSeconds(10)).until(() -> link.sent().size() == 9);
        events.acknowledge(new EventAck(SchemaVersion.CURRENT, ID, events.stream(), 4));
        // The receipt is written down behind the message (a lost one costs only re-sends): once it is, it must last.
        Path ackedFile = disk.dir().resolve("events").resolve("events.acked");
        await("the receipt written").atMost(Duration.ofSeconds(10))
                .until(() -> Files.exists(ackedFile) && Files.readString(ackedFile).trim().equals("4"));
        List<StationEvent> sent = link.sent();

        disk.cutPower();
        events.close();
        disk.powerOn();

        RecordingSender after = new RecordingSender(true);
        events = new EventOutbox(disk.dir().resolve("events"), ID, Clock.systemUTC(), Duration.ofHours(1));
        events.start(after);
        assertEquals(3, keeper(events).current().orElseThrow().version(), "the last schedule kept is stored");
        long acked = Long.parseLong(Files.readString(ackedFile).trim());
        assertEquals(4, acked, "the receipt is on the card");
        Map<Long, String> journalled = journal();
        for (StationEvent e : sent) {
            if (e.seq() > acked) {
                assertEquals(e.detail(), journalled.get(e.seq()), "event " + e.seq() + " was sent and must be kept");
            }
        }
        StationEvent next = events.record(StationEvent.of(EventType.ITEM_FINISHED).detail("after the cut"));
        long highestSent = sent.stream().mapToLong(StationEvent::seq).max().orElseThrow();
        assertTrue(next.seq() > highestSent, "seq " + next.seq() + " after " + highestSent + " was sent");
        await("what was not acknowledged goes out again").atMost(Duration.ofSeconds(10))
                .until(() -> after.sentSeqs().containsAll(sent.stream().map(StationEvent::seq).filter(s -> s > 4).toList()));
    }

    private Map<Long, String> journal() throws Exception {
        Map<Long, String> bySeq = new HashMap<>();
        for (String line : Files.readAllLines(disk.dir().resolve("events").resolve("events.jsonl"), StandardCharsets.UTF_8)) {
            try {
                StationEvent e = Json.read(line.getBytes(StandardCharsets.UTF_8), StationEvent.class);
                bySeq.put(e.seq(), e.detail());
            } catch (MalformedMessageException torn) {
                // A line the cut tore is no event: what matters is that no sent one is missing.
            }
        }
        return bySeq;
    }
}
