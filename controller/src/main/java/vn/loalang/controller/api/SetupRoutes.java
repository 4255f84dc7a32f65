package vn.loalang.controller.api;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import vn.loalang.controller.directory.Commune;
import vn.loalang.controller.directory.CommuneDraft;
import vn.loalang.controller.users.Role;
import vn.loalang.controller.users.Sessions;
import vn.loalang.controller.users.UserDirectory;
import vn.loalang.protocol.Json;

import java.io.IOException;
import java.time.Clock;
import java.util.function.BooleanSupplier;

/**
 * {@code /api/setup}: the first start without a commune file. On the setup server (no commune yet) an
 * administrator posts the commune the console's wizard gathered; the running controller answers the same
 * routes (nothing to set up, a second setup refused) so that the console asks one question at every start.
 */
public final class SetupRoutes {
    /** What the setup server does with an administrator's draft. */
    public interface Importer {
        /** Checks the draft and writes the commune; a refusal names the field at fault. */
        Commune importDraft(String actor, CommuneDraft draft);

        /** Once the answer has left: the setup server may close and the controller start. */
        void answered(Commune commune);
    }

    /**
     * @param needed   true while the commune is still to be set up (the console then leads the administrator there)
     * @param starting true on the setup server once the commune is written, until the controller takes its place
     */
    record SetupState(boolean needed, boolean starting) {
    }

    /** The answer to a setup: what was set up; the controller starts with it next. */
    record SetupDone(String communeId, String name, String timeZone, int villages) {
    }

    private SetupRoutes() {
    }

    /** The running controller's {@code /api/setup}: nothing is needed, and a second setup is a conflict. */
    static void mountDone(Router router) {
        router.add(HandlerType.GET, "/api/setup", Rights.PUBLIC, ctx -> ctx.json(new SetupState(false, false)));
        router.add(HandlerType.POST, "/api/setup", Rights.roles(Role.ADMIN), ctx -> {
            throw new ApiError(409, null, "Xã đã được thiết lập; sửa trong trang Quản trị / the commune is set up"
                    + " already; change it in the Administration page (PUT /api/commune)");
        });
    }

    /**
     * The setup server's whole API on {@code app}: one's own account (log in, change the printed password)
     * and the setup itself.
     *
     * @param needed whether the commune is still to be set up (false once {@code importer} succeeded)
     */
    public static void mountSetupServer(Javalin app, Sessions sessions, UserDirectory users, Clock clock,
                                        BooleanSupplier needed, Importer importer) {
        Router router = new Router(app, new Access(sessions));
        ApiRoutes.answerErrors(app);
        AccountRoutes.mount(router, sessions, users, clock, () -> { });
        router.add(HandlerType.GET, "/api/setup", Rights.PUBLIC, ctx -> {
            boolean stillNeeded = needed.getAsBoolean();
            ctx.json(new SetupState(stillNeeded, !stillNeeded));
        });
        // Administrators only, and not before the printed password is changed (the router's gate).
        router.add(HandlerType.POST, "/api/setup", Rights.roles(Role.ADMIN), ctx -> {
            CommuneDraft draft = Router.body(ctx, CommuneDraft.class);
            Commune commune = importer.importDraft(router.access().user(ctx).username(), draft);
            answerNow(ctx, new SetupDone(commune.commune().id(), commune.commune().name(),
                    commune.commune().timeZone(), commune.villages().size()));
            importer.answered(commune);
        });
    }

    /**
     * Writes the 202 to the socket before the handler returns: the setup server closes as soon as the
     * commune is written, and the browser must hold the answer by then.
     */
    private static void answerNow(Context ctx, Object body) throws IOException {
        byte[] bytes = Json.mapper().writeValueAsBytes(body);
        ctx.res().setStatus(202);
        ctx.res().setContentType("application/json");
        ctx.res().setContentLength(bytes.length);
        ctx.res().getOutputStream().write(bytes);
        ctx.res().flushBuffer();
    }
}
