package vn.loalang.agent.content;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import vn.loalang.protocol.schedule.Item;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The controller's content endpoint as a station meets it: files under {@code /content/{name}},
 * Range requests answered with 206, and the ways a real one misbehaves, switched on by the test:
 * dropping the connection part-way, answering a Range with only a slice, ignoring Range.
 */
final class ContentServer implements AutoCloseable {
    private static final Pattern RANGE = Pattern.compile("bytes=(\\d+)-");

    /** One request as the server saw it: path and Range header (null when absent). */
    record Request(String path, String range) {
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final Map<String, byte[]> files = new ConcurrentHashMap<>();
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final AtomicInteger cutsToCome = new AtomicInteger();
    private volatile int cutAfterBytes;
    private volatile int maxSliceBytes = Integer.MAX_VALUE;
    private volatile boolean ignoreRange;

    ContentServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/content/", this::handle);
        server.setExecutor(executor);
        server.start();
    }

    URI url(String name) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/content/" + name);
    }

    void put(String name, byte[] content) {
        files.put(name, content);
    }

    /** What it serves under {@code name}. */
    byte[] bytes(String name) {
        return files.get(name).clone();
    }

    /** Serves {@code size} bytes of its own under {@code name} and returns the item a schedule would name it by. */
    Item offer(String name, int size) {
        byte[] bytes = new byte[size];
        new Random(name.hashCode()).nextBytes(bytes);
        put(name, bytes);
        return new Item(name, name, ContentCacheTest.sha256(bytes), url(name), size, 2000, 0.0);
    }

    /** The next {@code times} responses send {@code bytes} bytes of the body, then the connection drops. */
    void dropConnectionAfter(int bytes, int times) {
        cutAfterBytes = bytes;
        cutsToCome.set(times);
    }

    /** Range requests get at most {@code bytes} bytes each (206 with a short Content-Range), as Javalin does. */
    void answerRangesInSlicesOf(int bytes) {
        maxSliceBytes = bytes;
    }

    /** Answers every request with 200 and the whole file, Range or not. */
    void ignoreRange() {
        ignoreRange = true;
    }

    List<Request> requests() {
        return List.copyOf(requests);
    }

    List<String> rangeHeaders() {
        return requests.stream().map(Request::range).toList();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String name = exchange.getRequestURI().getPath().substring("/content/".length());
            String range = exchange.getRequestHeaders().getFirst("Range");
            requests.add(new Request(exchange.getRequestURI().getPath(), range));
            byte[] file = files.get(name);
            if (file == null) {
                exchange.sendResponseHeaders(404, -1);
                return;
            }
            int from = 0;
            int to = file.length;
            int status = 200;
            if (range != null && !ignoreRange) {
                Matcher m = RANGE.matcher(range);
                if (!m.matches()) {
                    exchange.sendResponseHeaders(400, -1);
                    return;
                }
                from = Integer.parseInt(m.group(1));
                if (from >= file.length) {
                    exchange.getResponseHeaders().set("Content-Range", "bytes */" + file.length);
                    exchange.sendResponseHeaders(416, -1);
                    return;
                }
                to = (int) Math.min(file.length, (long) from + maxSliceBytes);
                status = 206;
                exchange.getResponseHeaders().set("Content-Range", "bytes " + from + "-" + (to - 1) + "/" + file.length);
            }
            exchange.getResponseHeaders().set("Accept-Ranges", "bytes");
            exchange.sendResponseHeaders(status, to - from);
            OutputStream body = exchange.getResponseBody();
            if (cutsToCome.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                body.write(file, from, Math.min(cutAfterBytes, to - from));
                body.flush();
                // Closing with bytes still owed makes the server drop the connection: the client sees a short body.
                return;
            }
            body.write(file, from, to - from);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
