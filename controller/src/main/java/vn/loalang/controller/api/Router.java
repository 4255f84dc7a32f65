package vn.loalang.controller.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.HandlerType;
import io.javalin.router.ParsedEndpoint;
import vn.loalang.controller.users.User;
import vn.loalang.protocol.Json;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What every group of API routes shares: registration with the {@link Rights} each route declares
 * (so the OpenAPI and rights-matrix tests see each route), the role gate in front of every
 * handler, the caller, JSON bodies.
 */
final class Router {
    private final Javalin app;
    private final Access access;
    private final Map<ApiRoutes.Route, Rights> routes = new LinkedHashMap<>();

    Router(Javalin app, Access access) {
        this.app = app;
        this.access = access;
        // Runs before the handler of every matched route: a handler never sees a caller its route does not admit.
        app.beforeMatched(this::gate);
        // A route under /api that went around add() (registered on the app itself) would have no gate: no start.
        app.events(e -> e.serverStarting(this::requireDeclared));
    }

    Access access() {
        return access;
    }

    /** Registers a route with who may call it; without a declaration the controller does not start. */
    void add(HandlerType method, String path, Rights rights, Handler handler) {
        if (rights == null) {
            throw new IllegalStateException("Route " + method + " " + path + " declares no rights: give it Rights"
                    + " (PUBLIC, STAFF, ANY_ACCOUNT or roles) where it is registered");
        }
        app.addHttpHandler(method, path, handler, rights);
        routes.put(new ApiRoutes.Route(method.name().toLowerCase(Locale.ROOT), path), rights);
    }

    List<ApiRoutes.Route> routes() {
        return List.copyOf(routes.keySet());
    }

    Map<ApiRoutes.Route, Rights> rights() {
        return Map.copyOf(routes);
    }

    private void gate(Context ctx) {
        Rights rights = ctx.routeRoles().stream().filter(Rights.class::isInstance).map(Rights.class::cast)
                .findFirst().orElse(null);
        if (rights == null) {
            // Static files and the station content server: not the API, no login.
            return;
        }
        if (rights.open()) {
            return;
        }
        User user = access.user(ctx);
        if (user.mustChangePassword() && !rights.beforePassword()) {
            throw new ApiError(403, "password", "Hãy đổi mật khẩu được cấp trước khi làm việc khác (POST"
                    + " /api/me/password) / change the password you were given before anything else"
                    + " (POST /api/me/password)");
        }
        if (!rights.allows(user.role())) {
            throw new ApiError(403, null, "Vai trò " + user.role() + " không được phép / role " + user.role()
                    + " may not do this");
        }
    }

    private void requireDeclared() {
        List<String> undeclared = new ArrayList<>();
        for (ParsedEndpoint e : app.unsafeConfig().pvt.internalRouter.allHttpHandlers()) {
            String path = e.getEndpoint().getPath();
            boolean declared = e.getEndpoint().getRoles().stream().anyMatch(Rights.class::isInstance);
            if (path.startsWith("/api/") && !declared) {
                undeclared.add(e.getEndpoint().getMethod() + " " + path);
            }
        }
        if (!undeclared.isEmpty()) {
            throw new IllegalStateException("API routes registered without declared rights (register them with"
                    + " Router.add and a Rights value): " + undeclared);
        }
    }

    /** The request body as {@code type}; a 400 naming the field when it does not fit. */
    static <T> T body(Context ctx, Class<T> type) {
        try {
            T value = Json.mapper().readValue(ctx.body(), type);
            if (value == null) {
                throw ApiError.invalid(null, "the request body must be a JSON object");
            }
            return value;
        } catch (JsonMappingException e) {
            // A value of the wrong type (a list where a name was expected): name the field it was for.
            String field = e.getPath().isEmpty() ? null : e.getPath().get(0).getFieldName();
            Throwable cause = e.getCause() instanceof IllegalArgumentException ? e.getCause() : null;
            throw ApiError.invalid(field, cause != null ? cause.getMessage()
                    : "the request body does not have the expected shape: " + e.getOriginalMessage());
        } catch (JsonProcessingException e) {
            throw ApiError.invalid(null, "the request body is not valid JSON: " + e.getOriginalMessage());
        }
    }

    /** The body as a tree, for requests where a field given as null differs from a field left out. */
    static JsonNode tree(Context ctx) {
        JsonNode node = body(ctx, JsonNode.class);
        if (!node.isObject()) {
            throw ApiError.invalid(null, "the request body must be a JSON object");
        }
        return node;
    }

    /** A text field of a tree body; null when absent or null, a 400 when not text. */
    static String text(JsonNode body, String field) {
        JsonNode n = body.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isTextual()) {
            throw ApiError.invalid(field, field + " must be text");
        }
        return n.asText();
    }
}
