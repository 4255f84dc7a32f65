package vn.loalang.controller.api;

import vn.loalang.controller.directory.Commune;
import vn.loalang.protocol.station.StationState;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Each station as the operator sees it: where it is, whether it is online, and whether it holds
 * the schedule last published to it. "Behind" is judged by what the station reported
 * (SCHEDULE_ACCEPTED in the play log), not by what the broker delivered.
 */
public final class StationStatus {
    /**
     * @param presence         ONLINE, OFFLINE, or UNKNOWN when the station never reported since this start
     * @param publishedVersion the version of the schedule last published to it; null when none
     * @param acceptedVersion  the latest version it reported accepting; null when none
     * @param volumeDb         the level its technician set; null when it has the commune's default
     * @param effectiveVolumeDb the level its schedule carries: its own, or the commune's default
     */
    public record Row(String id, String name, String village, String villageName, String presence,
                      Instant presenceAt, Long publishedVersion, Long acceptedVersion, boolean behind, Double latitude,
                      Double longitude, int relayChannels, int warmUpMs, Double volumeDb, double effectiveVolumeDb) {
    }

    private final Supplier<Commune> commune;
    private final Function<String, Optional<StationState>> presence;
    private final Supplier<Map<String, Long>> published;
    private final Supplier<Map<String, Long>> accepted;

    /**
     * @param published the version last published to each station
     * @param accepted  the version each station last reported accepting
     */
    public StationStatus(Supplier<Commune> commune, Function<String, Optional<StationState>> presence,
                         Supplier<Map<String, Long>> published, Supplier<Map<String, Long>> accepted) {
        this.commune = commune;
        this.presence = presence;
        this.published = published;
        this.accepted = accepted;
    }

    public List<Row> rows() {
        Map<String, Long> pub = published.get();
        Map<String, Long> acc = accepted.get();
        Commune commune = this.commune.get();
        List<Row> out = new ArrayList<>();
        for (Commune.Station s : commune.stations()) {
            Optional<StationState> state = presence.apply(s.id());
            Long publishedVersion = pub.get(s.id());
            Long acceptedVersion = acc.get(s.id());
            boolean behind = publishedVersion != null && (acceptedVersion == null || acceptedVersion < publishedVersion);
            out.add(new Row(s.id(), s.name(), s.village(),
                    commune.village(s.village()).map(Commune.Village::name).orElse(null),
                    state.map(st -> st.presence().name()).orElse("UNKNOWN"), state.map(StationState::at).orElse(null),
                    publishedVersion, acceptedVersion, behind, s.latitude(), s.longitude(), s.relayChannels(),
                    s.warmUpMs(), s.volumeDb(),
                    s.volumeDb() != null ? s.volumeDb() : commune.commune().volume().defaultDb()));
        }
        return out;
    }
}
