package vn.loalang.agent.playout;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import vn.loalang.agent.audio.DigitalGain;
import vn.loalang.agent.audio.OutputLevel;

import java.util.Locale;
import java.util.function.DoubleSupplier;

/**
 * The level a program plays at, in dB on top of each item's own gain: the installer's trim
 * ({@code audio.volumeDb}) + the station's volume (the technician's, from the signed schedule) + the
 * program's own (a session's, set by the operator, or a talk's). An emergency ignores the program's own
 * level: it plays at the station's, never quieter because the session it pre-empted was turned down.
 * The level is handed to the {@link OutputLevel} as each program goes on the line; what the output
 * leaves to the samples is what the player multiplies them by.
 */
public final class Level {
    private static final Logger log = LoggerFactory.getLogger(Level.class);

    private final String stationId;
    private final double trimDb;
    private final DoubleSupplier stationDb;
    private final OutputLevel output;
    private volatile Double onAir;

    /**
     * @param trimDb    the installer's trim
     * @param stationDb the station's volume in the schedule the station holds now (0 without one)
     */
    public Level(String stationId, double trimDb, DoubleSupplier stationDb, OutputLevel output) {
        this.stationId = stationId;
        this.trimDb = trimDb;
        this.stationDb = stationDb;
        this.output = output;
    }

    /** The installer's trim alone, in the samples (a player without a schedule: tests, benches). */
    public static Level trim(double trimDb) {
        return new Level("-", trimDb, () -> 0.0, new DigitalGain());
    }

    /** The station's level: trim + the technician's volume. */
    public double stationDb() {
        return trimDb + stationDb.getAsDouble();
    }

    /** The level of what plays now; null when nothing does. */
    public Double onAirDb() {
        return onAir;
    }

    /** The level {@code program} plays at. */
    public double of(Program program) {
        boolean own = program.volumeDb() != null && program.priority() != Priority.EMERGENCY;
        return stationDb() + (own ? program.volumeDb() : 0.0);
    }

    /**
     * Puts {@code program}'s level on the output as it goes on the line.
     *
     * @return the dB the player still applies to the samples (with each item's own gain)
     */
    double start(Program program) {
        double db = of(program);
        onAir = db;
        double digital = output.set(db);
        log.info("Station {} plays {} at {} dB (station {} dB{}), through {}", stationId, program.id(), dB(db),
                dB(stationDb()), program.volumeDb() == null ? ""
                        : program.priority() == Priority.EMERGENCY ? ", its own level ignored: an emergency"
                        : ", its own " + dB(program.volumeDb()) + " dB", output.describe());
        return digital;
    }

    /** Nothing plays any more. */
    void idle() {
        onAir = null;
    }

    private static String dB(double db) {
        return String.format(Locale.ROOT, "%+.1f", db);
    }
}
