package vn.loalang.agent;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vn.loalang.agent.content.ContentCache;
import vn.loalang.protocol.Json;
import vn.loalang.protocol.MalformedMessageException;
import vn.loalang.protocol.schedule.Item;
import vn.loalang.protocol.schedule.Schedule;
import vn.loalang.protocol.signing.Ed25519Keys;
import vn.loalang.protocol.signing.MessageType;
import vn.loalang.protocol.station.StationEvent;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The station's writing parts ({@link StorageWriter}: the content cache, the event journal, the
 * schedule keeper, all real, in a process of their own) killed with SIGKILL at random moments, again
 * and again, each time started afresh on what the last one left. After every kill:
 * <ul>
 *   <li>every file the cache holds under a hash is exactly that content (nothing partial is trusted);</li>
 *   <li>the stored schedule verifies and is at least the last version the keeper said it kept;</li>
 *   <li>the receipt file ({@code events.acked}) reads, never goes back, and never claims more than the
 *       receipts taken (it is written behind the receipt: one not yet written costs re-sends only);</li>
 *   <li>the journal numbers strictly upwards, and every event sent out is in it or covered by the
 *       receipt; no number was ever sent with two different events.</li>
 * </ul>
 * The journal is checked from outside only (its file and {@code events.acked}), so this holds for any
 * way {@code EventOutbox} writes it.
 *
 * <p>A SIGKILL ends the process but not the kernel: what the process wrote is in the page cache and
 * reaches the card later. So this proves the files are consistent at every instant a process can die
 * (order of writes and renames, torn lines, numbering at restart), not that they reach the card:
 * that is {@code StoragePowerCutTest}'s, on an ext4 whose power is cut.
 */
class StorageKillTest {
    private static final int KILLS = 10;
    private static final Pattern HASH = Pattern.compile("[0-9a-f]{64}");

    @TempDir
    Path work;
    private HttpServer server;
    private Process writer;
    private final Random random = new Random(Long.getLong("loalang.killSeed", System.nanoTime()));

