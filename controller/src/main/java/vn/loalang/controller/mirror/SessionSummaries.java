package vn.loalang.controller.mirror;

import com.fasterxml.jackson.core.type.TypeReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import vn.loalang.controller.content.LibraryItem;
import vn.loalang.controller.store.Store;
import vn.loalang.protocol.Json;

import java.io.IOException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * After a village's session has played, its summary to the village's chat groups ("Buổi sáng 06/12 thôn Đông đã
 * phát: …"): once a minute, the village sessions that ended at least {@value #AFTER_MINUTES} min ago (the stations'
 * reports have come in), within the last {@link Outbox#SUMMARY_LIFE}, with items the village's stations reported
 * played and no summary yet. A session nothing was played of sends nothing: a summary says what people could hear.
 */
public final class SessionSummaries {
    private static final Logger log = LoggerFactory.getLogger(SessionSummaries.class);
    static final long AFTER_MINUTES = 2;
    /** station_event.at as the event log writes it: fixed width, so that it compares as text. */
    private static final DateTimeFormatter EVENT_TIME = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSSSSS'Z'");

    private final Store store;
    private final Clock clock;
    private final Outbox outbox;
    private final Messages messages;
    private final Function<String, Optional<LibraryItem>> library;
    /** Village sessions looked at already, with their end, forgotten once older than the window. */
    private final Map<String, Instant> done = new HashMap<>();

    public SessionSummaries(Store store, Clock clock, Outbox outbox, Messages messages,
                            Function<String, Optional<LibraryItem>> library) {
        this.store = store;
        this.clock = clock;
        this.outbox = outbox;
        this.messages = messages;
        this.library = library;
    }

    private record Ended(String village, String sessionId, String name, Instant start, Instant end,
                         List<String> planned) {
    }

    /** One round; returns the summaries enqueued (rows added). */
    public synchronized int tick() {
        Instant now = clock.instant();
        Instant latest = now.minus(Duration.ofMinutes(AFTER_MINUTES));
        Instant earliest = now.minus(Outbox.SUMMARY_LIFE);
        done.values().removeIf(end -> end.isBefore(earliest));
        int added = 0;
        for (Ended e : ended(earliest, latest)) {
            String key = e.village() + "|" + e.sessionId();
            if (done.containsKey(key)) {
                continue;
            }
            outbox.adoptBulletins(e.village(), e.sessionId(), e.planned(), e.start().minus(Duration.ofDays(1)));
            LocalDate date = messages.date(e.start());
            String ref = date + "/" + e.sessionId();
            if (!outbox.hasSession(e.village(), ref)) {
                List<Messages.PlayedItem> played = played(e);
                if (!played.isEmpty()) {
                    int n = outbox.session(e.village(), e.sessionId(), e.name(), date, played);
                    added += n;
                    log.info("Session {} of village {} played {} item(s): its summary goes to {} target(s)",
                            e.sessionId(), e.village(), played.size(), n);
                }
            }
            done.put(key, e.end());
        }
        return added;
    }

    private List<Ended> ended(Instant earliest, Instant latest) {
        return store.query(c -> {
            Map<String, Ended> out = new java.util.LinkedHashMap<>();
            try (PreparedStatement s = c.prepareStatement("""
                    SELECT village, session_id, name, start_ms, end_ms, items_json FROM planned_session
                    WHERE start_ms > ? AND start_ms <= ? AND end_ms > ? AND end_ms <= ?
                    ORDER BY end_ms, village, station_id""")) {
                // By start first, which is indexed: no session lasts a day.
                s.setLong(1, earliest.minus(Duration.ofDays(1)).toEpochMilli());
                s.setLong(2, latest.toEpochMilli());
                s.setLong(3, earliest.toEpochMilli());
                s.setLong(4, latest.toEpochMilli());
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        out.putIfAbsent(rs.getString(1) + "|" + rs.getString(2), new Ended(rs.getString(1),
                                rs.getString(2), rs.getString(3), Instant.ofEpochMilli(rs.getLong(4)),
                                Instant.ofEpochMilli(rs.getLong(5)), items(rs.getString(6))));
                    }
                }
            }
            return new ArrayList<>(out.values());
        });
    }

    /** The items the village's stations reported finished, in the session's order, each once, with its title. */
    private List<Messages.PlayedItem> played(Ended e) {
        Set<String> finished = store.query(c -> {
            Set<String> ids = new LinkedHashSet<>();
            try (PreparedStatement s = c.prepareStatement("""
                    SELECT DISTINCT ev.content_id FROM station_event ev
                    JOIN planned_session p ON p.station_id = ev.station_id AND p.session_id = ev.session_id
                    WHERE p.village = ? AND p.session_id = ? AND ev.type = 'ITEM_FINISHED'
                    AND ev.content_id IS NOT NULL AND ev.at >= ?""")) {
                s.setString(1, e.village());
                s.setString(2, e.sessionId());
                // The stations' events from a day before the session on (their clocks may be off): an indexed range,
                // not each station's whole history.
                s.setString(3, EVENT_TIME.format(e.start().minus(Duration.ofDays(1)).atOffset(ZoneOffset.UTC)));
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        ids.add(rs.getString(1));
                    }
                }
            }
            return ids;
        });
        // Only what was planned: a station's report is not trusted to name an item (a stolen Pi could report the
        // poor-household review list "played" and have its title sent to every chat group).
        List<String> order = new ArrayList<>(new LinkedHashSet<>(e.planned()));
        List<Messages.PlayedItem> out = new ArrayList<>();
        for (String id : order) {
            if (!finished.contains(id)) {
                continue;
            }
            // A relay's item is named after its channel; its recording, not the live item, is in the library.
            library.apply(id).ifPresentOrElse(
                    item -> out.add(new Messages.PlayedItem(id, item.title(), item.category())),
                    () -> out.add(new Messages.PlayedItem(id, id.startsWith("relay-") ? "Tiếp sóng" : id, "")));
        }
        return out;
    }

    private static List<String> items(String json) {
        try {
            return Json.mapper().readValue(json, new TypeReference<List<String>>() { });
        } catch (IOException e) {
            return List.of();
        }
    }
}
