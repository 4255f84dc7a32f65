package vn.loalang.controller.station;

import vn.loalang.controller.store.StoreException;
import vn.loalang.protocol.station.StationEvent;

import java.util.List;
import java.util.Objects;

/**
 * Where the controller keeps the play log and, with it, how far each station's journal has been
 * taken: enough for a restarted controller to drop the duplicates and wait for the gaps exactly
 * as before the restart.
 */
public interface EventLog {
    /**
     * One station's journal: {@code stream}, the highest number held with no gap before it, and the
     * numbers held ahead of a gap (ascending).
     */
    record Position(String stationId, String stream, long contiguous, List<Long> ahead) {
        public Position {
            Objects.requireNonNull(stationId, "stationId");
            Objects.requireNonNull(stream, "stream");
            ahead = List.copyOf(ahead);
        }
    }

    /** Each station's position as last recorded. */
    List<Position> positions();

    /**
     * Stores {@code event} (null when only the position moved, e.g. for an event this controller
     * cannot read) and the station's new {@code position} together: both or neither.
     *
     * @throws StoreException when it could not; then nothing was stored and nothing may be acknowledged
     */
    void record(StationEvent event, Position position);

    /** Every event taken, in the order taken. */
    List<StationEvent> events();

    /** Every event taken from one station, in the order taken. */
    List<StationEvent> events(String stationId);

    /** Where the log is, for people (a file name). */
    String where();
}
