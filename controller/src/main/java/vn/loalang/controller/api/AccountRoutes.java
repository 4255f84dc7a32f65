package vn.loalang.controller.api;

import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import vn.loalang.controller.users.Sessions;
import vn.loalang.controller.users.User;
import vn.loalang.controller.users.UserDirectory;
import vn.loalang.protocol.LogText;

import java.time.Clock;
import java.time.Instant;

/**
 * One's own account: log in (throttled), log out, who am I, my language, my password. The same routes
 * on the running controller and on the first start's setup server, so the first administrator logs in
 * and changes the printed password before the commune exists, and keeps that session afterwards.
 */
final class AccountRoutes {
    private static final Logger log = LoggerFactory.getLogger(AccountRoutes.class);

    record LoginRequest(String username, String password) {
    }

    record LoginResponse(String token, Instant expiresAt, User user) {
    }

    record OwnPasswordRequest(String currentPassword, String password) {
    }

    private final Sessions sessions;
    private final UserDirectory users;
    private final Access access;
    private final LoginThrottle throttle;
    /** Told after a logout, e.g. so that the health stream drops a session that ended. */
    private final Runnable loggedOut;

    private AccountRoutes(Router router, Sessions sessions, UserDirectory users, Clock clock, Runnable loggedOut) {
        this.sessions = sessions;
        this.users = users;
        this.access = router.access();
        this.throttle = new LoginThrottle(clock);
        this.loggedOut = loggedOut;
    }

    /** Adds the account routes to {@code router}; {@code loggedOut} runs after each logout. */
    static void mount(Router router, Sessions sessions, UserDirectory users, Clock clock, Runnable loggedOut) {
        AccountRoutes routes = new AccountRoutes(router, sessions, users, clock, loggedOut);
        router.add(HandlerType.POST, "/api/login", Rights.PUBLIC, routes::login);
        router.add(HandlerType.POST, "/api/logout", Rights.ANY_ACCOUNT, routes::logout);
        router.add(HandlerType.GET, "/api/me", Rights.ANY_ACCOUNT, ctx -> ctx.json(routes.access.user(ctx)));
        // Each user chooses the language their console speaks first; it follows them to any browser.
        router.add(HandlerType.PUT, "/api/me", Rights.STAFF, ctx -> {
            User me = routes.access.user(ctx);
            ctx.json(users.setLanguage(me.username(), Router.text(Router.tree(ctx), "language")));
        });
        router.add(HandlerType.POST, "/api/me/password", Rights.ANY_ACCOUNT, routes::changeOwnPassword);
    }

    private void login(Context ctx) {
        LoginRequest req = Router.body(ctx, LoginRequest.class);
        if (req.username() == null || req.username().isBlank()) {
            throw ApiError.invalid("username", "Cần tên đăng nhập / username is required");
        }
        if (req.password() == null || req.password().isEmpty()) {
            throw ApiError.invalid("password", "Cần mật khẩu / password is required");
        }
        String address = LoginThrottle.network(ctx.ip());
        // A name that cannot be a user's is not kept as a key of its own: the address's count covers it.
        String name = UserDirectory.wellFormedName(req.username()) ? req.username() : null;
        holdBackIfThrottled(ctx, address, name);
        Sessions.Login login = sessions.login(req.username(), req.password()).orElseThrow(() -> {
            throttle.failed(address, name);
            log.warn("Failed login as '{}' from {}", LogText.of(req.username()), address);
            // The same answer for an unknown user and a wrong password: names are not to be probed.
            return new ApiError(401, null, "Sai tên đăng nhập hoặc mật khẩu / wrong username or password");
        });
        throttle.succeeded(login.user().username());
        log.info("User {} logged in from {}", login.user().username(), address);
        ctx.json(new LoginResponse(login.token(), login.expiresAt(), login.user()));
    }

    /** 429 with Retry-After while the address or the name must wait after failed passwords; no hash is spent. */
    private void holdBackIfThrottled(Context ctx, String address, String name) {
        java.util.Optional<java.time.Duration> wait = throttle.waitFor(address, name);
        if (wait.isPresent()) {
            long seconds = Math.max(1, (wait.get().toMillis() + 999) / 1000);
            ctx.header("Retry-After", Long.toString(seconds));
            throw new ApiError(429, null, "Nhập sai mật khẩu quá nhiều lần, thử lại sau " + seconds + " giây / too many"
                    + " wrong passwords, try again in " + seconds + " s");
        }
    }

    private void logout(Context ctx) {
        User user = access.user(ctx);
        Access.token(ctx).ifPresent(sessions::logout);
        loggedOut.run();
        log.info("User {} logged out", user.username());
        ctx.status(204);
    }

    /** One's own password, with the current one; answered with a new session, as the old ones have ended. */
    private void changeOwnPassword(Context ctx) {
        User me = access.user(ctx);
        OwnPasswordRequest req = Router.body(ctx, OwnPasswordRequest.class);
        if (req.currentPassword() == null || req.currentPassword().isEmpty()) {
            throw ApiError.invalid("currentPassword", "Cần mật khẩu hiện tại / the current password is required");
        }
        // A stolen session must not become a way to guess the password it lacks: wrong current ones count as logins.
        holdBackIfThrottled(ctx, LoginThrottle.network(ctx.ip()), me.username());
        User after;
        try {
            after = users.changeOwnPassword(me.username(), req.currentPassword(), req.password());
        } catch (vn.loalang.controller.users.UserException e) {
            if ("currentPassword".equals(e.field())) {
                throttle.failed(LoginThrottle.network(ctx.ip()), me.username());
            }
            throw e;
        }
        Sessions.Login login = sessions.open(after);
        ctx.json(new LoginResponse(login.token(), login.expiresAt(), login.user()));
    }
}
