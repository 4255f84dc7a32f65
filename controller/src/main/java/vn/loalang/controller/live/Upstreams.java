package vn.loalang.controller.live;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import vn.loalang.protocol.live.ChannelState;

import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The upstream fetches running now: at most one {@link UpstreamSupervisor} per named source, so a
 * commune pulls each upstream once, whatever the number of stations and slots. The relay plan
 * starts and stops them; the controller closes them all (every ffmpeg) before its ports.
 */
public final class Upstreams implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Upstreams.class);

    private final Optional<Ffmpeg> ffmpeg;
    private final ChannelRegistry channels;
    private final LiveStatePublisher states;
    private final Clock clock;
    private final UpstreamSupervisor.Recordings recordings;
    private final Map<String, UpstreamSupervisor> running = new HashMap<>();

    /** @param recordings where runs that name a recording are recorded; null: none is */
    public Upstreams(Optional<Ffmpeg> ffmpeg, ChannelRegistry channels, LiveStatePublisher states, Clock clock,
                     UpstreamSupervisor.Recordings recordings) {
        this.recordings = recordings;
        this.ffmpeg = ffmpeg;
        this.channels = channels;
        this.states = states;
        this.clock = clock;
    }

    /**
     * Starts pulling {@code source} for {@code run}; when it is already pulled (a run not ended), that
     * run goes on and is returned.
     *
     * @throws FfmpegMissingException the controller has no ffmpeg
     */
    public synchronized UpstreamSupervisor start(UpstreamSupervisor.Source source, UpstreamSupervisor.Run run) {
        UpstreamSupervisor now = running.get(source.id());
        if (now != null && now.state() != ChannelState.ENDED) {
            return now;
        }
        Ffmpeg f = ffmpeg.orElseThrow(() -> new FfmpegMissingException("ffmpeg", "it did not run at the controller's start"));
        UpstreamSupervisor s = UpstreamSupervisor.start(source, run, f, channels, states, clock, recordings);
        running.put(source.id(), s);
        log.info("Source {} is pulled until {} at the latest (ends by {})", source.id(), run.maxEnd(), run.endBy());
        return s;
    }

    public synchronized Optional<UpstreamSupervisor> running(String sourceId) {
        return Optional.ofNullable(running.get(sourceId)).filter(s -> s.state() != ChannelState.ENDED);
    }

    /** Stops pulling {@code sourceId} now (the last slot that needed it is over). */
    public void stop(String sourceId, String why) {
        UpstreamSupervisor s;
        synchronized (this) {
            s = running.remove(sourceId);
        }
        if (s != null) {
            s.end(why);
            s.close();
        }
    }

    /** Every fetch stops: ffmpeg processes end before the controller closes its ports. */
    @Override
    public void close() {
        List<UpstreamSupervisor> all;
        synchronized (this) {
            all = new ArrayList<>(running.values());
            running.clear();
        }
        all.forEach(UpstreamSupervisor::close);
    }
}
