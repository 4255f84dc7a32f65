package vn.loalang.controller.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.HandlerType;
import vn.loalang.protocol.Json;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** What every group of API routes shares: registration (so the OpenAPI test sees each route), the caller, JSON bodies. */
final class Router {
    private final Javalin app;
    private final Access access;
    private final List<ApiRoutes.Route> routes = new ArrayList<>();

    Router(Javalin app, Access access) {
        this.app = app;
        this.access = access;
    }

    Access access() {
        return access;
    }

    void add(HandlerType method, String path, Handler handler) {
        app.addHttpHandler(method, path, handler);
        routes.add(new ApiRoutes.Route(method.name().toLowerCase(Locale.ROOT), path));
    }

    List<ApiRoutes.Route> routes() {
        return List.copyOf(routes);
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
