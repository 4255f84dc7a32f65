package vn.loalang.controller.content;

import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.javalin.http.HttpStatus;

import java.io.IOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Path;

/**
 * One file answered with HTTP Range (RFC 9110 §14): the whole file (200), one range of it (206 with
 * {@code Content-Range}), or 416 for a range past its end; HEAD gets the headers only. The stations'
 * {@link ContentServer} and the public "Nghe lại" audio ({@code api.ListenRoutes}) both answer this way, so a
 * phone on a flaky link resumes as a station does.
 */
public final class RangedFile {
    private RangedFile() {
    }

    /**
     * What a request's {@code Range} header asks of a file of {@code size} bytes: its first byte, or -1 for
     * the whole file (no header, or one the RFC lets a server ignore), or {@code size} when it cannot be served.
     */
    public static long firstByte(String rangeHeader, long size) {
        ByteRange.Request request = ByteRange.of(rangeHeader, size);
        if (request instanceof ByteRange.Part part) {
            return part.range().first();
        }
        return request instanceof ByteRange.Unsatisfiable ? size : -1;
    }

    /** Answers {@code ctx} with {@code path} ({@code size} bytes long, of MIME {@code type}) or the range it asks. */
    public static void serve(Context ctx, Path path, long size, String type, String cacheControl) throws IOException {
        ctx.header("Accept-Ranges", "bytes");
        ctx.header("Cache-Control", cacheControl);
        ctx.contentType(type);
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
        try (FileChannel file = FileChannel.open(path);
             WritableByteChannel out = Channels.newChannel(ctx.outputStream())) {
            long sent = 0;
            while (sent < range.length()) {
                long n = file.transferTo(range.first() + sent, range.length() - sent, out);
                if (n <= 0) {
                    throw new IOException("file " + path + " is shorter than recorded");
                }
                sent += n;
            }
        }
    }
}
