package vn.loalang.protocol;

import java.util.regex.Pattern;

/**
 * Identifiers of stations, villages (zones), sessions and content. They appear in MQTT topics and
 * file names, so they are restricted to a safe lower-case alphabet: no wildcards, no slashes.
 */
public final class Ids {
    private static final Pattern VALID = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");

    private Ids() {
    }

    public static boolean isValid(String id) {
        return id != null && VALID.matcher(id).matches();
    }

    /** Returns {@code id} when valid; otherwise throws with a message that names the kind of id. */
    public static String require(String kind, String id) {
        if (!isValid(id)) {
            throw new IllegalArgumentException(kind + " id '" + id
                    + "' is not valid: use 1 to 64 characters a-z, 0-9, '.', '_' or '-', starting with a letter or digit");
        }
        return id;
    }
}
