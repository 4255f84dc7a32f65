package vn.loalang.controller.api;

import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import vn.loalang.controller.alert.AlertService;
import vn.loalang.controller.users.Role;
import vn.loalang.controller.users.User;

/**
 * Emergency announcements: a village head for their own villages, an operator or administrator
 * for any village or the whole commune ({@code "villages": ["*"]}). Everyone logged in may watch
 * an alert's progress on each loudspeaker.
 */
final class AlertRoutes {
    private final AlertService alerts;
    private final Access access;

    private AlertRoutes(AlertService alerts, Access access) {
        this.alerts = alerts;
        this.access = access;
    }

    static void mount(Router router, AlertService alerts) {
        AlertRoutes r = new AlertRoutes(alerts, router.access());
        router.add(HandlerType.POST, "/api/alerts", Rights.roles(Role.ADMIN, Role.OPERATOR, Role.VILLAGE_HEAD), r::trigger);
        router.add(HandlerType.GET, "/api/alerts", Rights.STAFF, ctx -> {
            ctx.json(alerts.recent(100));
        });
        router.add(HandlerType.GET, "/api/alerts/{id}", Rights.STAFF, ctx -> {
            ctx.json(alerts.status(ctx.pathParam("id")).orElseThrow(() -> new ApiError(404, null,
                    "Không có cảnh báo / no alert with id " + ctx.pathParam("id"))));
        });
        router.add(HandlerType.POST, "/api/alerts/{id}/cancel", Rights.roles(Role.ADMIN, Role.OPERATOR, Role.VILLAGE_HEAD), ctx -> {
            User user = r.access.user(ctx);
            ctx.json(rights(() -> alerts.cancel(user, ctx.pathParam("id"))));
        });
    }

    private void trigger(Context ctx) {
        User user = access.user(ctx);
        AlertService.Request req = Router.body(ctx, AlertService.Request.class);
        ctx.status(201).json(rights(() -> alerts.trigger(user, req)));
    }

    private static <T> T rights(java.util.function.Supplier<T> work) {
        try {
            return work.get();
        } catch (AlertService.RightsException e) {
            throw new ApiError(403, "villages", e.getMessage());
        }
    }
}
