package vn.loalang.controller.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import vn.loalang.controller.report.AlertReach;
import vn.loalang.controller.report.PlayReports;
import vn.loalang.controller.report.Reach;
import vn.loalang.controller.report.ReachReports;
import vn.loalang.controller.report.ReportSummary;
import vn.loalang.controller.report.SessionReport;
import vn.loalang.controller.users.Role;
import vn.loalang.protocol.Json;

import java.time.Clock;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * The reports commune leaders read and send upwards: per village session, what was planned against what was
 * played and how far it reached (loudspeakers, listens, feeds, chat and SMS: decision 0044); per alert, the same.
 * JSON or CSV, for a day, a month or up to a year.
 */
final class ReportRoutes {
    private ReportRoutes() {
    }

    /** A village session's row: the play report's fields, and its reach. */
    record ReportView(ReportSummary summary, List<ObjectNode> sessions, Reach reachTotal) {
    }

    record AlertsView(LocalDate from, LocalDate to, List<AlertReach> alerts) {
    }

    /** A period asked for: {@code ?day=}, {@code ?month=} or {@code ?from=&to=}. */
    private record Period(LocalDate from, LocalDate to) {
    }

    static void mount(Router router, PlayReports plays, ReachReports reach, Clock clock) {
        Rights readers = Rights.roles(Role.ADMIN, Role.OPERATOR, Role.TECHNICIAN);
        router.add(HandlerType.GET, "/api/reports", readers, ctx -> sessions(ctx, plays, reach, clock));
        router.add(HandlerType.GET, "/api/reports/alerts", readers, ctx -> alerts(ctx, reach));
    }

    /** {@code ?day=2026-11-24}, {@code ?month=2026-11} or {@code ?from=…&to=…}; {@code format=csv} for a spreadsheet. */
    private static void sessions(Context ctx, PlayReports plays, ReachReports reaches, Clock clock) {
        Period p = period(ctx);
        List<SessionReport> rows = plays.between(p.from(), p.to(), clock.instant());
        List<Reach> reach = reaches.of(rows);
        if (csv(ctx)) {
            ctx.contentType("text/csv; charset=utf-8")
                    .header("Content-Disposition", "attachment; filename=\"bao-cao-" + p.from() + "_" + p.to() + ".csv\"")
                    .result(ReachReports.csv(rows, reach));
            return;
        }
        List<ObjectNode> sessions = new ArrayList<>(rows.size());
        for (int i = 0; i < rows.size(); i++) {
            ObjectNode row = Json.mapper().valueToTree(rows.get(i));
            row.set("reach", Json.mapper().valueToTree(reach.get(i)));
            sessions.add(row);
        }
        ctx.json(new ReportView(PlayReports.summarise(p.from(), p.to(), rows), sessions,
                ReachReports.total(rows, reach)));
    }

    private static void alerts(Context ctx, ReachReports reach) {
        Period p = period(ctx);
        List<AlertReach> alerts = reach.alerts(p.from(), p.to());
        if (csv(ctx)) {
            ctx.contentType("text/csv; charset=utf-8")
                    .header("Content-Disposition", "attachment; filename=\"canh-bao-" + p.from() + "_" + p.to() + ".csv\"")
                    .result(reach.alertsCsv(alerts));
        } else {
            ctx.json(new AlertsView(p.from(), p.to(), alerts));
        }
    }

    private static boolean csv(Context ctx) {
        String format = ctx.queryParam("format");
        if (format == null || format.equals("json")) {
            return false;
        }
        if (format.equals("csv")) {
            return true;
        }
        throw ApiError.invalid("format", "format must be json or csv");
    }

    private static Period period(Context ctx) {
        String day = ctx.queryParam("day");
        String month = ctx.queryParam("month");
        if (day != null) {
            LocalDate d = date("day", day);
            return new Period(d, d);
        }
        if (month != null) {
            try {
                YearMonth m = YearMonth.parse(month);
                return new Period(m.atDay(1), m.atEndOfMonth());
            } catch (DateTimeParseException e) {
                throw ApiError.invalid("month", "month must look like 2026-11, not " + month);
            }
        }
        LocalDate from = date("from", ctx.queryParam("from"));
        LocalDate to = date("to", ctx.queryParam("to"));
        if (to.isBefore(from)) {
            throw ApiError.invalid("to", "to (" + to + ") is before from (" + from + ")");
        }
        if (from.plusDays(366).isBefore(to)) {
            throw ApiError.invalid("to", "a report covers at most a year");
        }
        return new Period(from, to);
    }

    private static LocalDate date(String field, String value) {
        if (value == null) {
            throw ApiError.invalid(field, field + " is required (a date like 2026-11-24), or give day= or month=");
        }
        try {
            return LocalDate.parse(value);
        } catch (DateTimeParseException e) {
            throw ApiError.invalid(field, field + " must be a date like 2026-11-24, not " + value);
        }
    }
}
