package vn.loalang.agent.audio;

/** The level applied to the samples themselves: the default, and what the WAV sink records. */
public final class DigitalGain implements OutputLevel {
    @Override
    public double set(double db) {
        return db;
    }

    @Override
    public String describe() {
        return "digital";
    }
}
