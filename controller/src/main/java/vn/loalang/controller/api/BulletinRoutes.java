package vn.loalang.controller.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import vn.loalang.controller.bulletin.BulletinSettings;
import vn.loalang.controller.bulletin.PriceBulletins;
import vn.loalang.controller.bulletin.PriceTableCsv;
import vn.loalang.controller.users.Role;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalTime;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/**
 * The market-prices bulletin (issue 19): its settings, the officer's price table (a CSV or JSON body), the preview
 * (the text, its reading, and the spoken WAV) and "publish now". Operators and the administrator; every change is
 * audited by {@link PriceBulletins}.
 */
final class BulletinRoutes {
    /** The settings, the newest table kept, and what the operator should know (a stale table, a failed feed). */
    record BulletinView(BulletinSettings settings, PriceBulletins.StoredTable table, String warning) {
    }

    private BulletinRoutes() {
    }

    static void mount(Router router, PriceBulletins bulletins) {
        if (bulletins == null) {
            return;
        }
        Access access = router.access();
        Rights officers = Rights.roles(Role.ADMIN, Role.OPERATOR);
        router.add(HandlerType.GET, "/api/bulletins/prices", officers, ctx -> ctx.json(view(bulletins)));
        router.add(HandlerType.PUT, "/api/bulletins/prices", officers, ctx -> {
            BulletinSettings settings = settings(Router.tree(ctx));
            bulletins.configure(access.user(ctx).username(), settings);
            ctx.json(view(bulletins));
        });
        router.add(HandlerType.PUT, "/api/bulletins/prices/table", officers, ctx -> {
            byte[] body = body(ctx);
            String type = String.valueOf(ctx.contentType()).toLowerCase(Locale.ROOT);
            String actor = access.user(ctx).username();
            ctx.json(type.startsWith("application/json") ? bulletins.putJson(actor, body) : bulletins.putCsv(actor, body));
        });
        router.add(HandlerType.POST, "/api/bulletins/prices/preview", officers, ctx -> ctx.json(bulletins.preview()));
        router.add(HandlerType.GET, "/api/bulletins/prices/preview.wav", officers, ctx -> {
            Path wav = bulletins.previewWav();
            try {
                // At most a few minutes of 22 kHz mono: sent whole, so the file is gone before the answer leaves.
                byte[] bytes = Files.readAllBytes(wav);
                ctx.contentType("audio/wav").header("Cache-Control", "no-store").result(bytes);
            } finally {
                Files.deleteIfExists(wav);
            }
        });
        router.add(HandlerType.POST, "/api/bulletins/prices/publish", officers,
                ctx -> ctx.json(bulletins.publish(access.user(ctx).username())));
    }

    private static BulletinView view(PriceBulletins bulletins) {
        return new BulletinView(bulletins.settings(), bulletins.table().orElse(null), bulletins.warning());
    }

    /** The table's bytes, refused unread when the request says it is bigger than a table may be. */
    private static byte[] body(Context ctx) throws IOException {
        long declared = ctx.req().getContentLengthLong();
        if (declared > PriceTableCsv.MAX_BYTES) {
            throw new ApiError(413, "table", "Bảng giá quá lớn (tối đa " + PriceTableCsv.MAX_BYTES / 1024
                    + " KB) / the price table is too large (at most " + PriceTableCsv.MAX_BYTES / 1024 + " KB)");
        }
        byte[] body = ctx.bodyInputStream().readNBytes(PriceTableCsv.MAX_BYTES + 1);
        if (body.length == 0) {
            throw ApiError.invalid("table", "Chưa có tệp bảng giá / no price table in the request");
        }
        return body;
    }

    private static BulletinSettings settings(JsonNode body) {
        String at = Router.text(body, "prepareAt");
        LocalTime prepareAt;
        try {
            prepareAt = at == null ? null : LocalTime.parse(at);
        } catch (DateTimeParseException e) {
            throw ApiError.invalid("prepareAt", "Giờ soạn bản tin viết như 04:30 / prepareAt is a time such as 04:30");
        }
        try {
            return new BulletinSettings(Router.text(body, "source"), Router.text(body, "feedUrl"), prepareAt,
                    Router.text(body, "market"), Router.text(body, "dialect"));
        } catch (IllegalArgumentException e) {
            throw ApiError.invalid(null, e.getMessage());
        }
    }
}
