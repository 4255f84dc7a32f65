package vn.loalang.controller.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.http.HandlerType;
import vn.loalang.controller.change.ChangeException;
import vn.loalang.controller.enrol.StationBundles;
import vn.loalang.controller.users.Role;
import vn.loalang.controller.users.User;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;

/**
 * A station's bundle from the console: {@code POST /api/stations/{id}/bundle} issues (first) or rotates
 * the station's broker password and answers the archive {@code loalang-station-ID.tar.gz}
 * ({@code application/gzip}), the same as {@code provision station} makes. The password is in that
 * archive once and nowhere else; the packed copy is deleted once sent.
 */
final class BundleRoutes {
    /** The headers that tell the console what it downloaded (it cannot look inside a tar.gz). */
    static final String GENERATION = "X-Station-Generation";
    static final String BROKER = "X-Station-Broker";
    static final String LOOPBACK_ONLY = "X-Station-Broker-Loopback-Only";
    static final String AGENT_JAR = "X-Station-Agent-Jar";

    private BundleRoutes() {
    }

    /** @param bundles null: this controller keeps no broker accounts; the route says so (409) */
    static void mount(Router router, StationBundles bundles) {
        Access access = router.access();
        router.add(HandlerType.POST, "/api/stations/{id}/bundle", Rights.roles(Role.ADMIN, Role.TECHNICIAN), ctx -> {
            User user = access.user(ctx);
            if (bundles == null) {
                throw new ChangeException(ChangeException.Kind.CONFLICT, null, "Máy chủ này không quản lý tài khoản MQTT "
                        + "/ this controller keeps no broker accounts: run it with --broker-accounts DIR (see "
                        + "docs/deployment.md)");
            }
            StationBundles.Request request = ctx.body().isBlank() ? new StationBundles.Request(null, null)
                    : new StationBundles.Request(text(Router.tree(ctx), "audioDevice"), text(Router.tree(ctx), "relays"));
            StationBundles.Made made = bundles.make(user.username(), ctx.pathParam("id"), request, consoleHost(ctx.host()));
            InputStream archive;
            try {
                archive = Files.newInputStream(made.archive());
            } catch (IOException | RuntimeException e) {
                made.close();
                throw e;
            }
            ctx.header("Cache-Control", "no-store");
            ctx.header("Content-Disposition", "attachment; filename=\"" + made.fileName() + "\"");
            ctx.header(GENERATION, String.valueOf(made.generation()));
            ctx.header(BROKER, made.brokerUrl());
            ctx.header(LOOPBACK_ONLY, String.valueOf(made.loopbackOnly()));
            ctx.header(AGENT_JAR, made.withAgentJar() ? "included" : "absent");
            ctx.contentType("application/gzip");
            // Javalin closes the stream once written: the packed copy (it holds the password) goes with it.
            ctx.result(new FilterInputStream(archive) {
                @Override
                public void close() throws IOException {
                    try {
                        super.close();
                    } finally {
                        made.close();
                    }
                }
            });
        });
    }

    private static String text(JsonNode body, String field) {
        JsonNode n = body.get(field);
        if (n != null && n.isArray()) {
            // relays given as a list, as station.json has them: the same text the form sends
            StringBuilder sb = new StringBuilder();
            n.forEach(x -> sb.append(sb.isEmpty() ? "" : ",").append(x.asText()));
            return sb.toString();
        }
        return Router.text(body, field);
    }

    /** The host part of the Host header, without the port: where the office laptop reached this server. */
    private static String consoleHost(String hostHeader) {
        if (hostHeader == null || hostHeader.isBlank()) {
            return null;
        }
        try {
            return URI.create("http://" + hostHeader).getHost();
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
