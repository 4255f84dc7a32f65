package vn.loalang.controller.testing;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The province's radio, as a test stands it in: an ffmpeg child playing a known signal in real
 * time (a 440 Hz bed at −20 dBFS and a 1 kHz, 200 ms marker at −6 dBFS every 5 s), sent as MP3 or
 * AAC to an {@link IcecastUnderTest} mount, or written as HLS into a folder served on 127.0.0.1.
 * {@link #kill} kills that child (the upstream dies), {@link #restart} starts the same again.
 */
public final class Upstream implements AutoCloseable {
    public static final int BED_HZ = 440;
    public static final int MARKER_HZ = 1000;
    public static final int MARKER_EVERY_SECONDS = 5;
    public static final int MARKER_MILLIS = 200;

    private final List<String> command;
    private final URI url;
    private final HttpServer files;
    private final Path hlsDir;
    private volatile Process process;

    private Upstream(List<String> command, URI url, HttpServer files, Path hlsDir) throws IOException {
        this.command = command;
        this.url = url;
        this.files = files;
        this.hlsDir = hlsDir;
        restart();
    }

    /** The signal for ever. */
    public static String signal() {
        return signal(0);
    }

    /** The signal for {@code seconds}, then digital silence ({@code 0}: for ever). */
    public static String signal(int seconds) {
        String s = "0.1*sin(2*PI*" + BED_HZ + "*t)+0.5*sin(2*PI*" + MARKER_HZ + "*t)*lt(mod(t\\," + MARKER_EVERY_SECONDS
                + ")\\," + (MARKER_MILLIS / 1000.0) + ")";
        return "aevalsrc='" + (seconds > 0 ? "(" + s + ")*lt(t\\," + seconds + ")" : s) + "':s=44100:c=stereo";
    }

    /** MP3 64 kbit/s stereo to {@code mount} of {@code ice}. */
    public static Upstream mp3(IcecastUnderTest ice, String mount, String signal) throws IOException {
        return new Upstream(ffmpeg(signal, List.of("-c:a", "libmp3lame", "-b:a", "64k", "-content_type", "audio/mpeg",
                "-f", "mp3", ice.sourceUrl(mount))), ice.url(mount), null, null);
    }

    /** AAC (ADTS) 48 kbit/s to {@code mount} of {@code ice}. */
    public static Upstream aac(IcecastUnderTest ice, String mount, String signal) throws IOException {
        return new Upstream(ffmpeg(signal, List.of("-c:a", "aac", "-b:a", "48k", "-content_type", "audio/aac",
                "-f", "adts", ice.sourceUrl(mount))), ice.url(mount), null, null);
    }

    /** HLS (AAC, 2 s segments) written into {@code dir}, served at http://127.0.0.1:PORT/live.m3u8. */
    public static Upstream hls(Path dir, String signal) throws IOException {
        Files.createDirectories(dir);
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            Path file = dir.resolve(exchange.getRequestURI().getPath().substring(1)).normalize();
            if (!file.startsWith(dir) || !Files.isRegularFile(file)) {
                exchange.sendResponseHeaders(404, -1);
                exchange.close();
                return;
            }
            byte[] body = Files.readAllBytes(file);
            exchange.getResponseHeaders().add("Content-Type", file.toString().endsWith(".m3u8")
                    ? "application/vnd.apple.mpegurl" : "video/mp2t");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        URI url = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/live.m3u8");
        try {
            return new Upstream(ffmpeg(signal, List.of("-c:a", "aac", "-b:a", "48k", "-f", "hls", "-hls_time", "2",
                    "-hls_list_size", "6", "-hls_flags", "delete_segments", dir.resolve("live.m3u8").toString())),
                    url, server, dir);
        } catch (IOException | RuntimeException e) {
            server.stop(0);
            throw e;
        }
    }

    private static List<String> ffmpeg(String signal, List<String> output) {
        List<String> c = new ArrayList<>(List.of("ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error", "-re",
                "-f", "lavfi", "-i", signal));
        c.addAll(output);
        return c;
    }

    /** Where the controller pulls it from. */
    public URI url() {
        return url;
    }

    /** Whether HLS (the controller pulls it with -live_start_index). */
    public boolean hls() {
        return hlsDir != null;
    }

    /** The upstream dies at once (SIGKILL of its ffmpeg). */
    public void kill() {
        Process p = process;
        if (p != null) {
            p.destroyForcibly();
            try {
                p.waitFor(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** It plays again (a new ffmpeg, the signal from its start). */
    public synchronized void restart() throws IOException {
        kill();
        process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    }

    public boolean alive() {
        Process p = process;
        return p != null && p.isAlive();
    }

    @Override
    public void close() {
        kill();
        if (files != null) {
            files.stop(0);
        }
    }
}
