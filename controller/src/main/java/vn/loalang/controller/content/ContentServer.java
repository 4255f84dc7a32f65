package vn.loalang.controller.content;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;

/**
 * Serves library files to the stations by SHA-256 at {@code /content/{sha256}}, with HTTP Range
 * so that a station on a flaky 3G link resumes a download instead of starting over.
 */
public final class ContentServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ContentServer.class);

    private final Javalin app;

    private ContentServer(Javalin app) {
        this.app = app;
    }

    public static ContentServer start(ContentLibrary library, String host, int port) {
        Javalin app = Javalin.create(config -> {
            config.showJavalinBanner = false;
            config.http.prefer405over404 = true;
        });
        app.get("/content/{sha256}", ctx -> serve(library, ctx));
        app.get("/healthz", ctx -> ctx.result("ok"));
        app.start(host, port);
        log.info("Content server listening on http://{}:{}", host, app.port());
        return new ContentServer(app);
    }

    private static void serve(ContentLibrary library, Context ctx) throws IOException {
        String sha = ctx.pathParam("sha256");
        var item = library.bySha256(sha);
        if (item.isEmpty()) {
            log.warn("Content {} requested by {} is not in the library", sha, ctx.ip());
            ctx.status(HttpStatus.NOT_FOUND).result("no content with SHA-256 " + sha);
            return;
        }
        InputStream in = Files.newInputStream(item.get().file());
        String type = item.get().format().equals("MP3") ? "audio/mpeg" : "audio/wav";
        ctx.header("Cache-Control", "public, max-age=31536000, immutable");
        ctx.writeSeekableStream(in, type, item.get().sizeBytes());
    }

    public int port() {
        return app.port();
    }

    @Override
    public void close() {
        app.stop();
    }
}