    @BeforeEach
    void serveContent() throws IOException {
        byte[][] items = new byte[StorageWriter.ITEMS][];
        for (int i = 0; i < items.length; i++) {
            items[i] = StorageWriter.content(i);
        }
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/content/", exchange -> {
            try (exchange) {
                String name = exchange.getRequestURI().getPath().substring("/content/".length());
                byte[] body = items[Integer.parseInt(name.substring("item-".length()))];
                exchange.sendResponseHeaders(200, body.length);
                exchange.getResponseBody().write(body);
            } catch (IOException | RuntimeException e) {
                // The writer was killed mid-download: its connection is gone.
            }
        });
        server.start();
    }

    @AfterEach
    void stop() throws InterruptedException {
        if (writer != null && writer.isAlive()) {
            writer.destroyForcibly().waitFor();
        }
        server.stop(0);
    }

    private URI base() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/content/");
    }

    @Test
    void killedAtRandomMomentsTheCacheTheJournalAndTheScheduleStayConsistent() throws Exception {
        Path data = work.resolve("station");
        Path keyFile = work.resolve("commune.key");
        KeyPair keys = Ed25519Keys.loadOrCreate(keyFile);
        long keptAtLeast = 0;
        long ackedTaken = 0;
        long ackedBefore = 0;
        Map<Long, String> sentBySeq = new HashMap<>();
        String stream = null;
        int partialsSeen = 0;
        int killedInAFetch = 0;
        int tornLines = 0;
        int sentTotal = 0;
        int cachedTotal = 0;

        for (int kill = 1; kill <= KILLS; kill++) {
            List<String> out = new CopyOnWriteArrayList<>();
            writer = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx64m", "-XX:TieredStopAtLevel=1",
                    "-Dtinylog.writer=file", "-Dtinylog.writer.file=" + work.resolve("writer-" + kill + ".log"),
                    "-Dtinylog.writer.level=info",
                    "-cp", System.getProperty("java.class.path"), StorageWriter.class.getName(), data.toString(),
                    base().toString(), keyFile.toString())
                    .redirectError(work.resolve("writer-" + kill + ".err").toFile()).start();
            Thread reader = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(writer.getInputStream(),
                        StandardCharsets.UTF_8))) {
                    for (String line; (line = r.readLine()) != null; ) {
                        out.add(line);
                    }
                } catch (IOException e) {
                    // The pipe closed with the process.
                }
            });
            reader.start();
            // A random moment, every thread writing meanwhile: after a random number of steps, or (every
            // other kill) as a random download begins, so that some kills land inside a download.
            int steps = 20 + random.nextInt(500);
            int downloads = 1 + random.nextInt(4);
            boolean aimAtADownload = kill % 2 == 0;
            int k = kill;
            await("writer " + k + " runs").atMost(Duration.ofSeconds(60))
                    // Looked at every millisecond: a download on the loopback lasts only a few.
                    .pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(1)).until(() -> !writer.isAlive()
                    || (aimAtADownload ? out.stream().filter(l -> l.startsWith("FETCHING ")).count() >= downloads
                    : out.size() >= steps));
            assertTrue(writer.isAlive(), "the writer ended by itself: " + Files.readString(work.resolve("writer-" + k + ".err")));
            writer.destroyForcibly().waitFor();
            reader.join();

            // What the killed process had been told is kept, and what it sent out.
            String lastOfDownloads = out.stream().filter(l -> l.startsWith("FETCHING ") || l.startsWith("CACHED ")
                    || l.startsWith("FETCH-FAILED ")).reduce((a, b) -> b).orElse("");
            if (lastOfDownloads.startsWith("FETCHING ")) {
                killedInAFetch++; // between the request and the file in place: downloading, hashing, forcing, renaming
            }
            for (String line : out) {
                String[] f = line.split(" ", 4);
                switch (f[0]) {
                    case "KEPT" -> keptAtLeast = Math.max(keptAtLeast, Long.parseLong(f[1]));
                    case "ACKING" -> ackedTaken = Math.max(ackedTaken, Long.parseLong(f[1]));
                    case "CACHED" -> cachedTotal++;
                    case "SENT" -> {
                        sentTotal++;
                        if (stream == null) {
                            stream = f[1];
                        }
                        assertEquals(stream, f[1], "one journal stream for the life of the card");
                        String before = sentBySeq.putIfAbsent(Long.parseLong(f[2]), f[3]);
                        if (before != null && !before.equals(f[3])) {
                            fail("sequence number " + f[2] + " was sent for two events: '" + before + "' and '" + f[3] + "'");
                        }
                    }
                    default -> {
                    }
                }
            }

            // The cache: nothing under a hash that is not exactly that content.
            Path cache = data.resolve("cache");
            try (Stream<Path> files = Files.list(cache)) {
                for (Path f : files.filter(Files::isRegularFile).toList()) {
                    String name = f.getFileName().toString();
                    if (HASH.matcher(name).matches()) {
                        assertEquals(name, StorageWriter.sha256(Files.readAllBytes(f)),
                                "after kill " + kill + " the cache trusts a file that is not its content: " + name);
                    }
                }
            }
            try (Stream<Path> parts = Files.list(cache.resolve("partial"))) {
                partialsSeen += (int) parts.count();
            }

            // The schedule: whole, signed, at least what was kept.
            if (keptAtLeast > 0) {
                byte[] stored = Files.readAllBytes(data.resolve("state").resolve("schedule.signed.json"));
                Schedule s = StorageWriter.verifier(keys).verify(StorageWriter.TOPICS.schedule(StorageWriter.ID),
                        MessageType.SCHEDULE, stored, Schedule.class).payload();
                assertTrue(s.version() >= keptAtLeast,
                        "after kill " + kill + " the stored schedule is version " + s.version() + ", older than "
                                + keptAtLeast + " which was kept");
            }

            // The receipt: readable, never back, never beyond the receipts taken.
            long acked = 0;
            Path ackedFile = data.resolve("events").resolve("events.acked");
            if (Files.exists(ackedFile)) {
                acked = Long.parseLong(Files.readString(ackedFile).trim());
            }
            assertTrue(acked >= ackedBefore, "after kill " + kill + " events.acked says " + acked
                    + ", back from " + ackedBefore + " after the kill before");
            assertTrue(acked <= ackedTaken, "after kill " + kill + " events.acked says " + acked
                    + " though receipts were handed over only up to " + ackedTaken);
            ackedBefore = acked;

            // The journal: strictly upwards; every event sent is in it, the same, or covered by the receipt.
            Map<Long, String> journalled = new HashMap<>();
            long previous = 0;
            Path journalFile = data.resolve("events").resolve("events.jsonl");
            List<String> lines = Files.exists(journalFile) ? Files.readAllLines(journalFile, StandardCharsets.UTF_8) : List.of();
            for (String line : lines) {
                if (line.isBlank()) {
                    continue;
                }
                StationEvent e;
                try {
                    e = Json.read(line.getBytes(StandardCharsets.UTF_8), StationEvent.class);
                } catch (MalformedMessageException torn) {
                    tornLines++;
                    continue;
                }
                assertTrue(e.seq() > previous, "after kill " + kill + " the journal has seq " + e.seq() + " after "
                        + previous + ": a number used twice");
                previous = e.seq();
                journalled.put(e.seq(), e.detail());
            }
            for (Map.Entry<Long, String> sent : sentBySeq.entrySet()) {
                if (sent.getKey() > acked) {
                    assertEquals(sent.getValue(), journalled.get(sent.getKey()), "after kill " + kill
                            + " event " + sent.getKey() + " was sent but is neither in the journal nor acknowledged");
                }
            }
        }

        // A fresh cache on what is left checks every file as before a first play, and finds nothing damaged.
        List<String> damaged = new ArrayList<>();
        ContentCache cache = new ContentCache(StorageWriter.ID, data.resolve("cache"), 1_500_000, Clock.systemUTC());
        cache.onDamaged((item, why) -> damaged.add(why));
        int whole = 0;
        for (int i = 0; i < StorageWriter.ITEMS; i++) {
            Item item = StorageWriter.item(i, base());
            if (cache.verified(item).isPresent()) {
                whole++;
            }
        }
        assertEquals(List.of(), damaged);
        assertTrue(whole > 0, "at least the last fetched item is cached");
        assertTrue(keptAtLeast > 0 && ackedBefore > 0 && cachedTotal > 0, "every part wrote before its kill: schedule "
                + keptAtLeast + ", receipt on the card " + ackedBefore + " (taken " + ackedTaken + "), " + cachedTotal + " cached");
        assertFalse(sentBySeq.isEmpty());
        System.out.printf("StorageKillTest: %d kills; %d events sent, receipt on the card up to %d, schedule version %d kept, %d items"
                        + " cached, %d kills inside a fetch, %d partial downloads left, %d torn journal lines%n", KILLS,
                sentTotal, ackedBefore, keptAtLeast, cachedTotal, killedInAFetch, partialsSeen, tornLines);
    }
}
