package vn.loalang.agent.live;

import vn.loalang.audio.live.Frame;

/**
 * Turns a live channel's MP3 frames into PCM, one frame at a time and in order (a frame's sound
 * depends on the frames before it). The station's is {@link #jlayer()}; the live bench shares one
 * decode of each frame among its simulated stations, which all receive the same frames.
 */
public interface LiveDecoder {
    /** Decoded audio of one frame: interleaved 16-bit samples (the first {@code length}), with its rate and channel count. */
    record Decoded(short[] samples, int length, int sampleRate, int channels) {
    }

    /** The frame's PCM, or null when it could not be decoded (counted in {@link #failed()}). */
    Decoded decode(Frame frame);

    /** Frames that could not be decoded and were dropped. */
    long failed();

    /** JLayer, fed the frames as one stream. */
    static LiveDecoder jlayer() {
        return new FrameDecoder();
    }
}
