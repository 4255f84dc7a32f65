package vn.loalang.controller.api;

import io.javalin.http.Context;
import vn.loalang.controller.users.Sessions;
import vn.loalang.controller.users.User;

import java.util.Optional;

/** Who is calling ({@code Authorization: Bearer <token>}); whether their role may is the route's {@link Rights}. */
final class Access {
    private static final String CALLER = "loalang.caller";
    private final Sessions sessions;

    Access(Sessions sessions) {
        this.sessions = sessions;
    }

    /** The caller, whatever their role; 401 when not logged in. Read once per request (the gate, then the handler). */
    User user(Context ctx) {
        User known = ctx.attribute(CALLER);
        if (known != null) {
            return known;
        }
        User user = token(ctx).flatMap(sessions::user).orElseThrow(() -> new ApiError(401, null,
                "Chưa đăng nhập hoặc phiên đã hết hạn / not logged in, or the session has expired"));
        ctx.attribute(CALLER, user);
        return user;
    }

    static Optional<String> token(Context ctx) {
        String header = ctx.header("Authorization");
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return Optional.empty();
        }
        return Optional.of(header.substring(7).strip());
    }
}
