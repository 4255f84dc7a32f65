package vn.loalang.controller.api;

import io.javalin.http.Context;
import io.javalin.http.util.MultipartUtil;
import jakarta.servlet.MultipartConfigElement;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.Part;
import vn.loalang.controller.content.LibraryCatalog;
import vn.loalang.controller.content.StorageLimits;
import vn.loalang.protocol.files.DiskSpace;

import java.io.IOException;
import java.util.Locale;

/**
 * Receives an upload's file within the uploader's limit: streamed by Jetty to a temporary file in the
 * library's incoming folder (never held whole in memory) and cut off as soon as it passes the limit.
 * A request that announces more than the limit, more than the quota leaves or more than the disk
 * has, is refused before a byte of it is read.
 */
final class UploadLimit {
    /** The form's other fields and the multipart boundaries. */
    static final long FORM_BYTES = 64 * 1024;
    /** A part up to this size stays in memory; a larger one is streamed to the incoming folder. */
    private static final int IN_MEMORY_BYTES = 64 * 1024;

    private UploadLimit() {
    }

    /** The part named {@code file}; a 413 past the limit, a 507 when the quota or the disk has no room, a 400 otherwise. */
    static Part receive(Context ctx, LibraryCatalog catalog, boolean villageHeadClip) {
        StorageLimits limits = catalog.limits();
        long cap = villageHeadClip ? limits.clipBytes() : limits.uploadBytes();
        long declared = ctx.req().getContentLengthLong();
        if (declared > cap + FORM_BYTES) {
            throw tooLarge(cap, villageHeadClip);
        }
        if (declared > FORM_BYTES) {
            // At least this much is file: refused now if the quota or the disk has not that much room.
            catalog.requireRoom(declared - FORM_BYTES);
        }
        // Read by Javalin (and so by Jetty) when the form is parsed: this request's own limit, not the server's.
        ctx.req().setAttribute(MultipartUtil.MULTIPART_CONFIG_ATTRIBUTE, new MultipartConfigElement(
                catalog.incomingDir().toString(), cap, cap + FORM_BYTES, IN_MEMORY_BYTES));
        Part part;
        try {
            part = ctx.req().getPart("file");
        } catch (IOException | ServletException | RuntimeException e) {
            if (DiskSpace.isFull(e)) {
                throw catalog.diskFull("the upload could not be received (" + e.getMessage() + ")", e);
            }
            String message = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
            if (message.contains("exceeds max")) {
                throw tooLarge(cap, villageHeadClip);
            }
            throw ApiError.invalid("file", "Biểu mẫu không đọc được / the form could not be read: " + e.getMessage());
        }
        if (part == null || part.getSubmittedFileName() == null) {
            throw ApiError.invalid("file", "Chưa chọn tệp / no file: the field file is missing");
        }
        if (part.getSize() > cap) {
            // Jetty stops a form at the whole request's limit (cap + FORM_BYTES); the file's own limit is checked here.
            deleteQuietly(part);
            throw tooLarge(cap, villageHeadClip);
        }
        return part;
    }

    private static void deleteQuietly(Part part) {
        try {
            part.delete();
        } catch (IOException e) {
            // Jetty deletes what is left of the request's parts when the request ends.
        }
    }

    private static ApiError tooLarge(long cap, boolean villageHeadClip) {
        String mb = StorageLimits.megabytes(cap);
        return new ApiError(413, "file", villageHeadClip
                ? "Tệp quá lớn / a village head's clip may be at most " + mb + ": record a shorter message, or ask the"
                + " commune's operator to upload it"
                : "Tệp quá lớn / the file is larger than " + mb + ": cut it into shorter bulletins");
    }
}
