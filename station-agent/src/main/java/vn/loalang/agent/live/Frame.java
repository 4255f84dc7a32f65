package vn.loalang.agent.live;

/** TEMPORARY stand-in for the contract vn.loalang.audio.live.Frame (WP0); removed when it lands. */
public record Frame(byte[] bytes, int sampleRate, int samples) {
    public long micros() {
        return samples * 1_000_000L / sampleRate;
    }
}
