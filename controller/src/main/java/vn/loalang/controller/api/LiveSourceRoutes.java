package vn.loalang.controller.api;

import io.javalin.http.HandlerType;
import vn.loalang.controller.live.LiveSource;
import vn.loalang.controller.live.LiveSources;
import vn.loalang.controller.users.Role;
import vn.loalang.protocol.schedule.EndRule;

/**
 * The commune's named live sources (VOV1, the province's station) that the program relays: listed and kept
 * by the operators, who write the program. A source's URL is checked here (http or https, with a host)
 * before anything fetches it.
 */
final class LiveSourceRoutes {
    private LiveSourceRoutes() {
    }

    /** The body of POST and PUT; on PUT the id is the path's. */
    record SourceRequest(String id, String name, String url, LiveSource.Kind kind, EndRule endRule,
                         Integer maxSilenceSeconds, Boolean enabled) {
        LiveSource toSource(String id) {
            try {
                return new LiveSource(id, name, url, kind, endRule, maxSilenceSeconds, enabled);
            } catch (IllegalArgumentException | NullPointerException e) {
                throw ApiError.invalid(e.getMessage() != null && e.getMessage().contains("url") ? "url" : null,
                        e.getMessage());
            }
        }
    }

    static void mount(Router router, LiveSources sources) {
        Access access = router.access();
        Rights operators = Rights.roles(Role.ADMIN, Role.OPERATOR);
        router.add(HandlerType.GET, "/api/live/sources", operators, ctx -> ctx.json(sources.all().values()));
        router.add(HandlerType.POST, "/api/live/sources", operators, ctx -> {
            SourceRequest r = Router.body(ctx, SourceRequest.class);
            ctx.status(201).json(sources.add(access.user(ctx).username(), r.toSource(r.id())));
        });
        router.add(HandlerType.PUT, "/api/live/sources/{id}", operators, ctx -> {
            SourceRequest r = Router.body(ctx, SourceRequest.class);
            ctx.json(sources.update(access.user(ctx).username(), ctx.pathParam("id"), r.toSource(ctx.pathParam("id"))));
        });
        router.add(HandlerType.DELETE, "/api/live/sources/{id}", operators, ctx -> {
            sources.remove(access.user(ctx).username(), ctx.pathParam("id"));
            ctx.status(204);
        });
    }
}
