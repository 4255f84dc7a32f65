package vn.loalang.controller.http;

import io.javalin.Javalin;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.servlet.FilterHolder;
import jakarta.servlet.DispatcherType;
import java.util.EnumSet;
import io.javalin.config.SizeUnit;
import io.javalin.http.staticfiles.Location;
import io.javalin.json.JavalinJackson;
import vn.loalang.controller.content.LibraryCatalog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import vn.loalang.protocol.Json;

import java.util.List;
import java.util.function.Consumer;

/**
 * The controller's one HTTP port: the content the stations download, the API the people use and the
 * web console (plain files under {@code /console} in the jar, served at {@code /}),
 * mounted by their features on one Javalin app. JSON is written with the wire format's mapper, so
 * that times and nulls look the same on MQTT and HTTP.
 */
public final class HttpServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(HttpServer.class);

    /** Connection attempts the kernel holds while Jetty accepts: a village's stations at once. */
    static final int ACCEPT_QUEUE = 1024;

    private final Javalin app;

    private HttpServer(Javalin app) {
        this.app = app;
    }

    /** A JSON or CAP body: a commune's largest program or a CAP message is a few hundred kilobytes. */
    static final long MAX_BODY_BYTES = 1024 * 1024;
    /** A multipart form's fields and boundaries around its file. */
    static final long FORM_BYTES = 64 * 1024;

    /** Starts on {@code host:port} (0: any free port) with the routes each of {@code mounts} adds. */
    public static HttpServer start(String host, int port, List<Consumer<Javalin>> mounts) {
        return start(host, port, LibraryCatalog.MAX_UPLOAD_BYTES, mounts);
    }

    /** As {@link #start(String, int, List)}, taking uploads of up to {@code maxUploadBytes}. */
    public static HttpServer start(String host, int port, long maxUploadBytes, List<Consumer<Javalin>> mounts) {
        Javalin app = Javalin.create(config -> {
            config.showJavalinBanner = false;
            config.http.prefer405over404 = true;
            // MP3 does not compress, and a compressed body would break Content-Length and ranges.
            config.http.disableCompression();
            config.jsonMapper(new JavalinJackson(Json.mapper(), false));
            // Uploads larger than this stay on disk while they arrive, not in the heap.
            config.jetty.multipartConfig.maxInMemoryFileSize(1, SizeUnit.MB);
            config.jetty.multipartConfig.maxFileSize(maxUploadBytes, SizeUnit.BYTES);
            config.jetty.multipartConfig.maxTotalRequestSize(maxUploadBytes + FORM_BYTES, SizeUnit.BYTES);
            config.http.maxRequestSize = MAX_BODY_BYTES;
            config.jetty.modifyServletContextHandler(handler -> {
                FilterHolder sizeLimit = new FilterHolder(new RequestSizeLimit(MAX_BODY_BYTES, maxUploadBytes + FORM_BYTES));
                // The health stream (server-sent events) is asynchronous: every filter before it must allow that.
                sizeLimit.setAsyncSupported(true);
                handler.addFilter(sizeLimit, "/*", EnumSet.of(DispatcherType.REQUEST));
            });
            // The web console: plain files in the jar, nothing to build and nothing fetched from elsewhere.
            config.staticFiles.add(files -> {
                files.hostedPath = "/";
                files.directory = "/console";
                files.location = Location.CLASSPATH;
                // The page holds a user's token: it runs only its own scripts and is never framed by another site.
                files.headers = java.util.Map.of("Cache-Control", "no-cache", "X-Content-Type-Options", "nosniff",
                        "Content-Security-Policy", "default-src 'self'; frame-ancestors 'none'; base-uri 'none'");
            });
            config.jetty.addConnector((server, http) -> {
                ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(http));
                connector.setHost(host);
                connector.setPort(port);
                // An alert makes a whole village fetch its clip at once. The JDK's backlog of 50 dropped
                // connection attempts (each then waits out a TCP retransmission, 1 s for a SYN): measured
                // with 1,000 stations in docs/benchmarks.md.
                connector.setAcceptQueueSize(ACCEPT_QUEUE);
                return connector;
            });
        });
        mounts.forEach(m -> m.accept(app));
        app.exception(RequestSizeLimit.BodyTooLarge.class, (e, ctx) -> {
            log.warn("{} {} from {} cut off: {}", ctx.method(), ctx.path(), ctx.ip(), e.getMessage());
            ctx.status(413).header("Connection", "close").json(new java.util.LinkedHashMap<>(
                    java.util.Collections.singletonMap("message", e.getMessage())));
        });
        // Javalin's own refusal of a body that announces too much (checked again when the body is read).
        app.exception(io.javalin.http.HttpResponseException.class, (e, ctx) -> ctx.status(e.getStatus())
                .json(new java.util.LinkedHashMap<>(java.util.Collections.singletonMap("message",
                        e.getStatus() == 413 ? RequestSizeLimit.message(MAX_BODY_BYTES) : e.getMessage()))));
        app.get("/healthz", ctx -> ctx.result("ok"));
        app.start();
        log.info("HTTP server listening on http://{}:{}", host, app.port());
        return new HttpServer(app);
    }

    public int port() {
        return app.port();
    }

    @Override
    public void close() {
        app.stop();
    }
}
