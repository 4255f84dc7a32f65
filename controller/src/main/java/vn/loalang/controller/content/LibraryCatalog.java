package vn.loalang.controller.content;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import vn.loalang.audio.AudioContentException;
import vn.loalang.controller.ChangeException;
import vn.loalang.controller.ChangeException.Kind;
import vn.loalang.controller.audit.AuditLog;
import vn.loalang.controller.directory.CommuneFile;
import vn.loalang.controller.store.Store;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.text.Normalizer;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * The library as the store keeps it: each accepted file under its SHA-256 in the content folder,
 * its measurements and the operator's metadata in {@code library_item}, each refusal with its
 * reason in {@code library_refusal}. It keeps the {@link ContentLibrary} that the compiler and the
 * content server read up to date. A file is written to the content folder in full and renamed into
 * place before its row is committed, so the store never names a file that is not all there.
 */
public final class LibraryCatalog {
    private static final Logger log = LoggerFactory.getLogger(LibraryCatalog.class);
    /** An hour of 320 kbps stereo MP3 is 144 MB; a WAV of a long meeting may be more. */
    public static final long MAX_UPLOAD_BYTES = 512L * 1024 * 1024;
    private static final String INCOMING = "incoming";

    /** A refused file, as the operator sees it. */
    public record Refusal(long id, String at, String actor, String itemId, String title, String originalName,
                          String reason) {
    }

    /** A change of an item's metadata; null fields stay as they are ({@code clearExpiry} removes the expiry). */
    public record Edit(String title, String category, String language, LocalDate expires, boolean clearExpiry,
                       Double trimDb) {
    }

    private final Store store;
    private final Path contentDir;
    private final AuditLog audit;
    private final Clock clock;
    private final ContentLibrary index = new ContentLibrary();
    private final List<Runnable> listeners = new java.util.concurrent.CopyOnWriteArrayList<>();
    private volatile double targetLufs;

    private LibraryCatalog(Store store, Path contentDir, double targetLufs, AuditLog audit, Clock clock) {
        this.store = store;
        this.contentDir = contentDir;
        this.targetLufs = targetLufs;
        this.audit = audit;
        this.clock = clock;
    }

    /** Opens the library of {@code store} with its files in {@code contentDir}; an item whose file is gone is refused. */
    public static LibraryCatalog open(Store store, Path contentDir, double targetLufs, AuditLog audit, Clock clock)
            throws IOException {
        Files.createDirectories(contentDir);
        clearIncoming(contentDir.resolve(INCOMING));
        LibraryCatalog catalog = new LibraryCatalog(store, contentDir.toAbsolutePath(), targetLufs, audit, clock);
        catalog.loadIndex();
        return catalog;
    }

