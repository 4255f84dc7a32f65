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

    /** A rollout: to the stations of {@code village}, or to all of them when {@code all} (never by omission). */
    record Rollout(vn.loalang.protocol.station.Release release, String village, Boolean all) {
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
    static void mount(Router router, StationCommands commands, TelemetryHistory history, java.time.ZoneId zone,
                      java.time.Clock clock) {
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
            ctx.status(201).json(commands.send(user, ctx.pathParam("id"), req.action(), req.seconds(), req.release()));
        });
        router.add(HandlerType.POST, "/api/updates", Rights.roles(Role.ADMIN, Role.TECHNICIAN), ctx -> {
            User user = access.user(ctx);
            Rollout req = Router.body(ctx, Rollout.class);
            if (req.release() == null) {
                throw ApiError.invalid("release", "Thiếu bản phát hành / the release to roll out is missing");
            }
            boolean all = Boolean.TRUE.equals(req.all());
            if ((req.village() == null) == !all) {
                throw ApiError.invalid("village", "Chọn một thôn hoặc tất cả / name one village, or all: true (not both)");
            }
            ctx.status(201).json(commands.rollOut(user, all ? null : req.village(), req.release()));
        });
        router.add(HandlerType.GET, "/api/stations/{id}/commands", Rights.roles(Role.ADMIN, Role.TECHNICIAN, Role.OPERATOR), ctx -> {
            ctx.json(commands.recent(ctx.pathParam("id"), 50));
        });
    }
}
