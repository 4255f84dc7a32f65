package vn.loalang.controller.live;

import vn.loalang.protocol.schedule.LiveChannelId;
import vn.loalang.protocol.live.LiveState;

/**
 * Where a channel's state goes: signed and retained on {@code {root}/live/{channel}/state}
 * ({@link SignedLiveStates}), so a station that connects late knows it too. The stream carries
 * only bytes; this is what stations believe about it.
 */
public interface LiveStatePublisher {
    void publish(LiveState state);

    /** The channel is no longer in use: its retained state is removed. */
    void clear(LiveChannelId channel);
}
