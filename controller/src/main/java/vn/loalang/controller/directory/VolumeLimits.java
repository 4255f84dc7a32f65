package vn.loalang.controller.directory;

import vn.loalang.protocol.schedule.Volume;

import java.util.Locale;

/**
 * The commune's range for the levels people set: a station's (the technician's) and a session's (the
 * operator's), in dB. A level outside it is refused with the range in the message, never clamped: a
 * technician who typed +10 and got +6 would look for a fault that is not there.
 *
 * @param minDb     the quietest level allowed (−30 dB by default)
 * @param maxDb     the loudest (+6 dB by default: above it even the soft limiter is heard)
 * @param defaultDb a station's level until its technician sets one (0 dB)
 */
public record VolumeLimits(Double minDb, Double maxDb, Double defaultDb) {
    public static final VolumeLimits DEFAULTS = new VolumeLimits(null, null, null);

    public VolumeLimits {
        minDb = minDb == null ? -30.0 : minDb;
        maxDb = maxDb == null ? 6.0 : maxDb;
        defaultDb = defaultDb == null ? 0.0 : defaultDb;
        if (!(minDb >= Volume.WIRE_MIN_DB && maxDb <= Volume.WIRE_MAX_DB && minDb < maxDb)) {
            throw new IllegalArgumentException("volume: minDb and maxDb must be from " + dB(Volume.WIRE_MIN_DB) + " to "
                    + dB(Volume.WIRE_MAX_DB) + " dB, minDb below maxDb (not " + dB(minDb) + " to " + dB(maxDb) + ")");
        }
        if (defaultDb < minDb || defaultDb > maxDb) {
            throw new IllegalArgumentException("volume: defaultDb " + dB(defaultDb) + " dB is outside "
                    + dB(minDb) + "…" + dB(maxDb) + " dB");
        }
    }

    /**
     * Refuses a level outside the range; null (not set) passes.
     *
     * @param whose e.g. "cụm loa st-01 / station st-01"
     */
    public void check(String whoseVi, String whoseEn, Double db) {
        if (db != null && (!Double.isFinite(db) || db < minDb || db > maxDb)) {
            throw new IllegalArgumentException("Âm lượng của " + whoseVi + " phải từ " + dB(minDb) + " đến " + dB(maxDb)
                    + " dB, không phải " + dB(db) + " dB / the volume of " + whoseEn + " must be between " + dB(minDb)
                    + " and " + dB(maxDb) + " dB, not " + dB(db) + " dB");
        }
    }

    /** A level as people read it: +6, −12, 0, −4.5. */
    static String dB(double db) {
        String n = db == Math.rint(db) ? String.format(Locale.ROOT, "%.0f", Math.abs(db))
                : String.format(Locale.ROOT, "%.1f", Math.abs(db));
        return db > 0 ? "+" + n : db < 0 ? "−" + n : "0";
    }
}
