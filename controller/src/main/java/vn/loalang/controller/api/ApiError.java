package vn.loalang.controller.api;

import com.fasterxml.jackson.annotation.JsonInclude;

/** An API request that cannot be served: answered as JSON {@code {"message", "field"}} with {@code status}. */
final class ApiError extends RuntimeException {
    /**
     * The JSON body of every API error; {@code field} is null when the error is not about one
     * field; {@code problems} lists every problem of a refused program (absent otherwise).
     */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    record Body(String message, String field,
                @JsonInclude(JsonInclude.Include.NON_EMPTY) java.util.List<String> problems) {
        Body(String message, String field) {
            this(message, field, java.util.List.of());
        }
    }

    private final int status;
    private final String field;

    ApiError(int status, String field, String message) {
        super(message);
        this.status = status;
        this.field = field;
    }

    static ApiError invalid(String field, String message) {
        return new ApiError(400, field, message);
    }

    int status() {
        return status;
    }

    Body body() {
        return new Body(getMessage(), field);
    }
}
