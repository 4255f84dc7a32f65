package vn.loalang.protocol.config;

/**
 * A setting that breaks its {@link Option}'s rule, whether it came from the command line, a
 * controller.json or a station.json: one message shape everywhere, e.g.
 * {@code cache.maxMegabytes = -3 is not allowed: give the content cache's size as a whole number of
 * megabytes from 16 to 65536, e.g. 512}. An {@link IllegalArgumentException}, so that the records
 * that check their settings keep throwing what their callers already catch.
 */
public final class OptionException extends IllegalArgumentException {
    private final String key;

    public OptionException(String key, String message) {
        super(message);
        this.key = key;
    }

    /** The option's key as its definition names it, e.g. {@code cache.maxMegabytes} or {@code http-port}. */
    public String key() {
        return key;
    }
}
