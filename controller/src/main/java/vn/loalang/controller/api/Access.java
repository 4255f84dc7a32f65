package vn.loalang.controller.api;

import io.javalin.http.Context;
import vn.loalang.controller.users.Role;
import vn.loalang.controller.users.Sessions;
import vn.loalang.controller.users.User;

import java.util.Arrays;
import java.util.Optional;

/** Who is calling ({@code Authorization: Bearer <token>}) and whether their role may. */
final class Access {
    private final Sessions sessions;

    Access(Sessions sessions) {
        this.sessions = sessions;
    }

    /** The caller, whatever their role; 401 when not logged in. */
    User user(Context ctx) {
        return token(ctx).flatMap(sessions::user).orElseThrow(() -> new ApiError(401, null,
                "Chưa đăng nhập hoặc phiên đã hết hạn / not logged in, or the session has expired"));
    }

    /** The caller when their role is one of {@code roles}; 401 when not logged in, 403 otherwise. */
    User requireRole(Context ctx, Role... roles) {
        User user = user(ctx);
        if (Arrays.stream(roles).noneMatch(r -> r == user.role())) {
            throw new ApiError(403, null, "Vai trò " + user.role() + " không được phép / role " + user.role()
                    + " may not do this");
        }
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
