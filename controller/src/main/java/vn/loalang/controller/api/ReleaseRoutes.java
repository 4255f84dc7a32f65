package vn.loalang.controller.api;

import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.javalin.http.util.MultipartUtil;
import jakarta.servlet.MultipartConfigElement;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.Part;
import vn.loalang.controller.update.AgentReleases;
import vn.loalang.controller.update.Rollouts;
import vn.loalang.controller.users.Role;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/**
 * Agent releases and their rollouts, for technicians (and administrators): upload a signed build,
 * roll it out to a station, a village or all, watch each station's progress, resume or abandon a
 * rollout that halted itself. Nothing here signs a build: the release key is not on this server.
 */
final class ReleaseRoutes {
    /** The release file that {@code loalang-controller release} writes is a few hundred bytes. */
    private static final long RELEASE_FILE_BYTES = 16 * 1024;

    /** What the console shows: the release keys this controller checks uploads with, and the releases kept. */
    record Releases(List<String> releaseKeys, String releaseKeysDir, List<AgentReleases.Stored> releases) {
    }

    /**
     * A rollout: {@code version} of an uploaded release (or the {@code release} itself, as an older client
     * sends it: matched to the upload by its SHA-256), to one {@code station}, one {@code village} or
     * {@code all}: exactly one of the three, never by omission.
     */
    record Rollout(String version, vn.loalang.protocol.station.Release release, String station, String village,
                   Boolean all) {
    }

    private ReleaseRoutes() {
    }

    static void mount(Router router, Rollouts rollouts) {
        Access access = router.access();
        Rights technicians = Rights.roles(Role.ADMIN, Role.TECHNICIAN);
        AgentReleases releases = rollouts.releases();
        router.add(HandlerType.GET, "/api/releases", technicians, ctx -> ctx.json(new Releases(
                List.copyOf(releases.keys().pems().keySet()), releases.keys().dir().toString(), releases.all())));
        router.add(HandlerType.POST, "/api/releases", technicians, ctx -> {
            String user = access.user(ctx).username();
            if (!ctx.isMultipartFormData()) {
                throw ApiError.invalid("jar", "send multipart/form-data with the fields jar (the agent jar) and release"
                        + " (the release-VERSION.json that 'loalang-controller release' wrote)");
            }
            Path received = receive(ctx, releases);
            byte[] releaseFile;
            try {
                releaseFile = releaseFile(ctx);
            } catch (IOException | RuntimeException e) {
                Files.deleteIfExists(received);
                throw e;
            }
            ctx.status(201).json(releases.upload(user, received, releaseFile));
        });
        router.add(HandlerType.POST, "/api/updates", technicians, ctx -> {
            Rollout req = Router.body(ctx, Rollout.class);
            ctx.status(201).json(start(rollouts, access.user(ctx).username(), req));
        });
        router.add(HandlerType.GET, "/api/updates", technicians, ctx -> ctx.json(rollouts.recent(50)));
        router.add(HandlerType.GET, "/api/updates/{id}", technicians, ctx -> ctx.json(rollouts.find(ctx.pathParam("id"))));
        router.add(HandlerType.POST, "/api/updates/{id}/resume", technicians,
                ctx -> ctx.json(rollouts.resume(access.user(ctx).username(), ctx.pathParam("id"))));
        router.add(HandlerType.POST, "/api/updates/{id}/abandon", technicians,
                ctx -> ctx.json(rollouts.abandon(access.user(ctx).username(), ctx.pathParam("id"))));
    }

    static Rollouts.View start(Rollouts rollouts, String user, Rollout req) {
        String version = version(rollouts, req);
        boolean all = Boolean.TRUE.equals(req.all());
        int named = (req.station() != null ? 1 : 0) + (req.village() != null ? 1 : 0) + (all ? 1 : 0);
        if (named != 1) {
            throw ApiError.invalid("village", "Chọn một trạm, một thôn hoặc tất cả / name one station, one village, or"
                    + " all: true (exactly one)");
        }
        return req.station() != null ? rollouts.start(user, version, Rollouts.Scope.STATION, req.station())
                : req.village() != null ? rollouts.start(user, version, Rollouts.Scope.VILLAGE, req.village())
                : rollouts.start(user, version, Rollouts.Scope.ALL, null);
    }

    /** The uploaded release the request names; a release object counts only as the upload with its SHA-256. */
    private static String version(Rollouts rollouts, Rollout req) {
        if (req.version() != null) {
            return req.version();
        }
        if (req.release() == null) {
            throw ApiError.invalid("release", "Thiếu bản phát hành / the release to roll out is missing: give version");
        }
        AgentReleases.Stored stored = rollouts.releases().bySha256(req.release().sha256()).orElseThrow(() ->
                new ApiError(409, "release", "Bản " + req.release().version() + " chưa được tải lên máy chủ / release "
                        + req.release().version() + " is not on this controller: upload the jar with its release file"
                        + " first (POST /api/releases); stations download only from the controller"));
        if (!stored.version().equals(req.release().version())) {
            throw ApiError.invalid("release", "the release names version " + req.release().version()
                    + " but its jar was uploaded as " + stored.version());
        }
        return stored.version();
    }

    /** The jar, streamed to the releases' incoming folder and cut off past {@link AgentReleases#MAX_JAR_BYTES}. */
    private static Path receive(Context ctx, AgentReleases releases) throws IOException {
        long cap = AgentReleases.MAX_JAR_BYTES;
        if (ctx.req().getContentLengthLong() > cap + UploadLimit.FORM_BYTES) {
            throw tooLarge(cap);
        }
        Path incoming = releases.incomingDir();
        ctx.req().setAttribute(MultipartUtil.MULTIPART_CONFIG_ATTRIBUTE, new MultipartConfigElement(
                incoming.toString(), cap, cap + UploadLimit.FORM_BYTES, 64 * 1024));
        Part jar;
        try {
            jar = ctx.req().getPart("jar");
        } catch (IOException | ServletException | RuntimeException e) {
            if (String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT).contains("exceeds max")) {
                throw tooLarge(cap);
            }
            throw ApiError.invalid("jar", "Biểu mẫu không đọc được / the form could not be read: " + e.getMessage());
        }
        if (jar == null || jar.getSize() == 0) {
            throw ApiError.invalid("jar", "Chưa chọn tệp jar / no jar: the field jar is missing");
        }
        try {
            if (jar.getSize() > cap) {
                throw tooLarge(cap);
            }
            Path received = incoming.resolve("release-" + UUID.randomUUID());
            try (InputStream in = jar.getInputStream()) {
                Files.copy(in, received);
            }
            return received;
        } finally {
            jar.delete();
        }
    }

    /** The release file, as a file part or a plain field of the same form. */
    private static byte[] releaseFile(Context ctx) throws IOException {
        Part part;
        try {
            part = ctx.req().getPart("release");
        } catch (ServletException e) {
            part = null;
        }
        if (part == null || part.getSize() == 0) {
            throw ApiError.invalid("release", "Thiếu tệp chữ ký / the release file is missing: the field release holds"
                    + " the release-VERSION.json that 'loalang-controller release' wrote");
        }
        if (part.getSize() > RELEASE_FILE_BYTES) {
            throw ApiError.invalid("release", "the release file is larger than a release file can be");
        }
        try (InputStream in = part.getInputStream()) {
            return in.readAllBytes();
        }
    }

    private static ApiError tooLarge(long cap) {
        return new ApiError(413, "jar", "Tệp quá lớn / an agent jar may be at most " + (cap >> 20) + " MB");
    }
}
