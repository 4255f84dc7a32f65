package vn.loalang.controller.api;

import vn.loalang.protocol.LogText;

import vn.loalang.controller.broker.BrokerAccounts;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.HandlerType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import vn.loalang.controller.change.ChangeException;
import vn.loalang.controller.alert.AlertService;
import vn.loalang.controller.alert.CapIntake;
import vn.loalang.controller.health.HealthMonitor;
import vn.loalang.controller.health.Incidents;
import vn.loalang.controller.health.StationCommands;
import vn.loalang.controller.health.TelemetryHistory;
import vn.loalang.controller.audit.AuditLog;
import vn.loalang.controller.content.LibraryCatalog;
import vn.loalang.controller.directory.Directory;
import vn.loalang.controller.store.Store;
import vn.loalang.controller.report.PlayReports;
import vn.loalang.controller.report.ReachReports;
import vn.loalang.controller.station.SqliteEventLog;
import vn.loalang.controller.users.PasswordHasher;
import vn.loalang.controller.users.Role;
import vn.loalang.controller.users.Sessions;
import vn.loalang.controller.users.User;
import vn.loalang.controller.users.UserDirectory;

import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The HTTP API under {@code /api}, JSON in and out, documented by {@code api/openapi.json}
 * (served at {@code /api/openapi.json}). Messages an operator may see are Vietnamese first with
 * English after a slash; some validation messages are English only for now.
 */
public final class ApiRoutes {
    private static final Logger log = LoggerFactory.getLogger(ApiRoutes.class);
    static final String OPENAPI_RESOURCE = "/api/openapi.json";
    private static final int MAX_EVENTS = 1000;

    /** What the API reads from and changes; each a feature of the controller. */
    /**
     * What a new station's bundle needs from the controller: its broker account (null: this controller
     * keeps none), the topic root, the key it will trust, and the commune's release keys (key id → public
     * PEM, read at each enrolment) whose agent builds it will install.
     */
    public record Enrolment(BrokerAccounts accounts, String topicRoot, String signingKeyId, String signingPublicKeyPem,
                            java.util.function.Supplier<Map<String, String>> releaseKeys) {
        public Enrolment {
            releaseKeys = releaseKeys == null ? Map::of : releaseKeys;
        }

        public Enrolment(BrokerAccounts accounts, String topicRoot, String signingKeyId, String signingPublicKeyPem) {
            this(accounts, topicRoot, signingKeyId, signingPublicKeyPem, null);
        }
    }

    public record Sources(Sessions sessions, UserDirectory users, Directory directory, LibraryCatalog library,
                          StationStatus stations, SqliteEventLog events, PlayReports reports, ScheduleView schedules,
                          AlertService alerts, CapIntake cap, HealthMonitor health,
                          java.util.function.Supplier<List<Incidents.Incident>> incidents, StationCommands commands,
                          TelemetryHistory history, Store store, Clock clock, Enrolment enrolment,
                          vn.loalang.controller.update.Rollouts rollouts,
                          vn.loalang.controller.live.LiveSources liveSources,
                          // issue 19: the mirror's settings and delivery log; null: their routes are not mounted
                          vn.loalang.controller.mirror.MirrorSettings mirrorSettings,
                          vn.loalang.controller.mirror.MirrorDeliveries mirrorDeliveries) {
        // issue 19: without the mirror, as before it.
        public Sources(Sessions sessions, UserDirectory users, Directory directory, LibraryCatalog library,
                       StationStatus stations, SqliteEventLog events, PlayReports reports, ScheduleView schedules,
                       AlertService alerts, CapIntake cap, HealthMonitor health,
                       java.util.function.Supplier<List<Incidents.Incident>> incidents, StationCommands commands,
                       TelemetryHistory history, Store store, Clock clock, Enrolment enrolment,
                       vn.loalang.controller.update.Rollouts rollouts,
                       vn.loalang.controller.live.LiveSources liveSources) {
            this(sessions, users, directory, library, stations, events, reports, schedules, alerts, cap, health,
                    incidents, commands, history, store, clock, enrolment, rollouts, liveSources, null, null);
        }

        /** Without live sources (issue 17): their routes are not mounted. */
        public Sources(Sessions sessions, UserDirectory users, Directory directory, LibraryCatalog library,
                       StationStatus stations, SqliteEventLog events, PlayReports reports, ScheduleView schedules,
                       AlertService alerts, CapIntake cap, HealthMonitor health,
                       java.util.function.Supplier<List<Incidents.Incident>> incidents, StationCommands commands,
                       TelemetryHistory history, Store store, Clock clock, Enrolment enrolment,
                       vn.loalang.controller.update.Rollouts rollouts) {
            this(sessions, users, directory, library, stations, events, reports, schedules, alerts, cap, health,
                    incidents, commands, history, store, clock, enrolment, rollouts, null);
        }

        public Sources(Sessions sessions, UserDirectory users, Directory directory, LibraryCatalog library,
                       StationStatus stations, SqliteEventLog events, PlayReports reports, ScheduleView schedules,
                       AlertService alerts, CapIntake cap, HealthMonitor health,
                       java.util.function.Supplier<List<Incidents.Incident>> incidents, StationCommands commands,
                       TelemetryHistory history, Store store, Clock clock) {
            this(sessions, users, directory, library, stations, events, reports, schedules, alerts, cap, health,
                    incidents, commands, history, store, clock, new Enrolment(null, null, null, null), null, null);
        }

        public Sources {
            Objects.requireNonNull(sessions, "sessions");
            Objects.requireNonNull(users, "users");
            Objects.requireNonNull(directory, "directory");
            Objects.requireNonNull(library, "library");
            Objects.requireNonNull(stations, "stations");
            Objects.requireNonNull(events, "events");
            Objects.requireNonNull(reports, "reports");
            Objects.requireNonNull(schedules, "schedules");
            Objects.requireNonNull(alerts, "alerts");
            Objects.requireNonNull(cap, "cap");
            Objects.requireNonNull(health, "health");
            Objects.requireNonNull(commands, "commands");
            Objects.requireNonNull(history, "history");
            Objects.requireNonNull(store, "store");
            Objects.requireNonNull(clock, "clock");
            // rollouts may be null: a test of other routes; the update routes are then not mounted.
        }
    }

