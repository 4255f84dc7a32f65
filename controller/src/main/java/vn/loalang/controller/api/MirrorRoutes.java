package vn.loalang.controller.api;

import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import vn.loalang.controller.mirror.MirrorDeliveries;
import vn.loalang.controller.mirror.MirrorSettings;
import vn.loalang.controller.users.Role;

import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The chat and SMS mirror's settings and its delivery log (issue 19): channels (administrators; secrets
 * write-only), each village's targets and phone numbers (operators too), a test message, the log and a retry.
 * Technicians see the channels and the log, never a phone list. Sending is the mirror's sender's, not here.
 */
final class MirrorRoutes {
    private MirrorRoutes() {
    }

    /** PUT /api/channels/{id}/secret: the secrets by name; a blank value removes one. */
    record SecretRequest(Map<String, String> secrets) {
    }

    /** POST /api/channels/{id}/test: the target the test goes to. */
    record TestRequest(String target) {
    }

    /** PUT /api/villages/{id}/mirror. */
    record TargetsRequest(List<MirrorSettings.TargetInput> targets) {
    }

    static void mount(Router router, MirrorSettings settings, MirrorDeliveries deliveries, Supplier<String> communeName) {
        Access access = router.access();
        Rights admins = Rights.roles(Role.ADMIN);
        Rights operators = Rights.roles(Role.ADMIN, Role.OPERATOR);
        Rights watchers = Rights.roles(Role.ADMIN, Role.OPERATOR, Role.TECHNICIAN);

        router.add(HandlerType.GET, "/api/channels", watchers, ctx -> ctx.json(settings.channels()));
        router.add(HandlerType.POST, "/api/channels", admins, ctx -> ctx.status(201).json(
                settings.addChannel(access.user(ctx).username(), Router.body(ctx, MirrorSettings.ChannelInput.class))));
        router.add(HandlerType.PUT, "/api/channels/{id}", admins, ctx -> ctx.json(settings.updateChannel(
                access.user(ctx).username(), ctx.pathParam("id"), Router.body(ctx, MirrorSettings.ChannelInput.class))));
        router.add(HandlerType.DELETE, "/api/channels/{id}", admins, ctx -> {
            settings.removeChannel(access.user(ctx).username(), ctx.pathParam("id"));
            ctx.status(204);
        });
        router.add(HandlerType.PUT, "/api/channels/{id}/secret", admins, ctx -> ctx.json(settings.setSecrets(
                access.user(ctx).username(), ctx.pathParam("id"), Router.body(ctx, SecretRequest.class).secrets())));
        router.add(HandlerType.POST, "/api/channels/{id}/test", operators, ctx -> ctx.status(201).json(
                deliveries.sendTest(access.user(ctx).username(), ctx.pathParam("id"),
                        Router.body(ctx, TestRequest.class).target(), communeName.get())));

        router.add(HandlerType.GET, "/api/villages/{id}/mirror", operators,
                ctx -> ctx.json(settings.village(ctx.pathParam("id"))));
        router.add(HandlerType.PUT, "/api/villages/{id}/mirror", operators, ctx -> ctx.json(settings.replaceTargets(
                access.user(ctx).username(), ctx.pathParam("id"), Router.body(ctx, TargetsRequest.class).targets())));
        router.add(HandlerType.POST, "/api/villages/{id}/mirror/phones", operators, ctx -> ctx.status(201).json(
                settings.addPhone(access.user(ctx).username(), ctx.pathParam("id"),
                        Router.body(ctx, MirrorSettings.PhoneInput.class))));
        router.add(HandlerType.DELETE, "/api/villages/{id}/mirror/phones/{targetId}", operators, ctx -> {
            settings.removePhone(access.user(ctx).username(), ctx.pathParam("id"), ctx.pathParam("targetId"));
            ctx.status(204);
        });

        router.add(HandlerType.GET, "/api/mirror/deliveries", watchers, ctx -> ctx.json(deliveries.find(
                new MirrorDeliveries.Filter(param(ctx, "alert"), param(ctx, "village"), param(ctx, "channel"),
                        param(ctx, "state"), limit(ctx)))));
        router.add(HandlerType.POST, "/api/mirror/deliveries/{id}/retry", operators, ctx -> ctx.json(
                deliveries.retry(access.user(ctx).username(), id(ctx.pathParam("id")))));
    }

    private static String param(Context ctx, String name) {
        String v = ctx.queryParam(name);
        return v == null || v.isBlank() ? null : v.strip();
    }

    private static Integer limit(Context ctx) {
        String v = param(ctx, "limit");
        try {
            return v == null ? null : Integer.valueOf(v);
        } catch (NumberFormatException e) {
            throw ApiError.invalid("limit", "limit là một số / limit is a number");
        }
    }

    private static long id(String value) {
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new ApiError(404, "id", "Không có tin / no delivery " + value);
        }
    }
}
