package vn.loalang.controller.signing;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import vn.loalang.controller.store.Store;
import vn.loalang.controller.store.StoreException;
import vn.loalang.protocol.signing.SequenceFloor;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;

/**
 * The signing sequence's floor in the store's {@code signing_sequence} row: what keeps the stations
 * accepting a restarted controller's messages after its clock ran ahead and was set back.
 */
public final class StoredSequenceFloor implements SequenceFloor {
    private static final Logger log = LoggerFactory.getLogger(StoredSequenceFloor.class);

    private final Store store;
    private final Clock clock;
    /** Whether the last raise failed: said once, not at every message while the disk stays full. */
    private boolean failing;

    public StoredSequenceFloor(Store store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    @Override
    public long read() {
        return store.query(c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT floor FROM signing_sequence WHERE id = 1");
                 ResultSet rs = s.executeQuery()) {
                return rs.next() ? rs.getLong(1) : 0L;
            }
        });
    }

    @Override
    public synchronized void raise(long atLeast) {
        try {
            store.transaction(c -> {
                try (PreparedStatement s = c.prepareStatement("""
                        INSERT INTO signing_sequence (id, floor, raised_at) VALUES (1, ?, ?)
                        ON CONFLICT (id) DO UPDATE SET floor = max(floor, excluded.floor), raised_at = excluded.raised_at""")) {
                    s.setLong(1, atLeast);
                    s.setString(2, clock.instant().toString());
                    s.executeUpdate();
                }
                return null;
            });
            if (failing) {
                failing = false;
                log.info("The signing sequence is kept in the store {} again", store.file());
            }
        } catch (StoreException e) {
            // Signing goes on: an alert matters more. The risk is a clock set back AND a restart before this mends.
            if (!failing) {
                failing = true;
                log.error("The signing sequence could not be kept in the store ({}); messages are still signed, but "
                        + "if the server clock is set back and the controller restarts before the store can be written "
                        + "again, stations may refuse its messages as replays until the clock catches up", e.getMessage());
            }
        }
    }
}
