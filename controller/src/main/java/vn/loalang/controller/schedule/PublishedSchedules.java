package vn.loalang.controller.schedule;

import com.fasterxml.jackson.core.JsonProcessingException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import vn.loalang.controller.report.PlannedSessions;
import vn.loalang.controller.store.Store;
import vn.loalang.protocol.Json;
import vn.loalang.protocol.MalformedMessageException;
import vn.loalang.protocol.schedule.Schedule;
import vn.loalang.protocol.signing.SignedBody;
import vn.loalang.protocol.signing.SignedEnvelope;

import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/** The last signed schedule of each station, in the store's {@code published_schedule} table. */
final class PublishedSchedules {
    private static final Logger log = LoggerFactory.getLogger(PublishedSchedules.class);

    /** A schedule as signed and sent: the bytes are what goes out again, never a new signature. */
    record Published(Schedule schedule, byte[] signed) {
    }

    private final Store store;

    PublishedSchedules(Store store) {
        this.store = store;
    }

    Map<String, Published> load() {
        Map<String, byte[]> rows = store.query(c -> {
            Map<String, byte[]> out = new LinkedHashMap<>();
            try (PreparedStatement s = c.prepareStatement(
                    "SELECT station_id, signed FROM published_schedule ORDER BY station_id");
                 ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getString(1), rs.getBytes(2));
                }
            }
            return out;
        });
        Map<String, Published> out = new LinkedHashMap<>();
        rows.forEach((station, signed) -> {
            try {
                out.put(station, new Published(payloadOf(signed), signed));
            } catch (MalformedMessageException | IllegalArgumentException e) {
                // Signed again at the next publish: better one duplicate schedule than none.
                log.warn("The stored schedule of station {} in {} cannot be read and will be signed again: {}", station,
                        store.file(), e.getMessage());
            }
        });
        return out;
    }

    void save(String stationId, Published p, Instant at) {
        store.transaction(c -> {
            try (PreparedStatement s = c.prepareStatement("""
                    INSERT INTO published_schedule (station_id, version, signed, sessions_json, published_at)
                    VALUES (?, ?, ?, ?, ?)
                    ON CONFLICT (station_id) DO UPDATE SET version = excluded.version, signed = excluded.signed,
                        sessions_json = excluded.sessions_json, published_at = excluded.published_at""")) {
                s.setString(1, stationId);
                s.setLong(2, p.schedule().version());
                s.setBytes(3, p.signed());
                s.setString(4, new String(Json.write(p.schedule().sessions()), StandardCharsets.UTF_8));
                s.setString(5, at.toString());
                s.executeUpdate();
            }
            PlannedSessions.write(c, p.schedule());
            return null;
        });
    }

    /** The schedule inside bytes this controller signed itself (so the signature needs no check here). */
    static Schedule payloadOf(byte[] signed) throws MalformedMessageException {
        SignedEnvelope envelope = Json.read(signed, SignedEnvelope.class);
        SignedBody body = Json.read(Base64.getUrlDecoder().decode(envelope.body()), SignedBody.class);
        try {
            return Json.mapper().treeToValue(body.payload(), Schedule.class);
        } catch (JsonProcessingException e) {
            throw new MalformedMessageException("not a schedule: " + e.getOriginalMessage(), e);
        }
    }
}
