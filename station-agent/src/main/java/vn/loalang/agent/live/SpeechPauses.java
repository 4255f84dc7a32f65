package vn.loalang.agent.live;

/**
 * Tells a talk's pauses from its speech, one decoded frame at a time, so that a {@link JitterBuffer}'s
 * surplus is shed where no one hears it. A microphone's pauses are not digital silence (the room, the
 * codec's noise), so a pause is a frame within {@link #ABOVE_FLOOR_DB} of the talk's noise floor, or
 * below {@link #SILENT_DBFS}. The floor is the quietest frame of the last {@link #FLOOR_SECONDS} seconds
 * (speech always pauses within that), leaving out digital silence, which says nothing of the room: so a
 * word does not lift the floor, a louder room does within seconds, and the silence before a speaker's
 * first word does not hold it down.
 */
final class SpeechPauses {
    static final double ABOVE_FLOOR_DB = 6;
    static final double SILENT_DBFS = -60;
    static final int FLOOR_SECONDS = 5;
    /** Frames per second of the live channel (576 samples at 22.05 kHz): one bucket of the floor's window. */
    private static final int FRAMES_PER_BUCKET = 38;

    /** The quietest frame of each of the last seconds (a ring), NaN where none was heard. */
    private final double[] bucketLow = new double[FLOOR_SECONDS];
    private int bucket;
    private int framesInBucket;

    SpeechPauses() {
        java.util.Arrays.fill(bucketLow, Double.NaN);
    }

    /** Whether this frame's PCM (16-bit samples, interleaved) is a pause; every audible frame moves the floor. */
    boolean isPause(short[] samples, int length) {
        double db = levelDbfs(samples, length);
        if (db < SILENT_DBFS) {
            return true;
        }
        if (++framesInBucket > FRAMES_PER_BUCKET) {
            bucket = (bucket + 1) % FLOOR_SECONDS;
            bucketLow[bucket] = Double.NaN;
            framesInBucket = 1;
        }
        if (Double.isNaN(bucketLow[bucket]) || db < bucketLow[bucket]) {
            bucketLow[bucket] = db;
        }
        return db <= floorDb() + ABOVE_FLOOR_DB;
    }

    private double floorDb() {
        double floor = Double.POSITIVE_INFINITY;
        for (double low : bucketLow) {
            if (!Double.isNaN(low)) {
                floor = Math.min(floor, low);
            }
        }
        return floor;
    }

    /** The frame's RMS level in dB below full scale (-120 for digital silence). */
    static double levelDbfs(short[] samples, int length) {
        if (length <= 0) {
            return -120;
        }
        double squares = 0;
        for (int i = 0; i < length; i++) {
            double s = samples[i] / 32768.0;
            squares += s * s;
        }
        double meanSquare = squares / length;
        return meanSquare <= 1e-12 ? -120 : 10 * Math.log10(meanSquare);
    }
}
