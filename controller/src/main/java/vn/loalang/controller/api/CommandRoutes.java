package vn.loalang.controller.api;

import io.javalin.http.HandlerType;
import vn.loalang.controller.health.StationCommands;
import vn.loalang.controller.users.Role;
import vn.loalang.controller.users.User;

/** A technician's commands to a station: test tone, relay test, resync, restart; and their answers. */
final class CommandRoutes {
    record Request(String action, Integer seconds) {
    }

    private CommandRoutes() {
    }

    static void mount(Router router, StationCommands commands) {
        Access access = router.access();
        router.add(HandlerType.POST, "/api/stations/{id}/commands", ctx -> {
            User user = access.requireRole(ctx, Role.ADMIN, Role.TECHNICIAN);
            Request req = Router.body(ctx, Request.class);
            ctx.status(201).json(commands.send(user, ctx.pathParam("id"), req.action(), req.seconds()));
        });
        router.add(HandlerType.GET, "/api/stations/{id}/commands", ctx -> {
            access.requireRole(ctx, Role.ADMIN, Role.TECHNICIAN, Role.OPERATOR);
            ctx.json(commands.recent(ctx.pathParam("id"), 50));
        });
    }
}
