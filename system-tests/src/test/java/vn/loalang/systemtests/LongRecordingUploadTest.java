package vn.loalang.systemtests;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vn.loalang.controller.server.Controller;
import vn.loalang.controller.server.ControllerConfig;
import vn.loalang.controller.testing.ApiClient;
import vn.loalang.controller.users.PasswordHasher;
import vn.loalang.systemtests.support.Ports;
import vn.loalang.systemtests.support.TestClock;
import vn.loalang.systemtests.support.TestCommune;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A 30-minute programme recorded on a phone (M4A) uploaded over HTTP to a real controller, which
 * converts it with ffmpeg and measures it inside the request (issue 18, decision 0036): the request
 * is not cut by the web server's 30 s idle timeout while the server works without a byte on the wire,
 * and the item is 30:00 long. Prints the time it took: docs/benchmarks.md "Converting what phones record".
 */
class LongRecordingUploadTest {
    private static final int MINUTES = 30;

    @TempDir
    Path dir;
    private Controller controller;

    @BeforeEach
    void start() throws Exception {
        controller = Controller.start(ControllerConfig.of(TestCommune.write(dir.resolve("commune")), dir.resolve("controller"))
                        .withHttp("127.0.0.1", Ports.free(), null).withEmbeddedBroker("127.0.0.1", Ports.free()),
                new TestClock(Instant.parse("2026-12-06T01:00:00Z")), new PasswordHasher(1000), () -> "mat-khau-quan-tri",
                new PrintStream(OutputStream.nullOutputStream()));
    }

    @AfterEach
    void stop() {
        controller.close();
    }

    @Test
    void aThirtyMinutePhoneRecordingIsConvertedAndMeasuredWithinItsUpload() throws Exception {
        Path memo = dir.resolve("hop-dan-thang-12.m4a");
        // Mono 44.1 kHz AAC at 96 kbit/s, as Android's and iOS's recorders make it: about 21 MB for 30 minutes.
        Process p = new ProcessBuilder("ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi",
                "-i", "sine=f=300:d=" + MINUTES * 60 + ":sample_rate=44100", "-af", "volume=-6dB,tremolo=f=4:d=0.7",
                "-c:a", "aac", "-b:a", "96k", memo.toString()).redirectErrorStream(true).start();
        String said = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(5, TimeUnit.MINUTES), "ffmpeg made the recording in time");
        assertEquals(0, p.exitValue(), said);

        ApiClient api = new ApiClient(controller.contentPort());
        String admin = api.login("admin", "mat-khau-quan-tri");
        long started = System.nanoTime();
        ApiClient.Answer a = api.upload(admin, memo, "hop-dan-thang-12.m4a", Map.of("title", "Họp dân tháng 12"));
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);

        assertEquals(201, a.status(), String.valueOf(a.json()));
        assertEquals(MINUTES * 60_000, a.json().get("durationMs").asLong(), 50);
        assertEquals("MP3", a.json().get("format").asText());
        assertEquals("M4A", a.json().get("originalFormat").asText());
        System.out.printf("Converting what phones record: a %d-minute M4A (%.1f MB) uploaded, converted and measured"
                        + " in %.1f s; kept as a %.1f MB MP3 beside its original%n", MINUTES, Files.size(memo) / 1e6,
                millis / 1000.0, a.json().get("sizeBytes").asLong() / 1e6);
    }
}
