package vn.loalang.controller.api;

import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import com.fasterxml.jackson.databind.node.ObjectNode;
import vn.loalang.controller.alert.AlertService;
import vn.loalang.controller.mirror.MirrorDeliveries;
import vn.loalang.controller.users.Role;
import vn.loalang.controller.users.User;
import vn.loalang.protocol.Json;

import java.util.List;

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
        mount(router, alerts, null);
    }

    /**
     * As above; with {@code mirror} (issue 19) an alert's status also lists its chat and SMS messages, joined here so
     * that {@code alert} never depends on {@code mirror}. A village head sees those of their own villages.
     */
    static void mount(Router router, AlertService alerts, MirrorDeliveries mirror) {
        AlertRoutes r = new AlertRoutes(alerts, router.access());
        router.add(HandlerType.POST, "/api/alerts", Rights.roles(Role.ADMIN, Role.OPERATOR, Role.VILLAGE_HEAD), r::trigger);
        router.add(HandlerType.GET, "/api/alerts", Rights.STAFF, ctx -> {
            ctx.json(alerts.recent(100));
        });
        router.add(HandlerType.GET, "/api/alerts/{id}", Rights.STAFF, ctx -> {
            AlertService.Status status = alerts.status(ctx.pathParam("id")).orElseThrow(() -> new ApiError(404, null,
                    "Không có cảnh báo / no alert with id " + ctx.pathParam("id")));
            if (mirror == null) {
                ctx.json(status);
                return;
            }
            // issue 19: the alert's chat and SMS messages beside its loudspeakers.
            User user = r.access.user(ctx);
            List<MirrorDeliveries.AlertMirror> sent = mirror.forAlert(status.id()).stream()
                    .filter(m -> user.role() != Role.VILLAGE_HEAD || user.villages().contains(m.village())).toList();
            ObjectNode body = Json.mapper().valueToTree(status);
            body.set("mirror", Json.mapper().valueToTree(sent));
            ctx.json(body);
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
