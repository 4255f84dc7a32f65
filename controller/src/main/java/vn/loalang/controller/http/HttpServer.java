package vn.loalang.controller.http;

import io.javalin.Javalin;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.ServerConnector;
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

    /** Starts on {@code host:port} (0: any free port) with the routes each of {@code mounts} adds. */
    public static HttpServer start(String host, int port, List<Consumer<Javalin>> mounts) {
        Javalin app = Javalin.create(config -> {
            config.showJavalinBanner = false;
            config.http.prefer405over404 = true;
            // MP3 does not compress, and a compressed body would break Content-Length and ranges.
            config.http.disableCompression();
            config.jsonMapper(new JavalinJackson(Json.mapper(), false));
            // Uploads larger than this stay on disk while they arrive, not in the heap.
            config.jetty.multipartConfig.maxInMemoryFileSize(1, SizeUnit.MB);
            config.jetty.multipartConfig.maxFileSize(LibraryCatalog.MAX_UPLOAD_BYTES >> 20, SizeUnit.MB);
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