    record NewUserRequest(String username, String displayName, String role, List<String> villages, String language,
                          String password) {
    }

    record PasswordRequest(String password) {
    }

    record RoleRequest(String role, List<String> villages) {
    }

    /** A route as registered: the OpenAPI test checks each is documented. */
    record Route(String method, String path) {
    }

    private final Sources src;
    private final Access access;
    private final Router router;
    private HealthStream healthStream;

    private ApiRoutes(Javalin app, Sources src) {
        this.src = src;
        this.access = new Access(src.sessions());
        this.router = new Router(app, access);
    }

    /** Adds the API routes to {@code app}; returns them as registered. */
    public static List<Route> mount(Javalin app, Sources sources) {
        return mount(app, sources, null);
    }

    /** As {@link #mount(Javalin, Sources)}, with the live talks' routes when {@code talks} is not null (issue 17). */
    public static List<Route> mount(Javalin app, Sources sources, vn.loalang.controller.live.TalkService talks) {
        return mount(app, sources, talks, null);
    }

    /** As above, with the stations' bundles made here (issue 18); null: the bundle route answers that it makes none. */
    public static List<Route> mount(Javalin app, Sources sources, vn.loalang.controller.live.TalkService talks,
                                    vn.loalang.controller.enrol.StationBundles bundles) {
        return mount(app, sources, talks, bundles, null, null);
    }

    /**
     * As above, with issue 19's parts: the market-prices bulletin's routes when {@code bulletins} is not null, and
     * "Nghe lại"'s addresses and live counts ({@code listen} null: paths only, counts as stored).
     */
    public static List<Route> mount(Javalin app, Sources sources, vn.loalang.controller.live.TalkService talks,
                                    vn.loalang.controller.enrol.StationBundles bundles,
                                    vn.loalang.controller.bulletin.PriceBulletins bulletins, ListenRoutes.Settings listen) {
        ApiRoutes api = new ApiRoutes(app, sources);
        api.register(app);
        DirectoryRoutes.mount(api.router, sources.directory(), sources.stations(), sources.users());
        ProgramRoutes.mount(api.router, sources.directory(), sources.schedules());
        LibraryRoutes.mount(api.router, sources.library(), sources.directory(), sources.clock());
        AlertRoutes.mount(api.router, sources.alerts(), sources.mirrorDeliveries());
        if (talks != null) {
            LiveRoutes.mount(app, api.router, talks);
        }
        CapRoutes.mount(api.router, sources.cap());
        BulletinRoutes.mount(api.router, bulletins); // issue 19: the market-prices bulletin
        // issue 19: what "Nghe lại" makes public, its addresses and today's listens
        ListenRoutes.mount(api.router, sources.store(), sources.clock(), sources.directory()::current, listen);
        // issue 19: the reports, with their reach (moved here from this class)
        ReportRoutes.mount(api.router, sources.reports(), new ReachReports(sources.store(),
                sources.directory().current().commune().zone()), sources.clock());
        if (sources.mirrorSettings() != null) { // issue 19: the mirror's settings and delivery log
            MirrorRoutes.mount(api.router, sources.mirrorSettings(), sources.mirrorDeliveries(),
                    () -> sources.directory().current().commune().name());
        }
        CommandRoutes.mount(api.router, sources.commands(), sources.rollouts(), sources.history(),
                sources.directory().current().commune().zone(), sources.clock());
        if (sources.rollouts() != null) {
            ReleaseRoutes.mount(api.router, sources.rollouts());
        }
        CredentialRoutes.mount(api.router, sources.enrolment());
        BundleRoutes.mount(api.router, bundles);
        if (sources.liveSources() != null) {
            LiveSourceRoutes.mount(api.router, sources.liveSources());
        }
        return api.router.routes();
    }

