package vn.loalang.controller.api;

import io.javalin.http.HandlerType;
import vn.loalang.controller.alert.AlertService;
import vn.loalang.controller.alert.CapIntake;
import vn.loalang.controller.users.Role;
import vn.loalang.controller.users.User;

/**
 * CAP 1.2 alerts from a warning authority: posted as XML by its account (role CAP_SENDER, which
 * may do nothing else), decided at once, and waiting ones confirmed or dismissed by an operator.
 */
final class CapRoutes {
    private CapRoutes() {
    }

    static void mount(Router router, CapIntake cap) {
        Access access = router.access();
        router.add(HandlerType.POST, "/api/cap", Rights.roles(Role.CAP_SENDER), ctx -> {
            User user = access.user(ctx);
            try {
                ctx.status(201).json(rights(() -> cap.receive(user, ctx.bodyAsBytes())));
            } catch (CapIntake.NotTheSender e) {
                throw new ApiError(403, "references", e.getMessage());
            }
        });
        router.add(HandlerType.GET, "/api/cap", Rights.roles(Role.ADMIN, Role.OPERATOR, Role.TECHNICIAN), ctx -> {
            ctx.json(cap.recent(100));
        });
        router.add(HandlerType.POST, "/api/cap/{id}/confirm", Rights.roles(Role.ADMIN, Role.OPERATOR), ctx -> {
            User user = access.user(ctx);
            ctx.json(rights(() -> cap.confirm(user, id(ctx.pathParam("id")))));
        });
        router.add(HandlerType.POST, "/api/cap/{id}/dismiss", Rights.roles(Role.ADMIN, Role.OPERATOR), ctx -> {
            User user = access.user(ctx);
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
