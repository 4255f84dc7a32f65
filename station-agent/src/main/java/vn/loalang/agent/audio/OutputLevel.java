package vn.loalang.agent.audio;

/**
 * Where a program's level (the installer's trim, the station's and the session's volume, in dB) is
 * applied: in the samples ({@link DigitalGain}, the default, which the WAV renders show) or on the sound
 * card's own mixer ({@link AlsaMixerLevel}). Set once as each program goes on the line.
 */
public interface OutputLevel {
    /**
     * Puts the output at {@code db} for the program about to play.
     *
     * @return the part of {@code db} the player must still apply to the samples itself (all of it for
     *         digital gain; none of it when a mixer took it)
     */
    double set(double db);

    /** For the log and the technician: "digital" or "alsa mixer 1/PCM". */
    String describe();
}