    private void register(Javalin app) {
        answerErrors(app);

        Rights watchers = Rights.roles(Role.ADMIN, Role.OPERATOR, Role.TECHNICIAN);
        // One's own account, shared with the first start's setup server.
        AccountRoutes.mount(router, src.sessions(), src.users(), src.clock(), () -> healthStream.recheck());
        SetupRoutes.mountDone(router);
        // The console reckons "today" and "this week" by the server's clock, not the laptop's.
        route(HandlerType.GET, "/api/time", Rights.STAFF,
                ctx -> ctx.json(Map.of("now", src.clock().instant().toString())));
        route(HandlerType.GET, "/api/users", Rights.roles(Role.ADMIN), ctx -> ctx.json(src.users().all()));
        route(HandlerType.POST, "/api/users", Rights.roles(Role.ADMIN), this::createUser);
        route(HandlerType.POST, "/api/users/{username}/password", Rights.roles(Role.ADMIN), this::setPassword);
        route(HandlerType.PUT, "/api/users/{username}/role", Rights.roles(Role.ADMIN), this::changeRole);
        route(HandlerType.POST, "/api/users/{username}/disable", Rights.roles(Role.ADMIN), ctx -> {
            User admin = access.user(ctx);
            ctx.json(src.users().disable(admin.username(), notSelf(admin, ctx.pathParam("username"))));
        });
        route(HandlerType.POST, "/api/users/{username}/enable", Rights.roles(Role.ADMIN),
                ctx -> ctx.json(src.users().enable(access.user(ctx).username(), ctx.pathParam("username"))));
        route(HandlerType.GET, "/api/health", watchers, ctx -> ctx.json(src.health().rows()));
        HealthStream healthStream = new HealthStream(access, src.sessions(), src.health());
        app.events(e -> e.serverStopping(healthStream::close));
        src.users().onSessionsEnded(healthStream::sessionsEnded);
        this.healthStream = healthStream;
        route(HandlerType.GET, "/api/health/stream", watchers, healthStream::handle);
        route(HandlerType.GET, "/api/incidents", watchers, ctx -> {
            boolean openOnly = "true".equals(ctx.queryParam("open"));
            ctx.json(src.incidents().get().stream().filter(i -> !openOnly || i.open()).toList());
        });
        route(HandlerType.GET, "/api/audit", Rights.roles(Role.ADMIN), ctx -> {
            int limit = limit(ctx, 100);
            ctx.json(src.store().query(c -> new AuditLog(src.clock()).latest(c, limit)));
        });
        route(HandlerType.GET, "/api/events", watchers, this::events);
        route(HandlerType.GET, "/api/openapi.json", Rights.PUBLIC, ctx -> {
            try (InputStream in = ApiRoutes.class.getResourceAsStream(OPENAPI_RESOURCE)) {
                if (in == null) {
                    throw new IOException("resource " + OPENAPI_RESOURCE + " is missing from the jar");
                }
                ctx.contentType("application/json").result(in.readAllBytes());
            }
        });
    }

