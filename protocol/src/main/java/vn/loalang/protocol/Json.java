package vn.loalang.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

import java.io.IOException;

/** The one JSON configuration of the wire format: ISO-8601 times, unknown fields ignored, nulls omitted. */
public final class Json {
    /**
     * No message of the protocol nests deeper than a handful of levels or carries a number of more
     * than 64 digits: tighter than Jackson's defaults, so that what a station or a browser sends costs
     * no more to refuse than its size.
     */
    private static final StreamReadConstraints LIMITS = StreamReadConstraints.builder()
            .maxNestingDepth(64).maxNumberLength(64).build();
    private static final ObjectMapper MAPPER = JsonMapper.builder(JsonFactory.builder().streamReadConstraints(LIMITS).build())
            .addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS)
            .serializationInclusion(JsonInclude.Include.NON_NULL)
            .build();

    private Json() {
    }

    public static ObjectMapper mapper() {
        return MAPPER;
    }

    public static byte[] write(Object value) {
        try {
            return MAPPER.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise " + value.getClass().getSimpleName() + ": " + e.getMessage(), e);
        }
    }

    /**
     * Reads a message, turning every way it can be wrong into one {@link MalformedMessageException}
     * whose message says what was wrong, for logs and rejection reports.
     */
    public static <T> T read(byte[] json, Class<T> type) throws MalformedMessageException {
        return decode(type, () -> MAPPER.readValue(json, type));
    }

    /** As {@link #read(byte[], Class)}, for a part of a message already parsed (a signed payload). */
    public static <T> T read(JsonNode tree, Class<T> type) throws MalformedMessageException {
        return decode(type, () -> tree == null || tree.isNull() ? null : MAPPER.treeToValue(tree, type));
    }

    private interface Parse<T> {
        T run() throws IOException;
    }

    private static <T> T decode(Class<T> type, Parse<T> parse) throws MalformedMessageException {
        try {
            T value = parse.run();
            if (value == null) {
                throw new MalformedMessageException(type.getSimpleName() + " is empty (JSON null)");
            }
            return value;
        } catch (ValueInstantiationException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new MalformedMessageException(type.getSimpleName() + " is invalid: " + cause.getMessage(), e);
        } catch (IOException e) {
            throw new MalformedMessageException(type.getSimpleName() + " is not valid JSON of the expected shape: "
                    + firstLine(e.getMessage()), e);
        }
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "(no detail)";
        }
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }
}
