package vn.loalang.controller.api;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vn.loalang.audio.AudioDecoder;
import vn.loalang.audio.Pcm;
import vn.loalang.audio.analysis.PcmAnalysis;
import vn.loalang.audio.live.Frame;
import vn.loalang.controller.live.FrameListener;
import vn.loalang.controller.live.LiveChannel;
import vn.loalang.controller.users.Role;
import vn.loalang.controller.users.UserDirectory;
import vn.loalang.controller.testing.ApiClient.Answer;
import vn.loalang.protocol.Json;
import vn.loalang.protocol.schedule.LiveChannelId;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The talk over HTTP: POST answers a ticket, the WebSocket opened with it carries WebM/Opus to the talk's
 * channel (real ffmpeg) and reports once a second; a wrong or replayed ticket, or another site's page, is
 * refused; DELETE ends the talk and the socket with it.
 */
class LiveTalkSocketTest {
    private static final String PASSWORD = "mat-khau-dai-du";

    @TempDir
    Path dir;
    private ApiFixture fixture;
    private String operator;
    private final HttpClient http = HttpClient.newHttpClient();

    /** What the speaker's page hears on the socket. */
    private static final class Page implements WebSocket.Listener {
        final List<JsonNode> reports = new CopyOnWriteArrayList<>();
        final CompletableFuture<Integer> closed = new CompletableFuture<>();
        private final StringBuilder text = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                try {
                    reports.add(Json.mapper().readTree(text.toString()));
                } catch (java.io.IOException e) {
                    throw new IllegalStateException(e);
                }
                text.setLength(0);
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
            closed.complete(statusCode);
            return null;
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            closed.completeExceptionally(error);
        }
    }

    @BeforeEach
    void start() throws Exception {
        fixture = new ApiFixture(dir, Clock.systemUTC(), "admin-password-1");
        fixture.users.create("admin", new UserDirectory.NewUser("van.thu", "Văn thư", Role.OPERATOR, List.of(), "vi",
                PASSWORD));
        operator = fixture.api.login("van.thu", PASSWORD);
    }

    @AfterEach
    void stop() {
        fixture.close();
    }

    private JsonNode startTalk() throws Exception {
        Answer a = fixture.api.call("POST", "/api/live/talks", operator, Map.of("villages", List.of("thon-tay"),
                "title", "Họp thôn"));
        assertEquals(201, a.status(), String.valueOf(a.json()));
        return a.json();
    }

    private CompletableFuture<WebSocket> open(String wsUrl, Page page, String origin) {
        URI uri = URI.create(fixture.api.uri(wsUrl).toString().replaceFirst("^http", "ws"));
        WebSocket.Builder b = http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5));
        if (origin != null) {
            b.header("Origin", origin);
        }
        return b.buildAsync(uri, page);
    }

    private byte[] spokenWebm(double seconds) throws Exception {
        Path webm = dir.resolve("mic.webm");
        Process p = new ProcessBuilder("ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi",
                "-i", "sine=frequency=440:duration=" + seconds + ":sample_rate=48000", "-ac", "1", "-c:a", "libopus",
                "-b:a", "32k", "-f", "webm", webm.toString()).redirectErrorStream(true).start();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue());
        return Files.readAllBytes(webm);
    }

    @Test
    void theTicketsSocketCarriesTheVoiceToTheChannelAndDeleteEndsIt() throws Exception {
        JsonNode talk = startTalk();
        String id = talk.get("id").asText();
        assertEquals("/api/live/talks/" + id + "/audio?ticket=" + talk.get("ticket").asText(), talk.get("wsUrl").asText());
        LiveChannel channel = fixture.liveChannels.get(LiveChannelId.talk(id)).orElseThrow();
        List<Frame> frames = new CopyOnWriteArrayList<>();
        channel.subscribe(new FrameListener() {
            @Override
            public void frame(Frame frame) {
                frames.add(frame);
            }

            @Override
            public void ended() {
            }
        }, Duration.ZERO);

        Page page = new Page();
        String own = "http://" + fixture.api.uri("/").getAuthority();
        WebSocket ws = open(talk.get("wsUrl").asText(), page, own).get(30, TimeUnit.SECONDS);
        byte[] webm = spokenWebm(2.0);
        int piece = webm.length / 20;
        for (int at = 0; at < webm.length; at += piece) {
            ws.sendBinary(ByteBuffer.wrap(webm, at, Math.min(piece, webm.length - at)), true).get(5, TimeUnit.SECONDS);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> frames.size() > 10);
        fixture.talks.tick(); // the upkeep's once-a-second report
        await().atMost(Duration.ofSeconds(5)).until(() -> !page.reports.isEmpty());
        JsonNode report = page.reports.get(page.reports.size() - 1);
        assertEquals("ON_AIR", report.get("state").asText());
        assertTrue(report.get("receivedMillis").asLong() > 0);
        assertEquals(0, report.get("stationsOnAir").asInt());
        assertTrue(frames.stream().allMatch(f -> f.sampleRate() == 22_050 && f.channels() == 1));

        Answer ended = fixture.api.call("DELETE", "/api/live/talks/" + id, operator, null);
        assertEquals(200, ended.status(), String.valueOf(ended.json()));
        assertEquals(1000, page.closed.get(30, TimeUnit.SECONDS), "the page is told, and the socket closes");
        assertEquals("ENDED", page.reports.get(page.reports.size() - 1).get("state").asText());
        Answer status = fixture.api.call("GET", "/api/live/talks/" + id, operator, null);
        assertEquals("ENDED", status.json().get("state").asText());
        assertEquals("van.thu", status.json().get("endedBy").asText());
        assertEquals(List.of("thon-tay-1"), List.of(status.json().get("deliveries").get(0).get("stationId").asText()));
        assertTrue(fixture.talksPublished.stream().anyMatch(e -> e.getKey().endsWith("/zone/thon-tay/talk/" + id)));
    }

    /** Four seconds as a browser's MediaRecorder records them (WebM/Opus), one tone a second: 400, 600, 800, 1000 Hz. */
    private byte[] steppedWebm() throws Exception {
        Path webm = dir.resolve("steps.webm");
        Process p = new ProcessBuilder("ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi",
                "-i", "aevalsrc=0.5*sin(2*PI*(400+200*floor(t))*t):s=48000:d=4", "-ac", "1", "-c:a", "libopus",
                "-b:a", "32k", "-f", "webm", webm.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        return Files.readAllBytes(webm);
    }

    @Test
    void aStutteringUplinkLosesNothingTheStationsGetAllOfItInOrder() throws Exception {
        JsonNode talk = startTalk();
        String id = talk.get("id").asText();
        LiveChannel channel = fixture.liveChannels.get(LiveChannelId.talk(id)).orElseThrow();
        // What the stations' stream carries (the fan-out they are served from), with when each frame came.
        List<Frame> frames = new CopyOnWriteArrayList<>();
        List<Long> arrivals = new CopyOnWriteArrayList<>();
        CompletableFuture<Void> channelEnded = new CompletableFuture<>();
        channel.subscribe(new FrameListener() {
            @Override
            public void frame(Frame frame) {
                frames.add(frame);
                arrivals.add(System.nanoTime());
            }

            @Override
            public void ended() {
                channelEnded.complete(null);
            }
        }, Duration.ZERO);
        Page page = new Page();
        WebSocket ws = open(talk.get("wsUrl").asText(), page, "http://" + fixture.api.uri("/").getAuthority())
                .get(30, TimeUnit.SECONDS);

        byte[] webm = steppedWebm();
        int pieces = 40;
        int piece = (webm.length + pieces - 1) / pieces; // about 100 ms of the recording each
        CompletableFuture<Void> allSent = new CompletableFuture<>();
        ScheduledExecutorService uplink = Executors.newSingleThreadScheduledExecutor();
        try {
            // One thread sends, in order, each piece once the last is on the wire: the browser's socket.
            java.util.function.IntConsumer send = i -> {
                int at = i * piece;
                if (at >= webm.length || allSent.isDone()) {
                    return;
                }
                try {
                    ws.sendBinary(ByteBuffer.wrap(webm, at, Math.min(piece, webm.length - at)), true).get(5, TimeUnit.SECONDS);
                } catch (Exception e) {
                    allSent.completeExceptionally(e);
                }
            };
            // The first half at the speaker's pace, a piece every 100 ms ...
            for (int i = 0; i < pieces / 2; i++) {
                int n = i;
                uplink.schedule(() -> send.accept(n), n * 100L, TimeUnit.MILLISECONDS);
            }
            // ... then the 3G uplink stalls for 1.5 s (this delay makes the gap; nothing waits on it), and what the
            // browser queued meanwhile, with the rest, goes out in one burst.
            uplink.schedule(() -> {
                for (int i = pieces / 2; i < pieces; i++) {
                    send.accept(i);
                }
                allSent.complete(null);
            }, (pieces / 2 - 1) * 100L + 1500, TimeUnit.MILLISECONDS);
            allSent.get(30, TimeUnit.SECONDS);
        } finally {
            uplink.shutdownNow();
        }
        assertTrue(!page.closed.isDone(), "the burst after the stall is within the uplink's limits: the socket stays open");
        // The speaker goes on talking after the stall: the burst reaches the stations' stream (ffmpeg holds back at
        // most its last frames until its input ends). Letting go at once, before the server has read the burst,
        // is another case: the release can overtake the socket's last messages (noted, not handled yet).
        await("the burst after the stall reaches the stations' stream").atMost(Duration.ofSeconds(20))
                .until(() -> frames.stream().mapToLong(Frame::micros).sum() >= 3_500_000);
        // The speaker lets go: ffmpeg gets the end of its input, writes what it holds, the channel ends.
        assertEquals(200, fixture.api.call("DELETE", "/api/live/talks/" + id, operator, null).status());
        channelEnded.get(30, TimeUnit.SECONDS);

        // Everything the speaker sent is on the stations' stream: four seconds of audio.
        long micros = frames.stream().mapToLong(Frame::micros).sum();
        assertEquals(4.0, micros / 1e6, 0.3, "seconds of audio on the channel");
        // The stall reached the channel as a pause (so this is a stutter, not a smooth uplink) ...
        int gapAt = 1;
        for (int i = 2; i < arrivals.size(); i++) {
            if (arrivals.get(i) - arrivals.get(i - 1) > arrivals.get(gapAt) - arrivals.get(gapAt - 1)) {
                gapAt = i;
            }
        }
        long gapMillis = (arrivals.get(gapAt) - arrivals.get(gapAt - 1)) / 1_000_000;
        assertTrue(gapMillis >= 1000, "the channel paused with the uplink: longest gap " + gapMillis + " ms");
        double before = frames.subList(0, gapAt).stream().mapToLong(Frame::micros).sum() / 1e6;
        assertTrue(before >= 1.0 && before <= 3.0, before + " s came before the pause, the rest after");
        // ... and the audio holds both sides of it, in order: each second its own tone.
        Path heard = dir.resolve("heard.mp3");
        try (var out = Files.newOutputStream(heard)) {
            for (Frame f : frames) {
                out.write(f.bytes());
            }
        }
        Pcm pcm = AudioDecoder.decodeAll(heard);
        int rate = pcm.format().sampleRate();
        List<Double> steps = new java.util.ArrayList<>();
        for (int second = 0; second < 4; second++) {
            // The middle of each second: clear of the codecs' delays (tens of ms) at the steps.
            steps.add(PcmAnalysis.dominantOf(pcm, second * rate + rate / 4, second * rate + 3L * rate / 4,
                    400, 600, 800, 1000));
        }
        assertEquals(List.of(400.0, 600.0, 800.0, 1000.0), steps, "the talk's seconds, all of them, in order");
    }

    @Test
    void aWrongOrReplayedTicketIsRefusedAndSoIsAnotherSitesPage() throws Exception {
        JsonNode talk = startTalk();
        String id = talk.get("id").asText();
        Page guessed = new Page();
        open("/api/live/talks/" + id + "/audio?ticket=AAAAAAAAAAAAAAAAAAAAAA", guessed, null).get(30, TimeUnit.SECONDS);
        assertEquals(LiveRoutes.REFUSED, guessed.closed.get(30, TimeUnit.SECONDS));

        ExecutionException foreign = assertThrows(ExecutionException.class,
                () -> open(talk.get("wsUrl").asText(), new Page(), "https://evil.example").get(30, TimeUnit.SECONDS));
        assertInstanceOf(WebSocketHandshakeException.class, foreign.getCause());
        assertEquals(403, ((WebSocketHandshakeException) foreign.getCause()).getResponse().statusCode());

        Page first = new Page();
        open(talk.get("wsUrl").asText(), first, null).get(30, TimeUnit.SECONDS);
        Page replay = new Page();
        open(talk.get("wsUrl").asText(), replay, null).get(30, TimeUnit.SECONDS);
        assertEquals(LiveRoutes.REFUSED, replay.closed.get(30, TimeUnit.SECONDS), "a ticket opens one socket");
        assertTrue(!first.closed.isDone(), "the first socket stays open");
    }

    @Test
    void aTechnicianMayWatchButNotTalk() throws Exception {
        fixture.users.create("admin", new UserDirectory.NewUser("ky.thuat", null, Role.TECHNICIAN, List.of(), "vi",
                PASSWORD));
        String tech = fixture.api.login("ky.thuat", PASSWORD);
        assertEquals(403, fixture.api.call("POST", "/api/live/talks", tech, Map.of("villages", List.of("thon-tay")))
                .status());
        String id = startTalk().get("id").asText();
        assertEquals(200, fixture.api.call("GET", "/api/live/talks/" + id, tech, null).status());
        assertEquals(403, fixture.api.call("DELETE", "/api/live/talks/" + id, tech, null).status());
    }
}
