package vn.loalang.controller.live;

import vn.loalang.protocol.schedule.LiveChannelId;

import java.net.URI;
import java.util.Optional;

/** The controller's live channels, and where stations fetch them (the controller itself, or Icecast). */
public interface LiveChannels {
    /** The channel, opened now if it is not open. */
    LiveChannel open(LiveChannelId id);

    Optional<LiveChannel> get(LiveChannelId id);

    /** The URL a station fetches the channel from: what goes into a live item. */
    URI stationUrl(LiveChannelId id);
}
