package vn.loalang.controller.api;

import io.javalin.http.HandlerType;
import vn.loalang.controller.alert.AlertService;
import vn.loalang.controller.alert.CapIntake;
import vn.loalang.controller.users.Role;
import vn.loalang.controller.users.User;

/**
 * CAP 1.2 alerts from a warning authority: posted as XML by its account (an operator account made
 * for the feed), decided at once, and waiting ones confirmed or dismissed by an operator.
 */
final class CapRoutes {
    private CapRoutes() {
    }

    static void mount(Router router, CapIntake cap) {
        Access access = router.access();
        router.add(HandlerType.POST, "/api/cap", ctx -> {
            User user = access.requireRole(ctx, Role.ADMIN, Role.OPERATOR);
            ctx.status(201).json(rights(() -> cap.receive(user, ctx.bodyAsBytes())));
        });
        router.add(HandlerType.GET, "/api/cap", ctx -> {
            access.requireRole(ctx, Role.ADMIN, Role.OPERATOR, Role.TECHNICIAN);
            ctx.json(cap.recent(100));
        });
        router.add(HandlerType.POST, "/api/cap/{id}/confirm", ctx -> {
            User user = access.requireRole(ctx, Role.ADMIN, Role.OPERATOR);
            ctx.json(rights(() -> cap.confirm(user, id(ctx.pathParam("id")))));
        });
        router.add(HandlerType.POST, "/api/cap/{id}/dismiss", ctx -> {
            User user = access.requireRole(ctx, Role.ADMIN, Role.OPERATOR);
            ctx.json(cap.dismiss(user, id(ctx.pathParam("id"))));
        });
    }

    private static long id(String value) {
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new ApiError(404, null, "Không có cảnh báo CAP / no CAP message " + value);
        }
    }

    private static <T> T rights(java.util.function.Supplier<T> work) {
        try {
            return work.get();
        } catch (AlertService.RightsException e) {
            throw new ApiError(403, "villages", e.getMessage());
        }
    }
}
