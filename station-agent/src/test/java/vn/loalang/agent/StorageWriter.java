package vn.loalang.agent;

import vn.loalang.agent.content.ContentCache;
import vn.loalang.agent.events.EventOutbox;
import vn.loalang.agent.schedule.ScheduleKeeper;
import vn.loalang.agent.trust.SignedInbox;
import vn.loalang.protocol.SchemaVersion;
import vn.loalang.protocol.Topics;
import vn.loalang.protocol.schedule.Item;
import vn.loalang.protocol.schedule.Schedule;
import vn.loalang.protocol.schedule.Session;
import vn.loalang.protocol.signing.Ed25519Keys;
import vn.loalang.protocol.signing.EnvelopeSigner;
import vn.loalang.protocol.signing.EnvelopeVerifier;
import vn.loalang.protocol.signing.MessageType;
import vn.loalang.protocol.station.EventAck;
import vn.loalang.protocol.station.EventType;
import vn.loalang.protocol.station.StationEvent;

import java.net.URI;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The station's writing parts in a process of their own, run by {@link StorageKillTest} and killed
 * (SIGKILL) at random moments: the content cache downloading from the test's server and evicting
 * (a small budget keeps it downloading), the event journal recording and taking receipts, and the
 * schedule keeper storing new signed schedules, on three threads at once as in the agent. Each
 * durable step is printed once the part returned, so the test knows what the station was told is
 * kept ({@code FETCHING sha} is printed as a download begins, for a kill to aim at): {@code CACHED sha}, {@code SENT stream seq detail} (the "controller" is this output),
 * {@code ACKING upTo} (as a receipt is handed over, before it is written) and {@code ACKED upTo}, {@code KEPT version}.
 */
public final class StorageWriter {
    static final String ID = "st-kill";
    static final Topics TOPICS = Topics.defaults();
    static final String KEY_ID = "kill-test";
    static final int ITEMS = 6;

    private StorageWriter() {
    }

    /** The {@code k}th item the test's server offers: its bytes. */
    static byte[] content(int k) {
        byte[] bytes = new byte[300_000 + 100_000 * k];
        new Random(k).nextBytes(bytes);
        return bytes;
    }

    static Item item(int k, URI base) {
        byte[] bytes = content(k);
        return new Item("item-" + k, "Item " + k, sha256(bytes), base.resolve("item-" + k), bytes.length, 2000, 0.0);
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static EnvelopeVerifier verifier(KeyPair keys) {
        return new EnvelopeVerifier(Map.of(KEY_ID, keys.getPublic()), Clock.systemUTC(), Duration.ofMinutes(5));
    }

    /** Arguments: the station's data folder, the content server's base URL, the signing key's file. */
    public static void main(String[] args) throws Exception {
        Path data = Path.of(args[0]);
        URI base = URI.create(args[1]);
        KeyPair keys = Ed25519Keys.loadOrCreate(Path.of(args[2]));
        EventOutbox events = new EventOutbox(data.resolve("events"), ID, Clock.systemUTC(), Duration.ofHours(1));
        // Each event is recorded once the one before was sent: a station's pace, bound by the journal, not a flood.
        java.util.concurrent.Semaphore sentOne = new java.util.concurrent.Semaphore(0);
        events.start(new EventOutbox.Sender() {
            @Override
            public boolean ready() {
                return true;
            }

            @Override
            public void send(StationEvent event) {
                say("SENT " + event.stream() + " " + event.seq() + " " + event.detail());
                sentOne.release();
            }
        });
        ContentCache cache = new ContentCache(ID, data.resolve("cache"), 1, Clock.systemUTC());
        ScheduleKeeper keeper = new ScheduleKeeper(ID, TOPICS.schedule(ID), verifier(keys), data.resolve("state"), events);
        String run = Long.toString(System.nanoTime(), 36);
        say("READY " + run);

        Thread downloads = new Thread(() -> {
            for (int k = 0; ; k = (k + 1) % ITEMS) {
                Item item = item(k, base);
                try {
                    say("FETCHING " + item.sha256());
                    cache.fetch(item);
                    say("CACHED " + item.sha256());
                } catch (Exception e) {
                    say("FETCH-FAILED " + item.contentId() + " " + e.getMessage());
                }
                // A budget of one byte: only the one just fetched is kept, and the next round downloads again.
                cache.evict(sha -> sha.equals(item.sha256()));
            }
        }, "downloads");
        Thread journal = new Thread(() -> {
            for (long n = 1; ; n++) {
                StationEvent e = events.record(StationEvent.of(EventType.ITEM_FINISHED).content("item-" + (n % ITEMS))
                        .detail("run-" + run + "-" + n));
                sentOne.acquireUninterruptibly();
                if (n % 7 == 0) {
                    // A receipt for what was recorded a little earlier, as the controller's arrive.
                    long upTo = Math.max(0, e.seq() - 3);
                    // Said before it is handed over: a kill between the receipt's write and the line after it
                    // leaves the receipt on the card, and the test must know it was given.
                    say("ACKING " + upTo);
                    events.acknowledge(new EventAck(SchemaVersion.CURRENT, ID, events.stream(), upTo));
                    say("ACKED " + upTo);
                }
            }
        }, "journal");
        Thread schedules = new Thread(() -> {
            EnvelopeSigner signer = new EnvelopeSigner(KEY_ID, keys.getPrivate(), Clock.systemUTC());
            long version = keeper.current().map(Schedule::version).orElse(0L);
            while (true) {
                version++;
                Instant now = Instant.now();
                Item item = item((int) (version % ITEMS), base);
                Schedule s = new Schedule(SchemaVersion.CURRENT, ID, "xom-kill", version, "Asia/Ho_Chi_Minh", now,
                        now.plus(Duration.ofDays(1)), List.of(new Session("s-" + version, "Buổi " + version,
                        now.plus(Duration.ofHours(1)), now.plus(Duration.ofHours(2)), List.of(item))));
                byte[] raw = signer.sign(MessageType.SCHEDULE, TOPICS.schedule(ID), s, now.plus(Duration.ofDays(1)));
                SignedInbox.Accepted<Schedule> accepted = new SignedInbox.Accepted<>(TOPICS.schedule(ID), s, version, raw);
                keeper.keep(accepted);
                say("KEPT " + version);
                keeper.accept(accepted);
            }
        }, "schedules");
        downloads.start();
        journal.start();
        schedules.start();
        downloads.join();
    }

    private static synchronized void say(String line) {
        System.out.println(line);
        System.out.flush();
    }
}
