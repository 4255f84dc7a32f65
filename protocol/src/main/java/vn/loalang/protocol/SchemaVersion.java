package vn.loalang.protocol;

/**
 * The version of the JSON messages. A receiver refuses a message whose schema it does not know;
 * fields may be added within a version (receivers ignore unknown fields), never removed or changed.
 */
public final class SchemaVersion {
    public static final int CURRENT = 1;

    private SchemaVersion() {
    }

    public static void require(int schema) {
        if (schema != CURRENT) {
            throw new IllegalArgumentException("schema version " + schema + " is not supported (this software speaks "
                    + CURRENT + ")");
        }
    }
}
