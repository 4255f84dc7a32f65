package vn.loalang.controller.api;

import io.javalin.Javalin;
import io.javalin.http.Context;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import vn.loalang.controller.live.LiveAccess;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * Icecast's URL authentication (decision 0030): for each listener of a commune mount Icecast asks
 * {@code POST /internal/icecast/listener-add} (form fields {@code action, mount, user, pass, client,
 * ip}) and admits it only when the answer carries {@code icecast-auth-user: 1}; it says
 * {@code listener-remove} when the listener leaves. The decision is {@link LiveAccess}'s, as for the
 * embedded server. Only Icecast may ask: the routes answer loopback callers only, with the Basic
 * credentials the controller gave Icecast's mount ({@code username}/{@code password} url-auth
 * options); the station's password crosses only the loopback.
 */
public final class IcecastCallbacks {
    private static final Logger log = LoggerFactory.getLogger(IcecastCallbacks.class);
    public static final String ADD = "/internal/icecast/listener-add";
    public static final String REMOVE = "/internal/icecast/listener-remove";

    private final LiveAccess access;
    private final byte[] expected;

    /** @param user, password what Icecast's url-auth options send with each callback */
    public IcecastCallbacks(LiveAccess access, String user, String password) {
        this.access = access;
        this.expected = ("Basic " + java.util.Base64.getEncoder().encodeToString(
                (user + ":" + password).getBytes(StandardCharsets.UTF_8))).getBytes(StandardCharsets.UTF_8);
    }

    public void mount(Javalin app) {
        app.post(ADD, this::add);
        app.post(REMOVE, this::remove);
    }

    private boolean fromIcecast(Context ctx) {
        if (!loopback(ctx.req().getRemoteAddr())) {
            log.warn("Icecast callback {} from {} refused: only the loopback may call it", ctx.path(), ctx.ip());
            ctx.status(403).result("loopback only");
            return false;
        }
        String auth = ctx.header("Authorization");
        if (auth == null || !MessageDigest.isEqual(expected, auth.getBytes(StandardCharsets.UTF_8))) {
            log.warn("Icecast callback {} from {} refused: wrong callback credentials", ctx.path(), ctx.ip());
            ctx.status(401).result("wrong callback credentials");
            return false;
        }
        return true;
    }

    private void add(Context ctx) {
        if (!fromIcecast(ctx)) {
            return;
        }
        LiveAccess.Decision d = access.admit(ctx.formParam("user"), ctx.formParam("pass"), mountOf(ctx),
                ctx.formParam("client"), ctx.formParam("ip"));
        if (d.admitted()) {
            ctx.header("icecast-auth-user", "1");
        } else {
            ctx.header("icecast-auth-message", d.reason());
        }
        ctx.status(200).result("");
    }

    private void remove(Context ctx) {
        if (!fromIcecast(ctx)) {
            return;
        }
        access.left(mountOf(ctx), ctx.formParam("client"));
        ctx.status(200).result("");
    }

    /** Icecast's "/relay-vov1.mp3" as the embedded server's "relay-vov1.mp3": one name per mount in {@link LiveAccess}. */
    private static String mountOf(Context ctx) {
        String m = ctx.formParam("mount");
        return m == null ? "" : m.replaceFirst("^/+", "");
    }

    private static boolean loopback(String address) {
        try {
            return address != null && InetAddress.getByName(address).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
