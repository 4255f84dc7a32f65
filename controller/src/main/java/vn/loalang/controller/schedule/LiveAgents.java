package vn.loalang.controller.schedule;

import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which stations may be sent live items. An agent before issue 17 refuses a whole schedule that has one (its
 * items need a SHA-256), so a station gets relays only once it has reported an agent version that plays them;
 * until then the compiler puts the relay's fallback item in its place. The one place that says which
 * version that is.
 */
public final class LiveAgents {
    /**
     * The first agent version that plays live items: the release that carries issue 17. Development builds
     * report {@code dev} and play them.
     */
    public static final String FIRST_LIVE_VERSION = "0.2.0";
    private static final Pattern NUMBERS = Pattern.compile("^(\\d+)(?:\\.(\\d+))?(?:\\.(\\d+))?");

    private final Function<String, Optional<String>> agentVersion;

    /** @param agentVersion the version a station last reported, by station id; empty when it has not reported yet */
    public LiveAgents(Function<String, Optional<String>> agentVersion) {
        this.agentVersion = agentVersion;
    }

    /** Every station plays live items: for tests and tools that compile without stations' reports. */
    public static LiveAgents all() {
        return new LiveAgents(station -> Optional.of("dev"));
    }

    /**
     * Whether a station's report changes what it may be sent: its agent now plays live items and did not, or
     * the reverse (a rollback). The first report of a station that plays them counts as a change, since it was
     * compiled as an old agent until then.
     */
    public boolean changedBy(String stationId, String reportedVersion) {
        Boolean before = known.put(stationId, plays(reportedVersion));
        return before == null ? plays(reportedVersion) : before != plays(reportedVersion);
    }

    private final java.util.Map<String, Boolean> known = new java.util.concurrent.ConcurrentHashMap<>();

    public boolean playLive(String stationId) {
        return plays(agentVersion.apply(stationId).orElse(null));
    }

    /** The version a station reported, for the program's notices. */
    public String versionOf(String stationId) {
        return agentVersion.apply(stationId).orElse("chưa báo / not reported yet");
    }

    /**
     * Whether an agent of {@code version} plays live items: {@code dev}, or a version whose leading numbers
     * are at least {@link #FIRST_LIVE_VERSION}'s (a pre-release such as {@code 0.2.0-SNAPSHOT} counts as its
     * number). Unknown (a station not heard from since the controller started) is no: safe for an old agent,
     * and its report brings a compile.
     */
    public static boolean plays(String version) {
        if (version == null) {
            return false;
        }
        if (version.equals("dev")) {
            return true;
        }
        int[] v = numbers(version);
        int[] first = numbers(FIRST_LIVE_VERSION);
        if (v == null) {
            return false;
        }
        for (int i = 0; i < 3; i++) {
            if (v[i] != first[i]) {
                return v[i] > first[i];
            }
        }
        return true;
    }

    private static int[] numbers(String version) {
        Matcher m = NUMBERS.matcher(version);
        if (!m.find()) {
            return null;
        }
        int[] out = new int[3];
        for (int i = 0; i < 3; i++) {
            String g = m.group(i + 1);
            try {
                out[i] = g == null ? 0 : Integer.parseInt(g);
            } catch (NumberFormatException tooLong) {
                return null;
            }
        }
        return out;
    }
}
