package vn.loalang.systemtests;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vn.loalang.audio.AudioDecoder;
import vn.loalang.audio.Pcm;
import vn.loalang.audio.analysis.PcmAnalysis;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the README promises: the packaged controller's demo runs the controller, the embedded
 * broker and three station processes, plays a session, stops by itself and sums up on its last line.
 */
class DemoCommandTest {
    static final Path CONTROLLER_JAR = Path.of("..", "controller", "target", "loalang-controller.jar");
    static final Path AGENT_JAR = Path.of("..", "station-agent", "target", "loalang-station-agent.jar");

    @TempDir
    Path dir;

    @Test
    void theDemoPlaysTheSessionOnThreeStationsAndExitsCleanly() throws Exception {
        assertTrue(Files.isRegularFile(CONTROLLER_JAR) && Files.isRegularFile(AGENT_JAR),
                "the runnable jars are missing: run `mvn -B verify` (or `mvn -B -DskipTests package` first)");
        Path data = dir.resolve("demo-data");
        Path out = dir.resolve("demo.out");
        Process demo = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
                "-jar", CONTROLLER_JAR.toString(), "demo", "--agent-jar", AGENT_JAR.toString(), "--data", data.toString(),
                // Two seconds are too few for three agents to start and fetch the bulletin, as happens on a
                // loaded machine: the demo must move the bulletin later rather than count the miss as a failure.
                "--start-in", "2", "--exit-after", "40")
                .redirectErrorStream(true).redirectOutput(out.toFile()).start();
        try {
            // issue 19: while the demo still runs, the village's podcast feed lists what its loudspeaker played.
            assertDemoFeedListsThePlayedItems(demo, out);
            assertTrue(demo.waitFor(120, TimeUnit.SECONDS), "the demo did not stop by itself");
        } finally {
            demo.destroyForcibly();
        }
        List<String> lines = Files.readAllLines(out, StandardCharsets.UTF_8);
        assertEquals(0, demo.exitValue(), String.join("\n", lines));
        String last = lines.get(lines.size() - 1);
        Matcher m = Pattern.compile("stations=3 items_played=(\\d+) failures=0 wav_dir=(\\S+) "
                + "listen=http://127\\.0\\.0\\.1:\\d+/nghe-lai/").matcher(last);
        assertTrue(m.matches(), "last line: " + last);
        assertEquals(9, Integer.parseInt(m.group(1)), "three clips on each of three stations");
        assertTrue(lines.stream().anyMatch(l -> l.contains("have not fetched the bulletin yet; it moves to")),
                "the demo said nothing of moving the bulletin:\n" + String.join("\n", lines));
        Path wavDir = Path.of(m.group(2));
        assertEquals(data.resolve("rendered"), wavDir);
        try (Stream<Path> wavs = Files.walk(wavDir)) {
            List<Path> files = wavs.filter(p -> p.toString().endsWith(".wav")).toList();
            assertEquals(3, files.size(), files.toString());
            for (Path wav : files) {
                assertAudible(wav);
            }
        }
    }

    /**
     * Once Thôn Đông's station has reported the end of the demo session (its items are then in the store), its
     * feed at /nghe-lai/thon-dong/feed.xml is read by ROME, a well-kept feed parser: the three clips are there as
     * episodes, each enclosure answers a range from its start with 206.
     */
    private static void assertDemoFeedListsThePlayedItems(Process demo, Path out) throws Exception {
        Pattern console = Pattern.compile(".*web console: +http://127\\.0\\.0\\.1:(\\d+)/.*");
        Pattern finished = Pattern.compile(".*Station thon-dong-1 #\\d+ at .*: SESSION_FINISHED session \\S+\\.demo.*");
        int[] port = new int[1];
        org.awaitility.Awaitility.await("the demo's thon-dong-1 finishing the demo session").atMost(Duration.ofSeconds(100))
                .pollInterval(Duration.ofMillis(250)).until(() -> {
                    if (!demo.isAlive()) {
                        throw new AssertionError("the demo ended before thon-dong-1 finished the session:\n"
                                + Files.readString(out));
                    }
                    List<String> lines = Files.readAllLines(out, StandardCharsets.UTF_8);
                    lines.stream().map(console::matcher).filter(Matcher::matches).findFirst()
                            .ifPresent(m -> port[0] = Integer.parseInt(m.group(1)));
                    return port[0] > 0 && lines.stream().anyMatch(l -> finished.matcher(l).matches());
                });
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        java.net.URI feedUri = java.net.URI.create("http://127.0.0.1:" + port[0] + "/nghe-lai/thon-dong/feed.xml");
        java.net.http.HttpResponse<byte[]> feed = http.send(java.net.http.HttpRequest.newBuilder(feedUri)
                .timeout(Duration.ofSeconds(10)).build(), java.net.http.HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, feed.statusCode(), new String(feed.body(), StandardCharsets.UTF_8));
        com.rometools.rome.feed.synd.SyndFeed parsed = new com.rometools.rome.io.SyndFeedInput()
                .build(new org.xml.sax.InputSource(new java.io.ByteArrayInputStream(feed.body())));
        assertEquals("vi", parsed.getLanguage());
        List<String> guids = parsed.getEntries().stream().map(com.rometools.rome.feed.synd.SyndEntry::getUri).toList();
        for (String clip : List.of("gia-lua", "bao-hiem", "thoi-tiet")) {
            assertTrue(guids.stream().anyMatch(g -> g.startsWith("thon-dong/") && g.endsWith(".demo/" + clip)),
                    clip + " is not in the feed: " + guids);
        }
        for (com.rometools.rome.feed.synd.SyndEntry e : parsed.getEntries()) {
            com.rometools.rome.feed.synd.SyndEnclosure enclosure = e.getEnclosures().get(0);
            assertEquals("audio/mpeg", enclosure.getType());
            java.net.http.HttpResponse<byte[]> head = http.send(java.net.http.HttpRequest.newBuilder(
                            java.net.URI.create(enclosure.getUrl())).header("Range", "bytes=0-99")
                    .timeout(Duration.ofSeconds(10)).build(), java.net.http.HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(206, head.statusCode(), enclosure.getUrl());
            assertEquals("bytes 0-99/" + enclosure.getLength(), head.headers().firstValue("Content-Range").orElse(""));
        }
    }

    private static void assertAudible(Path wav) throws IOException {
        try {
            Pcm pcm = AudioDecoder.decodeAll(wav);
            List<PcmAnalysis.Segment> sound = PcmAnalysis.soundSegments(pcm, -40, Duration.ofMillis(50));
            assertTrue(!sound.isEmpty() && sound.get(0).start().toMillis() >= 1900,
                    wav + ": speech must start after the 2 s amplifier warm-up, found " + sound);
            assertTrue(pcm.duration().toSeconds() >= 25, wav + " lasts only " + pcm.duration());
        } catch (vn.loalang.audio.AudioContentException e) {
            throw new AssertionError(wav + " is not a readable WAV: " + e.getMessage(), e);
        }
    }
}
