package vn.loalang.controller.testing.fake;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * A local HTTP server on 127.0.0.1 and an ephemeral port that answers as an outside service documents (Telegram, Zalo,
 * eSMS, an Android SMS gateway, a webhook receiver): these machines reach no outside service. Every request is
 * recorded; answers are scripted, first the queued ones ({@link #next}), then the default ({@link #otherwise}).
 * {@link Answer#hang()} holds the request unanswered until {@link #close()}, as a service that stopped answering.
 */
public class FakeHttpApi implements AutoCloseable {
    /** One request as received; {@code headers} keys are lower case; {@code at} when it arrived (for latencies). */
    public record Request(String method, String path, String query, Map<String, String> headers, byte[] body,
                          java.time.Instant at) {
        public String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        public String header(String name) {
            return headers.get(name.toLowerCase(java.util.Locale.ROOT));
        }
    }

    /** One scripted answer; {@code hang} never answers. */
    public record Answer(int status, String contentType, byte[] body, Map<String, String> headers, boolean hangs) {
        public static Answer json(int status, String json) {
            return new Answer(status, "application/json; charset=utf-8", json.getBytes(StandardCharsets.UTF_8),
                    Map.of(), false);
        }

        public static Answer text(int status, String text) {
            return new Answer(status, "text/plain; charset=utf-8", text.getBytes(StandardCharsets.UTF_8), Map.of(),
                    false);
        }

        public static Answer hang() {
            return new Answer(0, null, new byte[0], Map.of(), true);
        }

        public Answer withHeader(String name, String value) {
            Map<String, String> h = new TreeMap<>(headers);
            h.put(name, value);
            return new Answer(status, contentType, body, h, hangs);
        }
    }

    private final HttpServer server;
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "fake-http-api");
        t.setDaemon(true);
        return t;
    });
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final ConcurrentLinkedDeque<Function<Request, Answer>> queued = new ConcurrentLinkedDeque<>();
    private final CountDownLatch released = new CountDownLatch(1);
    private volatile Function<Request, Answer> otherwise = r -> Answer.text(404, "no answer scripted for " + r.path());

    static {
        // The JDK server writes an answer's headers and body apart; without TCP_NODELAY each answer waits out the
        // client's delayed ACK (about 40 ms). Read once, when the first server of the JVM is made.
        System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    public FakeHttpApi() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new IllegalStateException("cannot open a local port for the fake API", e);
        }
        server.createContext("/", this::handle);
        server.setExecutor(threads);
        server.start();
    }

    /** The base address, as a channel's {@code apiBase}: {@code http://127.0.0.1:PORT}. */
    public URI base() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** Answers the next request with {@code answer}, after any answers queued before. */
    public FakeHttpApi next(Answer answer) {
        queued.addLast(r -> answer);
        return this;
    }

    /** Answers the next request with what {@code answer} makes of it. */
    public FakeHttpApi next(Function<Request, Answer> answer) {
        queued.addLast(answer);
        return this;
    }

    /** Answers every request no queued answer is left for. */
    public FakeHttpApi otherwise(Answer answer) {
        this.otherwise = r -> answer;
        return this;
    }

    public FakeHttpApi otherwise(Function<Request, Answer> answer) {
        this.otherwise = answer;
        return this;
    }

    public List<Request> requests() {
        return List.copyOf(requests);
    }

    private void handle(HttpExchange ex) throws IOException {
        byte[] body;
        try (InputStream in = ex.getRequestBody()) {
            body = in.readNBytes(8 * 1024 * 1024);
        }
        Map<String, String> headers = new TreeMap<>();
        ex.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(java.util.Locale.ROOT), String.join(",", v)));
        Request req = new Request(ex.getRequestMethod(), ex.getRequestURI().getRawPath(), ex.getRequestURI().getRawQuery(),
                headers, body, java.time.Instant.now());
        requests.add(req);
        Function<Request, Answer> scripted = queued.pollFirst();
        Answer a = (scripted != null ? scripted : otherwise).apply(req);
        if (a.hangs()) {
            try {
                released.await(5, TimeUnit.MINUTES);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            ex.close();
            return;
        }
        if (a.contentType() != null) {
            ex.getResponseHeaders().set("Content-Type", a.contentType());
        }
        a.headers().forEach((k, v) -> ex.getResponseHeaders().set(k, v));
        ex.sendResponseHeaders(a.status(), a.body().length == 0 ? -1 : a.body().length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(a.body());
        }
    }

    /** Stops the server; requests held by {@link Answer#hang()} are dropped unanswered. */
    @Override
    public void close() {
        released.countDown();
        server.stop(0);
        threads.shutdownNow();
    }
}
