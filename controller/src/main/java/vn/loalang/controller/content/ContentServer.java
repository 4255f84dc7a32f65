package vn.loalang.controller.content;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;

/**
 * Serves library files to the stations by SHA-256 at {@code /content/{sha256}}, with HTTP Range
 * so that a station on a flaky 3G link resumes a download instead of starting over. Ranges are
 * handled here rather than by Javalin's seekable stream, which answers a range past the end with
 * an invalid 206 or not at all, and serves suffix and bounded ranges wrongly. The routes are mounted
 * on the controller's one {@link vn.loalang.controller.http.HttpServer}.
 */
public final class ContentServer {
    private static final Logger log = LoggerFactory.getLogger(ContentServer.class);

    private ContentServer() {
    }

    /** Adds {@code /content/{sha256}} (GET and HEAD) to {@code app}. */
    public static void mount(Javalin app, ContentLibrary library) {
        mount(app, library, sha -> java.util.Optional.empty());
    }

    /**
     * As above, and the agent releases' jars by their SHA-256 too ({@code update.AgentReleases#file}):
     * stations fetch a release exactly as they fetch audio, over the same transport and trust.
     */
    public static void mount(Javalin app, ContentLibrary library,
                             java.util.function.Function<String, java.util.Optional<java.nio.file.Path>> releases) {
        app.get("/content/{sha256}", ctx -> serve(library, releases, ctx));
        app.head("/content/{sha256}", ctx -> serve(library, releases, ctx));
    }

    private static void serve(ContentLibrary library,
                              java.util.function.Function<String, java.util.Optional<java.nio.file.Path>> releases,
                              Context ctx) throws IOException {
        String sha = ctx.pathParam("sha256");
        var item = library.bySha256(sha);
        if (item.isPresent()) {
            serve(ctx, item.get().file(), item.get().sizeBytes(), item.get().format().equals("MP3") ? "audio/mpeg" : "audio/wav");
            return;
        }
        var release = releases.apply(sha);
        if (release.isPresent()) {
            serve(ctx, release.get(), java.nio.file.Files.size(release.get()), "application/java-archive");
            return;
        }
        log.warn("Content {} requested by {} is neither in the library nor an agent release", sha, ctx.ip());
        ctx.status(HttpStatus.NOT_FOUND).result("no content with SHA-256 " + sha);
    }

    private static void serve(Context ctx, java.nio.file.Path path, long size, String type) throws IOException {
        // A station's file never changes under its SHA-256: cached for good.
        RangedFile.serve(ctx, path, size, type, "public, max-age=31536000, immutable");
    }
}
