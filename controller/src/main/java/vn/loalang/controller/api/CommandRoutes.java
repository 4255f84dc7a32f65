package vn.loalang.controller.api;

import io.javalin.http.HandlerType;
import vn.loalang.controller.health.StationCommands;
import vn.loalang.controller.health.TelemetryHistory;
import vn.loalang.controller.users.Role;
import vn.loalang.controller.users.User;

/** A technician's view of one station: its commands and their answers, its telemetry history, its days. */
final class CommandRoutes {
    /** @param release for UPDATE only: the signed release to install */
    record Request(String action, Integer seconds, vn.loalang.protocol.station.Release release) {
    }

    private CommandRoutes() {
    }

    private static java.time.Instant instant(String value, String field, java.time.Instant fallback) {
        try {
            return value == null ? fallback : java.time.Instant.parse(value);
        } catch (java.time.format.DateTimeParseException e) {
            throw ApiError.invalid(field, field + " must be an instant like 2026-11-24T05:30:00Z, not " + value);
        }
    }

    private static java.time.LocalDate date(String value, String field, java.time.LocalDate fallback) {
        try {
            return value == null ? fallback : java.time.LocalDate.parse(value);
        } catch (java.time.format.DateTimeParseException e) {
            throw ApiError.invalid(field, field + " must be a date like 2026-11-24, not " + value);
        }
    }

    /** @param clock the controller's: "the last day" is reckoned by it, as the history is stamped by it */
    /** @param rollouts where an UPDATE goes: a rollout to this one station (update.Rollouts), never a bare command */
    static void mount(Router router, StationCommands commands, vn.loalang.controller.update.Rollouts rollouts,
                      TelemetryHistory history, java.time.ZoneId zone, java.time.Clock clock) {
        Access access = router.access();
        router.add(HandlerType.GET, "/api/stations/{id}/telemetry", Rights.roles(Role.ADMIN, Role.TECHNICIAN, Role.OPERATOR), ctx -> {
            java.time.Instant to = instant(ctx.queryParam("to"), "to", clock.instant());
            java.time.Instant from = instant(ctx.queryParam("from"), "from", to.minus(java.time.Duration.ofDays(1)));
            var points = history.series(ctx.pathParam("id"), from, to);
            if ("csv".equals(ctx.queryParam("format"))) {
                ctx.contentType("text/csv; charset=utf-8").result(TelemetryHistory.csv(points));
            } else {
                ctx.json(points);
            }
        });
        router.add(HandlerType.GET, "/api/stations/{id}/daily", Rights.roles(Role.ADMIN, Role.TECHNICIAN, Role.OPERATOR), ctx -> {
            java.time.LocalDate to = date(ctx.queryParam("to"), "to", java.time.LocalDate.ofInstant(clock.instant(), zone));
            java.time.LocalDate from = date(ctx.queryParam("from"), "from", to.minusDays(6));
            if (from.plusDays(366).isBefore(to)) {
                throw ApiError.invalid("to", "at most a year at once");
            }
            ctx.json(history.daily(ctx.pathParam("id"), from, to, zone));
        });
        router.add(HandlerType.POST, "/api/stations/{id}/commands", Rights.roles(Role.ADMIN, Role.TECHNICIAN), ctx -> {
            User user = access.user(ctx);
            Request req = Router.body(ctx, Request.class);
            if ("UPDATE".equalsIgnoreCase(req.action())) {
                if (rollouts == null) {
                    throw new vn.loalang.controller.change.ChangeException(
                            vn.loalang.controller.change.ChangeException.Kind.UNAVAILABLE, "action",
                            "this controller keeps no agent releases");
                }
                // One station is a rollout's first stage: kept, watched and halted like any other.
                ctx.status(201).json(ReleaseRoutes.start(rollouts, user.username(),
                        new ReleaseRoutes.Rollout(null, req.release(), ctx.pathParam("id"), null, null)));
                return;
            }
            ctx.status(201).json(commands.send(user, ctx.pathParam("id"), req.action(), req.seconds(), req.release()));
        });
        router.add(HandlerType.GET, "/api/stations/{id}/commands", Rights.roles(Role.ADMIN, Role.TECHNICIAN, Role.OPERATOR), ctx -> {
            ctx.json(commands.recent(ctx.pathParam("id"), 50));
        });
    }
}