    private void loadIndex() {
        List<LibraryItem> items = store.query(c -> {
            List<LibraryItem> out = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement(SELECT + " ORDER BY rowid"); ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    out.add(item(rs));
                }
            }
            return out;
        });
        for (LibraryItem item : items) {
            try {
                if (Files.size(item.file()) != item.sizeBytes()) {
                    index.refuse(item.id(), item.title(), "its file " + item.file() + " has " + Files.size(item.file())
                            + " bytes, not the " + item.sizeBytes() + " it had when accepted");
                    continue;
                }
            } catch (IOException e) {
                index.refuse(item.id(), item.title(), "its file " + item.file() + " is missing from the content folder");
                continue;
            }
            index.put(item);
        }
        // The last refusal of each id not in the library, so a program naming it says why.
        for (Refusal r : refusals(1000)) {
            if (r.itemId() != null && index.byId(r.itemId()).isEmpty() && !index.refused().containsKey(r.itemId())) {
                index.refuse(r.itemId(), r.title(), r.reason());
            }
        }
        sweepUnnamedFiles(items);
        log.info("Library open: {} item(s) in {}", index.items().size(), contentDir);
    }

    /** Called after every item added, changed or removed (the controller recompiles). */
    public void onChange(Runnable listener) {
        listeners.add(listener);
    }

    private void changed() {
        listeners.forEach(Runnable::run);
    }

    /** What the compiler and the content server read; always current. */
    public ContentLibrary index() {
        return index;
    }

    /**
     * Ingests an uploaded file named {@code originalName} with the metadata of {@code entry}
     * ({@code entry.file()} is ignored). Refused files are kept out with the reason, recorded and
     * audited, and answered with a {@link ChangeException} of kind REFUSED whose message names the
     * problem. An expiry that has already passed is refused: the item would never be heard.
     */
    public LibraryItem upload(String actor, CommuneFile.LibraryEntry entry, String originalName, InputStream body)
            throws IOException {
        if (entry.expires() != null && !entry.expires().isAfter(LocalDate.now(clock))) {
            throw new ChangeException(Kind.INVALID, "expires", "Ngày hết hạn đã qua / the expiry date " + entry.expires()
                    + " is not in the future");
        }
        return receive(actor, entry, originalName, body);
    }

    /**
     * Imports a file named in a commune file, unless the library already has (or refused) its id:
     * an import interrupted half-way is finished at the next start. Refused like an upload, but
     * does not throw; an expired entry is imported all the same and simply drops out of sessions.
     */
    public void importEntry(String actor, CommuneFile.LibraryEntry entry, Path file) {
        if (index.byId(entry.id()).isPresent() || index.refused().containsKey(entry.id())) {
            return;
        }
        String name = file.getFileName().toString();
        if (!Files.isRegularFile(file)) {
            refuse(actor, entry, name, "file " + file + " does not exist");
            return;
        }
        try (InputStream in = Files.newInputStream(file)) {
            receive(actor, entry, name, in);
        } catch (ChangeException e) {
            // A refused file is recorded and logged by receive(); the rest of the import goes on.
        } catch (IOException e) {
            refuse(actor, entry, name, "file " + file + " cannot be read: " + e.getMessage());
        }
    }

    private LibraryItem receive(String actor, CommuneFile.LibraryEntry entry, String originalName, InputStream body)
            throws IOException {
        String name = safeName(originalName);
        Path incoming = contentDir.resolve(INCOMING).resolve(UUID.randomUUID().toString());
        Files.createDirectories(incoming);
        // The file keeps the name it was uploaded with: the library's messages name it.
        Path file = incoming.resolve(name);
        try {
            try (OutputStream out = Files.newOutputStream(file)) {
                copyAtMost(body, out, MAX_UPLOAD_BYTES, name);
            }
            LibraryIngest.Measured measured;
            try {
                // Outside the lock: decoding a long file takes a while, and needs nothing of the catalog.
                measured = LibraryIngest.measure(file);
            } catch (AudioContentException e) {
                refuse(actor, entry, name, e.getMessage());
                throw new ChangeException(Kind.REFUSED, "file", "Tệp âm thanh bị từ chối / the audio file was refused: "
                        + e.getMessage());
            }
            LibraryItem item = keep(actor, entry, name, file, measured);
            changed();
            return item;
        } finally {
            deleteQuietly(file);
            deleteQuietly(incoming);
        }
    }

    /** Moves the measured file into place and commits its row: one at a time, so two uploads cannot cross. */
    private synchronized LibraryItem keep(String actor, CommuneFile.LibraryEntry entry, String name, Path file,
                                          LibraryIngest.Measured measured) throws IOException {
        if (index.byId(entry.id()).isPresent()) {
            throw new ChangeException(Kind.CONFLICT, "id", "Mã " + entry.id() + " đã có trong thư viện / the library"
                    + " already has an item with id " + entry.id());
        }
        Path stored = contentDir.resolve(measured.sha256());
        boolean fresh = !Files.exists(stored);
        moveIntoPlace(file, stored);
        LibraryItem item = LibraryItem.of(entry, new LibraryIngest.Measured(stored, measured.sha256(),
                measured.sizeBytes(), measured.info(), measured.loudness()), targetLufs);
        try {
            store.transaction(c -> {
                // A row may be left from an item refused at start (its file was damaged): the new file replaces it.
                deleteRow(c, item.id());
                insert(c, item, name, actor);
                audit.record(c, actor, "library.add", item.id(), null, view(item));
                return null;
            });
        } catch (RuntimeException e) {
            if (fresh) {
                deleteQuietly(stored); // nothing names it
            }
            throw e;
        }
        index.put(item);
        return item;
    }

    public LibraryItem update(String actor, String id, Edit edit) {
        LibraryItem after = edit(actor, id, edit);
        changed();
        return after;
    }

    private synchronized LibraryItem edit(String actor, String id, Edit edit) {
        LibraryItem before = index.byId(id).orElseThrow(() -> notFound(id));
        LocalDate expires = edit.clearExpiry() ? null : edit.expires() != null ? edit.expires() : before.expires();
        CommuneFile.LibraryEntry checked;
        try {
            checked = new CommuneFile.LibraryEntry(id, or(edit.title(), before.title()),
                    or(edit.category(), before.category()), before.file().toString(), or(edit.trimDb(), before.trimDb()),
                    expires, or(edit.language(), before.language()));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new ChangeException(Kind.INVALID, null, e.getMessage());
        }
        if (Math.abs(checked.gainDb()) > 20) {
            throw new ChangeException(Kind.INVALID, "gainDb", "the manual trim must be within ±20 dB");
        }
        LibraryItem after = new LibraryItem(id, checked.title(), checked.category(), before.file(), before.sha256(),
                before.sizeBytes(), before.duration(), before.loudnessLufs(), before.truePeakDbtp(), 0, before.format(),
                checked.expires(), checked.language(), checked.gainDb()).retargeted(targetLufs);
        store.transaction(c -> {
            try (PreparedStatement s = c.prepareStatement("""
                    UPDATE library_item SET title = ?, category = ?, language = ?, expires = ?, trim_db = ? WHERE id = ?""")) {
                s.setString(1, after.title());
                s.setString(2, after.category());
                s.setString(3, after.language());
                s.setString(4, after.expires() == null ? null : after.expires().toString());
                s.setDouble(5, after.trimDb());
                s.setString(6, id);
                s.executeUpdate();
            }
            audit.record(c, actor, "library.update", id, view(before), view(after));
            return null;
        });
        index.put(after);
        return after;
    }

    /**
     * Removes an item no program uses ({@code inUse} says which ones are), or the record of one
     * refused at start; its file goes when no other item shares it.
     */
    public void remove(String actor, String id, Predicate<String> inUse) {
        removeItem(actor, id, inUse);
        changed();
    }

    private synchronized void removeItem(String actor, String id, Predicate<String> inUse) {
        LibraryItem item = index.byId(id).orElse(null);
        if (item == null) {
            if (index.refused().containsKey(id)) {
                store.transaction(c -> {
                    deleteRow(c, id);
                    audit.record(c, actor, "library.remove", id, new RefusalView(null, index.refused().get(id)), null);
                    return null;
                });
                index.forget(id);
                return;
            }
            throw notFound(id);
        }
        if (inUse.test(id)) {
            throw new ChangeException(Kind.CONFLICT, null, "Bản tin " + id + " đang có trong chương trình / item " + id
                    + " is in a program: take it out of the sessions first");
        }
        store.transaction(c -> {
            deleteRow(c, id);
            audit.record(c, actor, "library.remove", id, view(item), null);
            return null;
        });
        index.remove(id);
        if (index.bySha256(item.sha256()).isEmpty()) {
            deleteQuietly(item.file());
        }
        log.info("Library item {} removed by {}", id, actor);
    }

    private static void deleteRow(Connection c, String id) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("DELETE FROM library_item WHERE id = ?")) {
            s.setString(1, id);
            s.executeUpdate();
        }
    }

    /** Brings every item to a new loudness target (the commune's setting changed). */
    public synchronized void retarget(double targetLufs) {
        this.targetLufs = targetLufs;
        for (LibraryItem item : index.items()) {
            index.put(item.retargeted(targetLufs));
        }
    }

    public List<Refusal> refusals(int limit) {
        return store.query(c -> {
            List<Refusal> out = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement("""
                    SELECT id, at, actor, item_id, title, original_name, reason FROM library_refusal
                    ORDER BY id DESC LIMIT ?""")) {
                s.setInt(1, limit);
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        out.add(new Refusal(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4),
                                rs.getString(5), rs.getString(6), rs.getString(7)));
                    }
                }
            }
            return out;
        });
    }

    /** An id from a title: "Giá lúa hôm nay" becomes {@code gia-lua-hom-nay}, with a number when taken. */
    public String idFor(String title) {
        String base = Normalizer.normalize(title == null ? "" : title.replace('đ', 'd').replace('Đ', 'D'),
                        Normalizer.Form.NFD).replaceAll("\\p{M}", "").toLowerCase(Locale.ROOT)
                .replaceAll("[^a-z0-9]+", "-").replaceAll("(^-+|-+$)", "");
        if (base.isEmpty()) {
            base = "ban-tin";
        }
        base = base.length() > 56 ? base.substring(0, 56).replaceAll("-+$", "") : base;
        String id = base;
        for (int n = 2; index.byId(id).isPresent(); n++) {
            id = base + "-" + n;
        }
        return id;
    }

    private void refuse(String actor, CommuneFile.LibraryEntry entry, String originalName, String reason) {
        store.transaction(c -> {
            try (PreparedStatement s = c.prepareStatement("""
                    INSERT INTO library_refusal (at, actor, item_id, title, original_name, reason) VALUES (?, ?, ?, ?, ?, ?)""")) {
                s.setString(1, clock.instant().toString());
                s.setString(2, actor);
                s.setString(3, entry.id());
                s.setString(4, entry.title());
                s.setString(5, originalName);
                s.setString(6, reason);
                s.executeUpdate();
            }
            audit.record(c, actor, "library.refuse", entry.id(), null, new RefusalView(originalName, reason));
            return null;
        });
        index.refuse(entry.id(), entry.title(), reason);
    }

    record RefusalView(String file, String reason) {
    }

    /** What the audit log keeps of an item (not its path on this server). */
    record ItemView(String id, String title, String category, String language, LocalDate expires, double trimDb,
                    double gainDb, String sha256, long durationMs) {
    }

    private static ItemView view(LibraryItem i) {
        return new ItemView(i.id(), i.title(), i.category(), i.language(), i.expires(), i.trimDb(), i.gainDb(),
                i.sha256(), i.duration().toMillis());
    }

    private static final String SELECT = """
            SELECT id, title, category, language, expires, trim_db, sha256, size_bytes, duration_ms, loudness_lufs,
                   true_peak_dbtp, format FROM library_item""";

    private LibraryItem item(ResultSet rs) throws SQLException {
        double lufs = nullToMinusInfinity(Store.nullableDouble(rs, 10));
        double peak = nullToMinusInfinity(Store.nullableDouble(rs, 11));
        double trim = rs.getDouble(6);
        String expires = rs.getString(5);
        return new LibraryItem(rs.getString(1), rs.getString(2), rs.getString(3), contentDir.resolve(rs.getString(7)),
                rs.getString(7), rs.getLong(8), Duration.ofMillis(rs.getLong(9)), lufs, peak,
                LibraryIngest.gainDb(lufs, peak, targetLufs, trim), rs.getString(12),
                expires == null ? null : LocalDate.parse(expires), rs.getString(4), trim);
    }

    private void insert(Connection c, LibraryItem i, String originalName, String actor) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("""
                INSERT INTO library_item (id, title, category, language, expires, trim_db, sha256, size_bytes, duration_ms,
                                          loudness_lufs, true_peak_dbtp, format, original_name, added_at, added_by)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""")) {
            s.setString(1, i.id());
            s.setString(2, i.title());
            s.setString(3, i.category());
            s.setString(4, i.language());
            s.setString(5, i.expires() == null ? null : i.expires().toString());
            s.setDouble(6, i.trimDb());
            s.setString(7, i.sha256());
            s.setLong(8, i.sizeBytes());
            s.setLong(9, i.duration().toMillis());
            setFinite(s, 10, i.loudnessLufs());
            setFinite(s, 11, i.truePeakDbtp());
            s.setString(12, i.format());
            s.setString(13, originalName);
            s.setString(14, clock.instant().toString());
            s.setString(15, actor);
            s.executeUpdate();
        }
    }

    /** Silence measures −∞, which SQLite stores as null. */
    private static void setFinite(PreparedStatement s, int index, double value) throws SQLException {
        if (Double.isFinite(value)) {
            s.setDouble(index, value);
        } else {
            s.setNull(index, Types.REAL);
        }
    }

    private static double nullToMinusInfinity(Double value) {
        return value == null ? Double.NEGATIVE_INFINITY : value;
    }

    private static void moveIntoPlace(Path file, Path stored) throws IOException {
        if (Files.exists(stored) && Files.size(stored) == Files.size(file)) {
            return; // the same bytes are already there, under the same SHA-256
        }
        try {
            Files.move(file, stored, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException | FileAlreadyExistsException e) {
            Files.move(file, stored, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static void copyAtMost(InputStream in, OutputStream out, long max, String name) throws IOException {
        byte[] buf = new byte[64 * 1024];
        long total = 0;
        for (int n; (n = in.read(buf)) >= 0; ) {
            total += n;
            if (total > max) {
                throw new ChangeException(Kind.INVALID, "file", name + " is larger than " + (max >> 20)
                        + " MB: cut it into shorter bulletins");
            }
            out.write(buf, 0, n);
        }
    }

    /** Keeps the name readable in messages without letting it reach outside the incoming folder. */
    private static String safeName(String originalName) {
        String name = originalName == null ? "" : originalName.replace('\\', '/');
        name = name.substring(name.lastIndexOf('/') + 1).replaceAll("[\\x00-\\x1f]", "").strip();
        if (name.isEmpty() || name.equals(".") || name.equals("..")) {
            name = "upload";
        }
        return name.length() > 120 ? name.substring(name.length() - 120) : name;
    }

    /** A file that a crash left between its move into place and its row: no item names it. */
    private void sweepUnnamedFiles(List<LibraryItem> items) {
        java.util.Set<String> named = new java.util.HashSet<>();
        items.forEach(i -> named.add(i.sha256()));
        try (Stream<Path> files = Files.list(contentDir)) {
            for (Path p : files.toList()) {
                String name = p.getFileName().toString();
                if (name.matches("[0-9a-f]{64}") && !named.contains(name)) {
                    log.warn("Content file {} is named by no library item (left by an interrupted upload); deleted", p);
                    deleteQuietly(p);
                }
            }
        } catch (IOException e) {
            log.warn("Cannot list the content folder {}: {}", contentDir, e.getMessage());
        }
    }

    /** What a crash left half-received: nothing names it, and it may be large. */
    private static void clearIncoming(Path incoming) throws IOException {
        if (!Files.isDirectory(incoming)) {
            return;
        }
        try (java.util.stream.Stream<Path> walk = Files.walk(incoming)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                if (!p.equals(incoming)) {
                    deleteQuietly(p);
                }
            }
        }
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            log.warn("Could not delete {}: {}", p, e.getMessage());
        }
    }

    private static ChangeException notFound(String id) {
        return new ChangeException(Kind.NOT_FOUND, null, "Không có bản tin / no library item with id " + id);
    }

    private static <T> T or(T value, T fallback) {
        return value != null ? value : fallback;
    }
}
