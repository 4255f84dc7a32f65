package vn.loalang.controller.live;

import vn.loalang.audio.live.Frame;

/**
 * Something that takes a live channel's frames as they come: a listener's connection, the Icecast source
 * client, the recorder. Called on the producer's thread, so it must not block: queue and return.
 */
public interface FrameListener {
    void frame(Frame frame);

    /** The channel ended: nothing more will come. */
    void ended();
}
