package vn.loalang.controller.bulletin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import vn.loalang.audio.speech.SpeechEngine;
import vn.loalang.audio.speech.SpeechException;
import vn.loalang.controller.audit.AuditLog;
import vn.loalang.controller.change.ChangeException;
import vn.loalang.controller.change.ChangeException.Kind;
import vn.loalang.controller.content.LibraryCatalog;
import vn.loalang.controller.content.LibraryItem;
import vn.loalang.controller.directory.Commune;
import vn.loalang.controller.directory.PlaylistEntry;
import vn.loalang.controller.directory.ProgramUse;
import vn.loalang.controller.priority.BackgroundThreads;
import vn.loalang.controller.store.Store;
import vn.loalang.protocol.Json;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The morning market-prices bulletin, one owner: keeps the officer's price tables and the settings, and each day at
 * the prepare time (on its own thread, {@value #THREAD}, nice 10) writes the bulletin from the newest table, reads it
 * the Vietnamese way, speaks it, keeps it in the library as {@code gia-ca-yyyyMMdd} (category market-prices,
 * levelled like any upload, expiring after two days) and asks for a compile when a program plays the day's
 * bulletin ({@code {"latestBulletin": "gia-ca"}}). Listeners (the mirror) hear of each bulletin published.
 */
public final class PriceBulletins implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PriceBulletins.class);
    public static final String THREAD = "bulletin";
    static final String ACTOR = "system";
    static final String CATEGORY = "market-prices";
    /** Stations need time to fetch the new item before the session that plays it. */
    public static final Duration LEAD = Duration.ofMinutes(30);
    /** How long a bulletin stays playable: the day it is for and the next (a late session, a replay). */
    static final int KEEP_DAYS = 2;
    private static final String SETTINGS_ID = "prices";

    /** A bulletin made and kept: what the mirror sends with the morning session. */
    public record Published(long bulletinId, LocalDate date, String title, String text, String libraryId) {
    }

    /** What the console shows before publishing: the text (digits), its reading (words), and what is wrong. */
    public record Preview(LocalDate date, String text, String reading, List<String> problems) {
    }

    /** The newest table kept, with where it came from. */
    public record StoredTable(long id, PriceTable table, String source, String receivedAt, String receivedBy) {
    }

    private final Store store;
    private final AuditLog audit;
    private final Clock clock;
    private final Supplier<Commune> commune;
    private final LibraryCatalog library;
    private final BulletinSpeech speech;
    private final Path scratch;
    private final PriceFeed feed;
    private final Runnable recompile;
    private final List<Consumer<Published>> listeners = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            BackgroundThreads.named(THREAD));
    private volatile String warning;
    /** Days whose bulletin the timer tried and could not make: tried once, then left to the operator. */
    private final java.util.Set<LocalDate> tried = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /**
     * @param scratch   where the speech engine writes its WAV files before the library takes them
     * @param recompile asks the schedule service for a compile (coalesced), when a program plays the bulletin
     */
    public PriceBulletins(Store store, AuditLog audit, Clock clock, Supplier<Commune> commune, LibraryCatalog library,
                          SpeechEngine engine, Path scratch, PriceFeed feed, Runnable recompile) {
        this.store = store;
        this.audit = audit;
        this.clock = clock;
        this.commune = commune;
        this.library = library;
        this.speech = new BulletinSpeech(engine);
        this.scratch = scratch;
        this.feed = feed;
        this.recompile = recompile;
    }

    /** Called with each bulletin published, on the thread that published it; a failing listener is logged. */
    public void onPublished(Consumer<Published> listener) {
        listeners.add(listener);
    }

    /** Checks each 30 seconds whether today's bulletin is due. */
    public void start() {
        timer.scheduleWithFixedDelay(this::tick, 5, 30, TimeUnit.SECONDS);
    }

    private void tick() {
        if (clock.instant().isBefore(notBefore)) {
            return;
        }
        try {
            prepareIfDue();
        } catch (RuntimeException e) {
            // Not a refusal the operator can fix (those are tried once a day) but a fault: a store or disk error. Each
            // try fetches the feed and keeps a table, so it backs off rather than hammering every 30 s all morning.
            notBefore = clock.instant().plus(AFTER_A_FAULT);
            String at = java.time.format.DateTimeFormatter.ofPattern("HH:mm")
                    .format(notBefore.atZone(commune.get().commune().zone()));
            warning = "Chưa làm được bản tin, sẽ thử lại lúc " + at + " / the bulletin could not be made, tried again at "
                    + at + ": " + e.getMessage();
            log.error("The market-prices bulletin could not be prepared ({}); trying again in {} min", e.toString(),
                    AFTER_A_FAULT.toMinutes(), e);
        }
    }

    /** How long the timer waits after a fault before it tries today's bulletin again. */
    static final java.time.Duration AFTER_A_FAULT = java.time.Duration.ofMinutes(10);
    private volatile java.time.Instant notBefore = java.time.Instant.MIN;

    @Override
    public void close() {
        timer.shutdownNow();
    }

    // ---- settings ----------------------------------------------------------------------------------------------

    public BulletinSettings settings() {
        return store.query(c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT settings_json FROM bulletin_settings WHERE id = ?")) {
                s.setString(1, SETTINGS_ID);
                try (ResultSet rs = s.executeQuery()) {
                    return rs.next() ? read(rs.getString(1), BulletinSettings.class) : BulletinSettings.DEFAULT;
                }
            }
        });
    }

    /** Keeps new settings; refused when the prepare time leaves less than {@link #LEAD} before a session playing it. */
    public BulletinSettings configure(String actor, BulletinSettings settings) {
        Optional<LocalTime> first = firstSessionPlayingIt(commune.get());
        if (first.isPresent() && settings.prepareAt().plus(LEAD).isAfter(first.get())) {
            throw new ChangeException(Kind.INVALID, "prepareAt", "Giờ soạn bản tin " + settings.prepareAt()
                    + " phải sớm hơn buổi phát " + first.get() + " ít nhất " + LEAD.toMinutes() + " phút / the prepare time "
                    + settings.prepareAt() + " must be at least " + LEAD.toMinutes() + " minutes before the "
                    + first.get() + " session that plays the bulletin");
        }
        if ("feed".equals(settings.source())) {
            try {
                feed.check(settings.feedUrl());
            } catch (PriceFeed.FeedException e) {
                throw new ChangeException(Kind.INVALID, "feedUrl", e.getMessage());
            }
        }
        BulletinSettings before = settings();
        store.transaction(c -> {
            try (PreparedStatement s = c.prepareStatement("""
                    INSERT INTO bulletin_settings (id, settings_json, changed_at, changed_by) VALUES (?, ?, ?, ?)
                    ON CONFLICT (id) DO UPDATE SET settings_json = excluded.settings_json,
                        changed_at = excluded.changed_at, changed_by = excluded.changed_by""")) {
                s.setString(1, SETTINGS_ID);
                s.setString(2, write(settings));
                s.setString(3, clock.instant().toString());
                s.setString(4, actor);
                s.executeUpdate();
            }
            audit.record(c, actor, "bulletin.settings", SETTINGS_ID, before, settings);
            return null;
        });
        log.info("Market-prices bulletin settings changed by {}: source {}, prepared at {}, dialect {}", actor,
                settings.source(), settings.prepareAt(), settings.dialect());
        return settings;
    }

    /** The earliest start of a session whose playlist has the day's price bulletin. */
    static Optional<LocalTime> firstSessionPlayingIt(Commune c) {
        PlaylistEntry bulletin = new PlaylistEntry.LatestBulletin(PlaylistEntry.LatestBulletin.PRICES);
        List<Commune.Program> programs = new java.util.ArrayList<>();
        programs.add(c.program());
        c.villages().stream().map(Commune.Village::program).filter(p -> p != null).forEach(programs::add);
        return programs.stream().flatMap(p -> java.util.stream.Stream.concat(
                        p.daily().stream().filter(d -> d.items().contains(bulletin)).map(Commune.DailySession::start),
                        p.oneOff().stream().filter(o -> o.items().contains(bulletin)).map(Commune.OneOffSession::start)))
                .min(LocalTime::compareTo);
    }

    /** What the operator should know: a stale table, a feed that failed; null when all is well. */
    public String warning() {
        return warning;
    }

    // ---- tables ------------------------------------------------------------------------------------------------

    /** Keeps an uploaded CSV table as today's; refused whole (422 with every line's problem) when a line is bad. */
    public StoredTable putCsv(String actor, byte[] bytes) {
        return keep(actor, "CSV", PriceTableCsv.read(bytes, today(), settings().market()));
    }

    /** Keeps a table given as JSON ({@link PriceTableJson}). */
    public StoredTable putJson(String actor, byte[] bytes) {
        return keep(actor, "JSON", PriceTableJson.read(bytes, settings().market()));
    }

    private StoredTable keep(String actor, String source, TableRead read) {
        if (!read.ok()) {
            List<String> problems = read.texts().isEmpty() ? List.of("Bảng không có mặt hàng nào / the table has no"
                    + " items") : read.texts();
            throw new ChangeException(Kind.REFUSED, "table", "Bảng giá có " + problems.size() + " lỗi, chưa lưu / the"
                    + " price table has " + problems.size() + " problem(s) and was not kept", problems);
        }
        PriceTable table = read.table();
        String at = clock.instant().toString();
        long id = store.transaction(c -> {
            long key;
            try (PreparedStatement s = c.prepareStatement("""
                    INSERT INTO price_table (table_date, market, rows_json, source, received_at, received_by)
                    VALUES (?, ?, ?, ?, ?, ?)""", Statement.RETURN_GENERATED_KEYS)) {
                s.setString(1, table.date().toString());
                s.setString(2, table.market());
                s.setString(3, write(table.rows()));
                s.setString(4, source);
                s.setString(5, at);
                s.setString(6, actor);
                s.executeUpdate();
                try (ResultSet keys = s.getGeneratedKeys()) {
                    keys.next();
                    key = keys.getLong(1);
                }
            }
            audit.record(c, actor, "bulletin.table", Long.toString(key), null,
                    java.util.Map.of("date", table.date().toString(), "market", table.market(), "source", source,
                            "rows", table.rows().size()));
            return key;
        });
        log.info("Price table {} of {} ({} rows, {}) kept from {}", id, table.date(), table.rows().size(), source, actor);
        return new StoredTable(id, table, source, at, actor);
    }

    /** The newest table kept, if any. */
    public Optional<StoredTable> table() {
        return store.query(c -> {
            try (PreparedStatement s = c.prepareStatement("""
                    SELECT id, table_date, market, rows_json, source, received_at, received_by FROM price_table
                    ORDER BY id DESC LIMIT 1""");
                 ResultSet rs = s.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                List<PriceRow> rows = read(rs.getString(4), new TypeReference<List<PriceRow>>() { });
                return Optional.of(new StoredTable(rs.getLong(1), new PriceTable(LocalDate.parse(rs.getString(2)),
                        rs.getString(3), rows), rs.getString(5), rs.getString(6), rs.getString(7)));
            }
        });
    }

    // ---- the bulletin -------------------------------------------------------------------------------------------

    /** Today's bulletin as it would be published now. */
    public Preview preview() {
        LocalDate today = today();
        BulletinSettings settings = settings();
        Optional<StoredTable> table = table();
        if (table.isEmpty()) {
            return new Preview(today, "", "", List.of("Chưa có bảng giá: hãy tải tệp CSV / no price table yet: upload"
                    + " the CSV file"));
        }
        try {
            String text = PriceBulletinWriter.write(table.get().table(), today);
            return new Preview(today, text, settings.reading().read(text), List.of());
        } catch (PriceBulletinWriter.StaleTable e) {
            return new Preview(today, "", "", List.of(e.getMessage()));
        }
    }

    /** Today's bulletin spoken into a new WAV file (the caller deletes it); refused when there is none. */
    public synchronized Path previewWav() {
        Preview p = preview();
        if (!p.problems().isEmpty()) {
            throw new ChangeException(Kind.REFUSED, "table", p.problems().get(0));
        }
        try {
            return speech.speak(p.reading(), scratch);
        } catch (SpeechException | IOException e) {
            throw new ChangeException(Kind.REFUSED, "text", "Không đọc được bản tin / the bulletin could not be"
                    + " spoken: " + e.getMessage());
        }
    }

    /**
     * Today's bulletin at the prepare time, once a day: from the feed when that is the source (the last table kept
     * when it fails), and only when none was published today. Empty when not due, already made, or not possible (the
     * operator is warned).
     */
    public Optional<Published> prepareIfDue() {
        BulletinSettings settings = settings();
        ZonedDateTime now = clock.instant().atZone(commune.get().commune().zone());
        LocalDate today = now.toLocalDate();
        if (now.toLocalTime().isBefore(settings.prepareAt()) || publishedOn(today)) {
            return Optional.empty();
        }
        String feedProblem = "feed".equals(settings.source()) ? fetchFeed(settings) : null;
        try {
            Published made = publish(ACTOR);
            if (feedProblem != null) {
                // Made from the last table kept: the operator should still hear that the feed failed.
                warning = feedProblem + " — bản tin dùng bảng giá đã lưu / the bulletin used the last table kept";
            }
            return Optional.of(made);
        } catch (ChangeException e) {
            warning = e.getMessage();
            log.warn("The market-prices bulletin of {} was not made: {}", today, e.getMessage());
            // Tried once a day: the operator publishes by hand once the table is fixed.
            markTried(today);
            return Optional.empty();
        }
    }

    private void markTried(LocalDate day) {
        tried.removeIf(d -> d.isBefore(day));
        tried.add(day);
    }

    private boolean publishedOn(LocalDate day) {
        if (tried.contains(day)) {
            return true;
        }
        return store.query(c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT 1 FROM price_bulletin WHERE day = ? LIMIT 1")) {
                s.setString(1, day.toString());
                try (ResultSet rs = s.executeQuery()) {
                    return rs.next();
                }
            }
        });
    }

    /** Fetches and keeps the feed's table; what went wrong (for the operator), or null when it was kept. */
    private String fetchFeed(BulletinSettings settings) {
        String problem;
        try {
            keep(ACTOR, "FEED", feed.fetch(settings.feedUrl(), settings.market()));
            return null;
        } catch (PriceFeed.FeedException e) {
            problem = e.getMessage();
        } catch (ChangeException e) {
            problem = e.getMessage() + ": " + String.join("; ", e.problems());
        }
        warning = problem;
        log.warn("The price feed {} gave no table ({}); the bulletin uses the last table kept", settings.feedUrl(),
                problem);
        return problem;
    }

    /** Makes today's bulletin now from the newest table, replacing one made earlier today. */
    public synchronized Published publish(String actor) {
        LocalDate today = today();
        BulletinSettings settings = settings();
        StoredTable table = table().orElseThrow(() -> new ChangeException(Kind.REFUSED, "table", "Chưa có bảng giá:"
                + " hãy tải tệp CSV / no price table yet: upload the CSV file"));
        String text;
        try {
            text = PriceBulletinWriter.write(table.table(), today);
        } catch (PriceBulletinWriter.StaleTable e) {
            throw new ChangeException(Kind.REFUSED, "table", e.getMessage());
        }
        String reading = settings.reading().read(text);
        String libraryId = new PlaylistEntry.LatestBulletin(PlaylistEntry.LatestBulletin.PRICES).itemFor(today);
        String title = PriceBulletinWriter.title(today);
        LibraryItem item = speakAndKeep(actor, libraryId, title, reading, today);
        long id = store.transaction(c -> {
            long key;
            try (PreparedStatement s = c.prepareStatement("""
                    INSERT INTO price_bulletin (day, library_id, table_id, title, text, reading, made_at, made_by)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)""", Statement.RETURN_GENERATED_KEYS)) {
                s.setString(1, today.toString());
                s.setString(2, libraryId);
                s.setLong(3, table.id());
                s.setString(4, title);
                s.setString(5, text);
                s.setString(6, reading);
                s.setString(7, clock.instant().toString());
                s.setString(8, actor);
                s.executeUpdate();
                try (ResultSet keys = s.getGeneratedKeys()) {
                    keys.next();
                    key = keys.getLong(1);
                }
            }
            audit.record(c, actor, "bulletin.publish", libraryId, null, java.util.Map.of("table", table.id(),
                    "text", text));
            return key;
        });
        warning = null;
        log.info("Market-prices bulletin {} of {} published by {} as library item {} ({} ms)", id, today, actor,
                libraryId, item.duration().toMillis());
        sweepExpired(today);
        if (ProgramUse.bulletins(commune.get(), PlaylistEntry.LatestBulletin.PRICES)) {
            recompile.run();
        }
        Published published = new Published(id, today, title, text, libraryId);
        for (Consumer<Published> l : listeners) {
            try {
                l.accept(published);
            } catch (RuntimeException e) {
                log.error("A listener of bulletin {} failed: {}", id, e.toString(), e);
            }
        }
        return published;
    }

    /** Bulletins whose days are over leave the library: one a day would fill the disk in a few years. */
    private void sweepExpired(LocalDate today) {
        String prefix = PlaylistEntry.LatestBulletin.PRICES + "-";
        for (LibraryItem old : library.index().items()) {
            if (old.id().startsWith(prefix) && CATEGORY.equals(old.category()) && old.expiredOn(today)) {
                try {
                    library.remove(ACTOR, old.id(), id -> false);
                    log.info("Market-prices bulletin {} expired on {}: removed from the library", old.id(), old.expires());
                } catch (ChangeException e) {
                    log.warn("Market-prices bulletin {} expired but stays: {}", old.id(), e.getMessage());
                }
            }
        }
    }

    private LibraryItem speakAndKeep(String actor, String libraryId, String title, String reading, LocalDate day) {
        Path wav;
        try {
            wav = speech.speak(reading, scratch);
        } catch (SpeechException | IOException e) {
            throw new ChangeException(Kind.REFUSED, "text", "Không đọc được bản tin / the bulletin could not be"
                    + " spoken: " + e.getMessage());
        }
        try (InputStream in = Files.newInputStream(wav)) {
            if (library.index().byId(libraryId).isPresent()) {
                // Published again the same day (a corrected table): the new reading replaces the old one. No program
                // names the item by its id, only by its series, so nothing holds it.
                library.remove(actor, libraryId, id -> false);
            }
            return library.keepSpoken(actor, new Commune.LibraryEntry(libraryId, title, CATEGORY, "bulletin.wav", 0.0,
                    day.plusDays(KEEP_DAYS), "vi"), in);
        } catch (IOException e) {
            throw new ChangeException(Kind.REFUSED, "text", "the spoken bulletin could not be kept: " + e.getMessage());
        } finally {
            try {
                Files.deleteIfExists(wav);
            } catch (IOException e) {
                log.warn("Could not delete {}: {}", wav, e.getMessage());
            }
        }
    }

    private LocalDate today() {
        return LocalDate.ofInstant(clock.instant(), commune.get().commune().zone());
    }

    private static String write(Object value) {
        try {
            return Json.mapper().writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + value, e);
        }
    }

    private static <T> T read(String json, Class<T> type) {
        try {
            return Json.mapper().readValue(json, type);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("the stored bulletin settings cannot be read: " + e.getMessage(), e);
        }
    }

    private static <T> T read(String json, TypeReference<T> type) {
        try {
            return Json.mapper().readValue(json, type);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a stored price table cannot be read: " + e.getMessage(), e);
        }
    }
}
