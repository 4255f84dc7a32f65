package vn.loalang.controller.listen;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static vn.loalang.controller.listen.ListenFixture.DAY;
import static vn.loalang.controller.listen.ListenFixture.MORNING;

/** The 32 kbps copies for phones, made by the real lame: offered once made, with their own size and address. */
class ListenRenditionsTest {
    @TempDir
    Path dir;
    ListenFixture f;
    ListenRenditions renditions;
    ListenCatalog catalog;

    @BeforeEach
    void open() throws Exception {
        f = new ListenFixture(dir);
        renditions = new ListenRenditions(dir.resolve("listen"), "lame");
        catalog = new ListenCatalog(f.store, () -> ListenFixture.COMMUNE, f.library, f.categories::publicNow, f.clock,
                renditions);
        f.plan("thon-dong", "morning", MORNING, "gia-lua");
        f.played("thon-dong-1", DAY + ".morning", MORNING, "gia-lua");
    }

    @AfterEach
    void close() {
        renditions.close();
        f.close();
    }

    @Test
    void theLineFileIsOfferedUntilTheCopyIsMadeThenTheCopyWithItsOwnSizeAndAddress() throws Exception {
        ListenAddresses at = ListenAddresses.relative();
        ListenCatalog.Item first = item();
        assertFalse(first.phone(), "the copy is being made: the line MP3 meanwhile");
        assertEquals(f.library.byId("gia-lua").orElseThrow().file(), first.file());
        assertTrue(at.itemAudio(first).endsWith("/gia-lua.mp3"));

        ListenCatalog.Item copied = await().atMost(Duration.ofSeconds(30)).until(this::item, ListenCatalog.Item::phone);
        assertEquals(Files.size(copied.file()), copied.bytes());
        assertTrue(copied.bytes() < copied.line().bytes(), copied.bytes() + " bytes, the line file " + copied.line().bytes());
        assertTrue(at.itemAudio(copied).endsWith("/gia-lua.mp3?q=32"), at.itemAudio(copied));
        assertEquals("22050,1,32000", probe(copied.file()), "mono, 22.05 kHz, 32 kbps");

        // Served as listed: ?q=32 the copy, without it the line file (a link made before the copy stays right).
        ListenCounts counts = new ListenCounts(f.store, f.clock, () -> ListenFixture.ZONE, new java.security.SecureRandom());
        vn.loalang.controller.http.HttpServer server = vn.loalang.controller.http.HttpServer.start("127.0.0.1", 0,
                List.of(app -> vn.loalang.controller.api.ListenRoutes.mount(app, new vn.loalang.controller.api.ListenRoutes
                        .Listen(catalog, counts, ListenAddresses::relative, 4))));
        try {
            java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
            String base = "http://127.0.0.1:" + server.port();
            for (String[] asked : List.of(new String[]{at.itemAudio(copied), String.valueOf(copied.bytes())},
                    new String[]{at.itemAudio(first), String.valueOf(copied.line().bytes())})) {
                var r = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + asked[0])).build(),
                        java.net.http.HttpResponse.BodyHandlers.ofByteArray());
                assertEquals(200, r.statusCode(), asked[0]);
                assertEquals(Long.parseLong(asked[1]), r.body().length, asked[0]);
            }
        } finally {
            server.close();
            counts.close();
        }

        assertEquals(0, renditions.sweep(f.library.items()), "its item is in the library");
        assertEquals(1, renditions.sweep(List.of()), "no longer in the library: swept");
        assertFalse(Files.exists(copied.file()));
    }

    @Test
    void anEmptyCopyLeftByAPowerCutIsNotServedButMadeAgain() throws Exception {
        String sha = f.library.byId("gia-lua").orElseThrow().sha256();
        Path empty = Files.createDirectories(dir.resolve("listen")).resolve(sha + "-32k.mp3");
        Files.createFile(empty);

        assertFalse(item().phone(), "an empty copy is missing: the line MP3");
        ListenCatalog.Item copied = await().atMost(Duration.ofSeconds(30)).until(this::item, ListenCatalog.Item::phone);
        assertTrue(Files.size(copied.file()) > 0);
        assertEquals(Files.size(copied.file()), copied.bytes());
    }

    @Test
    void aCopyLeftHalfMadeIsSwept() throws Exception {
        Path listen = Files.createDirectories(dir.resolve("listen"));
        Path part = Files.writeString(listen.resolve("ab".repeat(32) + ".part"), "half an MP3");
        Path said = Files.writeString(listen.resolve("ab".repeat(32) + ".lame.txt"), "killed");
        Path other = Files.writeString(listen.resolve("notes.txt"), "not ours");

        assertEquals(2, renditions.sweep(f.library.items()));
        assertFalse(Files.exists(part));
        assertFalse(Files.exists(said));
        assertTrue(Files.exists(other), "only what the copies leave is swept");
    }

    @Test
    void anItemTheQueueRefusesIsNotLeftPendingForGood() throws Exception {
        var rice = f.library.byId("gia-lua").orElseThrow();
        Path part = Files.createDirectories(dir.resolve("listen")).resolve(rice.sha256() + ".part");
        renditions.close(); // refuses every task, as a full queue does
        Files.writeString(part, "half an MP3");

        assertTrue(renditions.of(rice).isEmpty());
        assertEquals(1, renditions.sweep(f.library.items()), "not pending: its half-made copy is swept");
        assertFalse(Files.exists(part));
    }

    private ListenCatalog.Item item() {
        return catalog.item("thon-dong", DAY, DAY + ".morning", "gia-lua").orElseThrow();
    }

    private static String probe(Path file) throws Exception {
        Process p = new ProcessBuilder("ffprobe", "-v", "error", "-show_entries", "stream=sample_rate,channels,bit_rate",
                "-of", "csv=p=0", file.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        return out;
    }
}