    /** Every refusal and failure as the API's JSON error: the running controller's and the setup server's. */
    static void answerErrors(Javalin app) {
        app.exception(Exception.class, (e, ctx) -> {
            // A bug or a failing disk: logged with the stack for the technician, answered without it.
            log.error("{} {} failed: {}", ctx.method(), LogText.of(ctx.path(), 200), e.toString(), e);
            ctx.status(500).json(new ApiError.Body("Lỗi máy chủ, xem nhật ký / server error, see the controller log: "
                    + e.getClass().getSimpleName(), null));
        });
        app.exception(ApiError.class, (e, ctx) -> ctx.status(e.status()).json(e.body()));
        app.exception(PasswordHasher.Busy.class, (e, ctx) -> {
            log.warn("{} {} from {} refused: every password-hash slot is busy", ctx.method(), LogText.of(ctx.path()),
                    ctx.ip());
            ctx.status(503).header("Retry-After", "1").json(new ApiError.Body(e.getMessage(), null));
        });
        app.exception(ChangeException.class, (e, ctx) -> {
            if (e.kind() != ChangeException.Kind.NOT_FOUND) {
                log.warn("Change refused ({} {}): {}", ctx.method(), LogText.of(ctx.path(), 200),
                        LogText.of(e.getMessage(), 400));
            }
            ctx.status(switch (e.kind()) {
                case INVALID -> 400;
                case NOT_FOUND -> 404;
                case CONFLICT -> 409;
                case REFUSED -> 422;
                case UNAVAILABLE -> 503;
                case NO_SPACE -> 507;
            }).json(new ApiError.Body(e.getMessage(), e.field(), e.problems()));
        });
        // Javalin answers an unknown path in plain text; an API client expects the JSON error.
        app.error(404, ctx -> jsonError(ctx, "Không có / not found: " + ctx.path()));
        app.error(405, ctx -> jsonError(ctx, "Phương thức không hợp lệ / method not allowed: " + ctx.method()));
    }

    private static void jsonError(Context ctx, String message) {
        String type = ctx.res().getContentType();
        if (ctx.path().startsWith("/api/") && (type == null || !type.startsWith("application/json"))) {
            ctx.json(new ApiError.Body(message, null));
        }
    }

    private void route(HandlerType method, String path, Rights rights, Handler handler) {
        router.add(method, path, rights, handler);
    }

    private static Role role(String name) {
        try {
            return Role.valueOf(Objects.requireNonNull(name));
        } catch (NullPointerException | IllegalArgumentException e) {
            throw ApiError.invalid("role", "Vai trò là một trong / role must be one of "
                    + java.util.Arrays.toString(Role.values()));
        }
    }

    private void createUser(Context ctx) {
        User admin = access.user(ctx);
        NewUserRequest req = body(ctx, NewUserRequest.class);
        User created = src.users().create(admin.username(), new UserDirectory.NewUser(req.username(),
                req.displayName(), role(req.role()), req.villages(), req.language(), req.password()));
        ctx.status(201).json(created);
    }

    /** An administrator's reset of another user's password; they must change it at their next login. */
    private void setPassword(Context ctx) {
        User admin = access.user(ctx);
        String username = notSelf(admin, ctx.pathParam("username"));
        PasswordRequest req = body(ctx, PasswordRequest.class);
        src.users().setPassword(admin.username(), username, req.password());
        ctx.status(204);
    }

    private void changeRole(Context ctx) {
        User admin = access.user(ctx);
        String username = notSelf(admin, ctx.pathParam("username"));
        RoleRequest req = body(ctx, RoleRequest.class);
        ctx.json(src.users().changeRole(admin.username(), username, role(req.role()), req.villages()));
    }

    /**
     * An administrator does not disable, demote or reset themself through these routes: one slip would lock them
     * out; another administrator does it, and one's own password goes through /api/me/password.
     */
    private static String notSelf(User admin, String username) {
        if (admin.username().equals(username)) {
            throw new ApiError(409, null, "Không tự làm điều này cho chính mình / an administrator does not do this to"
                    + " their own account: another administrator does (own password: POST /api/me/password)");
        }
        return username;
    }

    private void events(Context ctx) {
        String station = ctx.queryParam("station");
        if (station != null && !src.directory().stationIds().contains(station)) {
            throw ApiError.invalid("station", "no station with id " + station);
        }
        ctx.json(src.events().latest(station, limit(ctx, 100)));
    }

    /** {@code ?limit=}, from 1 to {@value #MAX_EVENTS}. */
    private static int limit(Context ctx, int fallback) {
        String l = ctx.queryParam("limit");
        if (l == null) {
            return fallback;
        }
        int limit;
        try {
            limit = Integer.parseInt(l);
        } catch (NumberFormatException e) {
            limit = -1;
        }
        if (limit < 1 || limit > MAX_EVENTS) {
            throw ApiError.invalid("limit", "limit must be a number from 1 to " + MAX_EVENTS);
        }
        return limit;
    }

    private static <T> T body(Context ctx, Class<T> type) {
        return Router.body(ctx, type);
    }
}
