package vn.loalang.controller.content;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.javalin.http.HttpStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;

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
        app.get("/content/{sha256}", ctx -> serve(library, ctx));
        app.head("/content/{sha256}", ctx -> serve(library, ctx));
    }

    private static void serve(ContentLibrary library, Context ctx) throws IOException {
        String sha = ctx.pathParam("sha256");
        var item = library.bySha256(sha);
        if (item.isEmpty()) {
            log.warn("Content {} requested by {} is not in the library", sha, ctx.ip());
            ctx.status(HttpStatus.NOT_FOUND).result("no content with SHA-256 " + sha);
            return;
        }
        long size = item.get().sizeBytes();
        ctx.header("Accept-Ranges", "bytes");
        ctx.header("Cache-Control", "public, max-age=31536000, immutable");
        ctx.contentType(item.get().format().equals("MP3") ? "audio/mpeg" : "audio/wav");
        ByteRange.Request request = ByteRange.of(ctx.header("Range"), size);
        ByteRange range;
        if (request instanceof ByteRange.Unsatisfiable) {
            ctx.header("Content-Range", "bytes */" + size);
            ctx.status(HttpStatus.RANGE_NOT_SATISFIABLE);
            return;
        } else if (request instanceof ByteRange.Part part) {
            range = part.range();
            ctx.status(HttpStatus.PARTIAL_CONTENT);
            ctx.header("Content-Range", "bytes " + range.first() + "-" + range.last() + "/" + size);
        } else {
            range = new ByteRange(0, size - 1);
            ctx.status(HttpStatus.OK);
        }
        ctx.header("Content-Length", Long.toString(range.length()));
        if (ctx.method() == HandlerType.HEAD || range.length() <= 0) {
            return;
        }
        try (FileChannel file = FileChannel.open(item.get().file());
             WritableByteChannel out = Channels.newChannel(ctx.outputStream())) {
            long sent = 0;
            while (sent < range.length()) {
                long n = file.transferTo(range.first() + sent, range.length() - sent, out);
                if (n <= 0) {
                    throw new IOException("library file " + item.get().file() + " is shorter than recorded");
                }
                sent += n;
            }
        }
    }
}
