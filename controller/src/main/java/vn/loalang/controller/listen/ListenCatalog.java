package vn.loalang.controller.listen;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import vn.loalang.controller.content.ContentLibrary;
import vn.loalang.controller.content.LibraryItem;
import vn.loalang.controller.directory.Commune;
import vn.loalang.controller.store.Store;
import vn.loalang.protocol.Json;
import vn.loalang.protocol.schedule.LiveChannelId;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * What anyone may hear again: per village and commune date, the sessions that started and each item a
 * loudspeaker of the village reported it finished ({@code ITEM_FINISHED}), of a public category, while its
 * file is still in the library; and the alerts, active or of the last {@link #ALERT_DAYS} days. A relay
 * slot is heard through its recording ({@code live.Recorder}'s {@code rec-SOURCE-yyyyMMdd-HHmm}), when that
 * category is public. Nothing here says whether a hidden item exists: it is simply not listed.
 */
public final class ListenCatalog {
    public static final int ALERT_DAYS = 30;
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmm");

    /**
     * A file to hear: the 32 kbps copy for phones ({@code phone}), or the line MP3; {@code bytes} its exact size.
     */
    public record Audio(Path file, long bytes, boolean phone) {
    }

    /**
     * A played item. {@code heard} null: no longer in the library, or past its expiry date ("đã hết hạn"); else
     * the file offered (the phone copy once made) and, in {@code line}, the line MP3 it was made from.
     *
     * @param played when the first loudspeaker of the village finished it
     */
    public record Item(String village, LocalDate date, String sessionId, String sessionName, String libraryId,
                       String title, String category, long seconds, Instant played, Audio heard, Audio line) {
        public boolean available() {
            return heard != null;
        }

        /** The file offered; null when expired. */
        public Path file() {
            return heard == null ? null : heard.file();
        }

        /** The size of the file offered (of the line file when expired). */
        public long bytes() {
            return heard == null ? line.bytes() : heard.bytes();
        }

        public boolean phone() {
            return heard != null && heard.phone();
        }
    }

    /** A session of a village that started, with its public items; {@code expired} items it played are gone. */
    public record Session(String sessionId, String name, Instant start, List<Item> items, int expired) {
    }

    public record Day(String village, LocalDate date, List<Session> sessions) {
    }

    /**
     * An alert as the public sees it: its headline (CAP's, or the operator's title), its text (what was spoken,
     * or the reason typed), CAP's instruction when it had one, and the audio file of its first library item.
     */
    public record Alert(String id, String priority, String headline, String text, String instruction, Instant created,
                        Instant expires, boolean active, List<String> villages, Audio heard, Audio line, long seconds) {
        public boolean hasAudio() {
            return heard != null;
        }

        public Path file() {
            return heard == null ? null : heard.file();
        }

        public long bytes() {
            return heard == null ? 0 : heard.bytes();
        }

        public boolean phone() {
            return heard != null && heard.phone();
        }

        public boolean concerns(String village) {
            return villages.contains("*") || villages.contains(village);
        }
    }

    /** A lighter copy of an item for phones, when one is made ({@link ListenRenditions}); none: the line MP3. */
    @FunctionalInterface
    public interface PhoneCopies {
        Optional<Path> of(LibraryItem item);

        PhoneCopies NONE = item -> Optional.empty();
    }

    private final Store store;
    private final Supplier<Commune> commune;
    private final ContentLibrary library;
    private final Supplier<Set<String>> publicCategories;
    private final Clock clock;
    private final PhoneCopies copies;

    public ListenCatalog(Store store, Supplier<Commune> commune, ContentLibrary library,
                         Supplier<Set<String>> publicCategories, Clock clock) {
        this(store, commune, library, publicCategories, clock, PhoneCopies.NONE);
    }

    /** Per "village|date", and the alert list: null in a catalog that reads the store at every call. */
    private final Cache<String, Day> days;
    private final Cache<String, List<Alert>> alertList;

    public ListenCatalog(Store store, Supplier<Commune> commune, ContentLibrary library,
                         Supplier<Set<String>> publicCategories, Clock clock, PhoneCopies copies) {
        this(store, commune, library, publicCategories, clock, copies, Duration.ZERO);
    }

    private ListenCatalog(Store store, Supplier<Commune> commune, ContentLibrary library,
                          Supplier<Set<String>> publicCategories, Clock clock, PhoneCopies copies, Duration fresh) {
        this.store = store;
        this.commune = commune;
        this.library = library;
        this.publicCategories = publicCategories;
        this.clock = clock;
        this.copies = copies;
        if (fresh.isZero()) {
            this.days = null;
            this.alertList = null;
        } else {
            // Bounded: the public side asks only for known villages and the last weeks' dates.
            this.days = Caffeine.newBuilder().maximumSize(2_000).expireAfterWrite(fresh).executor(Runnable::run).build();
            this.alertList = Caffeine.newBuilder().maximumSize(1).expireAfterWrite(fresh).executor(Runnable::run).build();
        }
    }

    /**
     * The same catalog, keeping each day and the alert list for {@code fresh} (the public side: the store has one
     * lock, which the alert path waits on, so a burst of requests reads it once, whatever ids they name).
     */
    public ListenCatalog cachedFor(Duration fresh) {
        if (fresh.isNegative() || fresh.isZero()) {
            throw new IllegalArgumentException("a cached catalog keeps what it read for a positive time, not " + fresh);
        }
        return new ListenCatalog(store, commune, library, publicCategories, clock, copies, fresh);
    }

    /** The file offered: the phone copy when made, else the line MP3; with its exact size. */
    private Audio heard(LibraryItem item) {
        Optional<Path> copy = copies.of(item);
        if (copy.isPresent()) {
            try {
                return new Audio(copy.get(), java.nio.file.Files.size(copy.get()), true);
            } catch (IOException e) {
                // Swept between the two calls: the line file is still there.
            }
        }
        return line(item);
    }

    private static Audio line(LibraryItem item) {
        return new Audio(item.file(), item.sizeBytes(), false);
    }

    public Commune commune() {
        return commune.get();
    }

    public ZoneId zone() {
        return commune.get().commune().zone();
    }

    public LocalDate today() {
        return LocalDate.ofInstant(clock.instant(), zone());
    }

    public Instant now() {
        return clock.instant();
    }

    public Optional<Commune.Village> village(String id) {
        return commune.get().villages().stream().filter(v -> v.id().equals(id)).findFirst();
    }

    /** A date as written in a path or {@code ?ngay=}: yyyy-MM-dd, not after today, at most {@code days} back. */
    public Optional<LocalDate> date(String text, int days) {
        try {
            if (text == null || text.length() != 10) {
                return Optional.empty();
            }
            LocalDate d = LocalDate.parse(text);
            LocalDate today = today();
            return d.isAfter(today) || d.isBefore(today.minusDays(days)) ? Optional.empty() : Optional.of(d);
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    /**
     * What a loudspeaker of a village finished in the sessions of that village that started in a time span: one
     * index search per session ({@code station_event_session}, V31), never a scan of the play log.
     */
    static final String FINISHED = """
            SELECT e.session_id, e.content_id, MIN(e.at) FROM planned_session p
            JOIN station_event e ON e.session_id = p.session_id AND e.station_id = p.station_id
                                AND e.type = 'ITEM_FINISHED'
            WHERE p.village = ? AND p.start_ms >= ? AND p.start_ms < ? AND e.content_id IS NOT NULL
            GROUP BY e.session_id, e.content_id""";

    /** A planned session's row as stored; parsed outside the store's lock. */
    private record PlannedRow(String id, String name, long start, long end, String itemsJson) {
    }

    /** The rows a day is made of, read under the store's lock in two queries; nothing else is done there. */
    private record DayRows(List<PlannedRow> planned, Map<String, Map<String, Instant>> finished) {
    }

    /** The sessions of {@code village} that started on {@code date} (up to now), with their public played items. */
    public Day day(String village, LocalDate date) {
        return days == null ? readDay(village, date) : days.get(village + "|" + date, k -> readDay(village, date));
    }

    /** Whether {@link #day} would be answered from memory (a cached catalog, read within its time). */
    public boolean dayInMemory(String village, LocalDate date) {
        return days != null && days.getIfPresent(village + "|" + date) != null;
    }

    private Day readDay(String village, LocalDate date) {
        ZoneId zone = zone();
        long from = date.atStartOfDay(zone).toInstant().toEpochMilli();
        long to = Math.min(date.plusDays(1).atStartOfDay(zone).toInstant().toEpochMilli(), clock.millis());
        Set<String> open = publicCategories.get();
        LocalDate today = today();
        DayRows rows = store.query(c -> {
            List<PlannedRow> planned = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement("""
                    SELECT session_id, name, start_ms, end_ms, items_json FROM planned_session
                    WHERE village = ? AND start_ms >= ? AND start_ms < ? ORDER BY start_ms, station_id""")) {
                s.setString(1, village);
                s.setLong(2, from);
                s.setLong(3, to);
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        planned.add(new PlannedRow(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getLong(4),
                                rs.getString(5)));
                    }
                }
            }
            Map<String, Map<String, String>> finishedAt = new LinkedHashMap<>();
            if (!planned.isEmpty()) {
                try (PreparedStatement s = c.prepareStatement(FINISHED)) {
                    s.setString(1, village);
                    s.setLong(2, from);
                    s.setLong(3, to);
                    try (ResultSet rs = s.executeQuery()) {
                        while (rs.next()) {
                            finishedAt.computeIfAbsent(rs.getString(1), k -> new LinkedHashMap<>())
                                    .put(rs.getString(2), rs.getString(3));
                        }
                    }
                }
            }
            Map<String, Map<String, Instant>> finished = new LinkedHashMap<>();
            finishedAt.forEach((session, items) -> {
                Map<String, Instant> parsed = new LinkedHashMap<>();
                items.forEach((item, at) -> parsed.put(item, Instant.parse(at)));
                finished.put(session, parsed);
            });
            return new DayRows(planned, finished);
        });
        // Parsing, the library and the file checks, after the lock is released.
        record Planned(String id, String name, long start, long end, Set<String> items) {
        }
        Map<String, Planned> sessions = new LinkedHashMap<>();
        for (PlannedRow r : rows.planned()) {
            sessions.computeIfAbsent(r.id(), id -> new Planned(id, r.name(), r.start(), r.end(), new LinkedHashSet<>()))
                    .items().addAll(ids(r.itemsJson()));
        }
        List<Session> out = new ArrayList<>();
        for (Planned p : sessions.values()) {
            Map<String, Instant> finished = rows.finished().getOrDefault(p.id(), Map.of());
            List<Item> items = new ArrayList<>();
            int expired = 0;
            for (String id : p.items()) {
                Instant played = finished.get(id);
                if (played == null) {
                    continue;
                }
                Optional<LibraryItem> item = id.startsWith(LiveChannelId.RELAY_PREFIX)
                        ? recording(id.substring(LiveChannelId.RELAY_PREFIX.length()), p.start(), p.end(), zone)
                        : library.byId(id);
                if (item.isEmpty()) {
                    // Swept from the library: its category is no longer known, so only a count is shown.
                    expired += id.startsWith(LiveChannelId.RELAY_PREFIX) ? 0 : 1;
                    continue;
                }
                LibraryItem li = item.get();
                if (!open.contains(li.category())) {
                    continue;
                }
                boolean gone = li.expiredOn(today) || !"MP3".equals(li.format());
                items.add(new Item(village, date, p.id(), p.name(), li.id(), li.title(), li.category(),
                        Math.max(1, li.duration().toSeconds()), played, gone ? null : heard(li), line(li)));
            }
            if (!items.isEmpty() || expired > 0) {
                out.add(new Session(p.id(), p.name(), Instant.ofEpochMilli(p.start()), List.copyOf(items), expired));
            }
        }
        return new Day(village, date, List.copyOf(out));
    }

    /** One item that may be heard now: played in that session, public, still in the library. */
    public Optional<Item> item(String village, LocalDate date, String sessionId, String libraryId) {
        return day(village, date).sessions().stream().filter(s -> s.sessionId().equals(sessionId))
                .flatMap(s -> s.items().stream()).filter(i -> i.libraryId().equals(libraryId) && i.available())
                .findFirst();
    }

    /** The items of {@code village} that may be heard now, newest first: the last {@code days} days, at most {@code max}. */
    public List<Item> recent(String village, int days, int max) {
        LocalDate today = today();
        List<Item> out = new ArrayList<>();
        for (int d = 0; d < days && out.size() < max; d++) {
            List<Item> ofDay = new ArrayList<>();
            day(village, today.minusDays(d)).sessions().forEach(s -> s.items().stream().filter(Item::available)
                    .forEach(ofDay::add));
            ofDay.sort(Comparator.comparing(Item::played).reversed());
            ofDay.stream().limit(max - out.size()).forEach(out::add);
        }
        return out;
    }

    /** An alert's row as stored; made into an {@link Alert} outside the store's lock. */
    private record AlertRow(String id, String priority, String title, String reason, String itemsJson, String created,
                            String expires, String state, String villagesJson, String spoken, String headline,
                            String instruction) {
    }

    /** Alerts still on, and those of the last {@link #ALERT_DAYS} days, newest first; of {@code village}, or all (null). */
    public List<Alert> alerts(String village) {
        List<Alert> all = alertList == null ? readAlerts() : alertList.get("all", k -> readAlerts());
        return village == null ? all : all.stream().filter(a -> a.concerns(village)).toList();
    }

    /** Whether {@link #alerts} would be answered from memory (a cached catalog, read within its time). */
    public boolean alertsInMemory() {
        return alertList != null && alertList.getIfPresent("all") != null;
    }

    /** An alert was published or cancelled: a cached catalog reads the alerts again at the next request. */
    public void alertsChanged() {
        if (alertList != null) {
            alertList.invalidateAll();
        }
    }

    private List<Alert> readAlerts() {
        Instant now = clock.instant();
        List<AlertRow> rows = store.query(c -> {
            List<AlertRow> out = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement("""
                    SELECT id, priority, title, reason, items_json, created_at, expires_at, state, villages_json,
                           spoken_text, headline, instruction FROM alert
                    WHERE state = 'ACTIVE' OR created_at >= ? ORDER BY created_at DESC LIMIT 200""")) {
                s.setString(1, now.minus(Duration.ofDays(ALERT_DAYS)).toString());
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        out.add(new AlertRow(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                                rs.getString(5), rs.getString(6), rs.getString(7), rs.getString(8), rs.getString(9),
                                rs.getString(10), rs.getString(11), rs.getString(12)));
                    }
                }
            }
            return out;
        });
        return rows.stream().map(r -> alert(r, now)).toList();
    }

    public Optional<Alert> alert(String id) {
        return alerts(null).stream().filter(a -> a.id().equals(id)).findFirst();
    }

    private Alert alert(AlertRow r, Instant now) {
        Instant expires = Instant.parse(r.expires());
        boolean active = "ACTIVE".equals(r.state()) && expires.isAfter(now);
        String headline = firstOf(r.headline(), r.title());
        String text = firstOf(r.spoken(), r.reason());
        Optional<LibraryItem> audio = ids(r.itemsJson()).stream().map(library::byId).flatMap(Optional::stream)
                .filter(i -> "MP3".equals(i.format())).findFirst();
        return new Alert(r.id(), r.priority(), headline, text, r.instruction(), Instant.parse(r.created()), expires,
                active, ids(r.villagesJson()), audio.map(this::heard).orElse(null),
                audio.map(ListenCatalog::line).orElse(null),
                audio.map(i -> Math.max(1, i.duration().toSeconds())).orElse(0L));
    }

    /**
     * The file offered for {@code item} now: its phone copy when made since the item was read (a cached day
     * still names the line file), else what the item names.
     */
    public Audio phoneCopy(Item item) {
        if (item.phone() || item.heard() == null) {
            return item.phone() ? item.heard() : item.line();
        }
        return library.byId(item.libraryId()).map(this::heard).filter(Audio::phone).orElse(item.line());
    }

    /** The recording of a relay slot of {@code source} that began within the session, if kept. */
    private Optional<LibraryItem> recording(String source, long startMs, long endMs, ZoneId zone) {
        String prefix = "rec-" + source + "-";
        return library.items().stream().filter(i -> i.id().startsWith(prefix)).filter(i -> {
            try {
                LocalDateTime at = LocalDateTime.parse(i.id().substring(prefix.length()), STAMP);
                long ms = at.atZone(zone).toInstant().toEpochMilli();
                // Stamped to the minute: a slot from the session's first minute to its end.
                return ms >= startMs - 60_000 && ms < endMs;
            } catch (DateTimeParseException e) {
                return false;
            }
        }).findFirst();
    }

    private static String firstOf(String a, String b) {
        return a != null && !a.isBlank() ? a : b;
    }

    /**
     * The ids in a JSON array: plain strings (a session's planned items, an alert's villages) or objects with
     * a {@code contentId} (an alert's items as sent).
     */
    static List<String> ids(String json) {
        try {
            JsonNode node = Json.mapper().readTree(json);
            List<String> out = new ArrayList<>();
            if (node != null && node.isArray()) {
                for (JsonNode n : node) {
                    if (n.isTextual()) {
                        out.add(n.asText());
                    } else if (n.hasNonNull("contentId")) {
                        out.add(n.get("contentId").asText());
                    }
                }
            }
            return out;
        } catch (IOException e) {
            throw new IllegalStateException("not a JSON list of ids in the store: " + json, e);
        }
    }
}
