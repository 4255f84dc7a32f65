package vn.loalang.controller.schedule;

import vn.loalang.controller.live.LiveSource;
import vn.loalang.protocol.schedule.LiveChannelId;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * What the compiler needs to turn a program's relays into live items.
 *
 * @param sources    the commune's named sources as they are now ({@code LiveSources::all})
 * @param stationUrl where stations fetch a channel ({@code LiveChannels::stationUrl}: the controller or Icecast)
 * @param agents     which stations play live items
 * @param late       missed relays' recordings to open sessions with, late: station → session id → library ids
 *                   ({@code CatchUp::lateItems})
 */
public record LiveInputs(Supplier<Map<String, LiveSource>> sources, Function<LiveChannelId, URI> stationUrl,
                         LiveAgents agents, Supplier<Map<String, Map<String, List<String>>>> late) {
    public LiveInputs(Supplier<Map<String, LiveSource>> sources, Function<LiveChannelId, URI> stationUrl,
                      LiveAgents agents) {
        this(sources, stationUrl, agents, Map::of);
    }

    /** No sources: a relay in the program is a problem (a controller or a test without live parts). */
    public static final LiveInputs NONE = new LiveInputs(Map::of, channel -> {
        throw new IllegalStateException("no live channels: " + channel);
    }, LiveAgents.all());
}
