package vn.loalang.controller.content;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import vn.loalang.audio.AudioContentException;
import vn.loalang.audio.ContentHash;
import vn.loalang.controller.change.ChangeException;
import vn.loalang.controller.change.ChangeException.Kind;
import vn.loalang.controller.audit.AuditLog;
import vn.loalang.controller.directory.Commune;
import vn.loalang.controller.store.Store;
import vn.loalang.protocol.files.DiskSpace;

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
    /** The largest file any upload or import may be, whatever the limits say: the largest default. */
    public static final long MAX_UPLOAD_BYTES = StorageLimits.DEFAULT_UPLOAD_BYTES;
    private static final String INCOMING = "incoming";
    /** The name of a file's rendition at the stations' line format, beside it in its incoming folder. */
    private static final String LINE_RENDITION = "line-rendition.mp3";
    /** The name of the MP3 the {@link AudioConverter} makes of an upload, beside it in its incoming folder. */
    private static final String CONVERTED = "converted.mp3";
    /** Where the originals of converted uploads are kept, each under its own SHA-256. */
    private static final String ORIGINALS = "originals";
    /** What the operator reads when the server has no converter. */
    static final String INSTALL_FFMPEG = "cài ffmpeg trên máy chủ của xã / install ffmpeg on the commune server"
            + " (sudo apt-get install ffmpeg) and the controller converts it itself; or convert it to MP3 before uploading";
    /** The name a clip spoken from typed text is received under, before its id: how {@link #spokenClips()} knows it. */
    public static final String SPOKEN_PREFIX = "spoken-text-";
    /** Below this much free space the disk is reported as nearly full: an hour of MP3 and some room for the store. */
    static final long LOW_DISK_BYTES = 256L * 1024 * 1024;

    /**
     * What the library takes and what is left, for the console.
     *
     * @param freeBytes what the disk of the content folder has left (-1 when the system cannot tell)
     * @param problem   what is wrong with the library's disk, in words for the operator; null when nothing is
     */
    public record Storage(long usedBytes, long quotaBytes, long freeBytes, String problem) {
    }

    /**
     * The file an item was converted from, kept beside the levelled copy for staff to download.
     *
     * @param format what it was ("M4A", "AMR", "MP2", "WAV"…)
     * @param name   the name it was uploaded under
     */
    public record Original(String sha256, String format, long sizeBytes, String name, Path file) {
    }

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
    private final StorageLimits limits;
    /** Brings new files to the stations' line format; null: files are kept as uploaded. */
    private final LineRendition rendition;
    /** The last write the disk refused, until a write succeeds again; null while the disk takes them. */
    private volatile String diskProblem;
    private volatile boolean lowDiskTold;
    private final List<java.util.function.Consumer<java.util.Set<String>>> listeners =
            new java.util.concurrent.CopyOnWriteArrayList<>();
    private volatile double targetLufs;
    /** Converts what the library cannot play itself; null: such a file is refused with how to install ffmpeg. */
    private volatile AudioConverter converter;
    /** The originals of converted items, by item id. */
    private final java.util.Map<String, Original> originals = new java.util.concurrent.ConcurrentHashMap<>();

    private LibraryCatalog(Store store, Path contentDir, double targetLufs, AuditLog audit, Clock clock,
                           StorageLimits limits, LineRendition rendition) {
        this.limits = limits;
        this.rendition = rendition;
        this.store = store;
        this.contentDir = contentDir;
        this.targetLufs = targetLufs;
        this.audit = audit;
        this.clock = clock;
    }

    /** Opens the library of {@code store} with its files in {@code contentDir}; an item whose file is gone is refused. */
    public static LibraryCatalog open(Store store, Path contentDir, double targetLufs, AuditLog audit, Clock clock)
            throws IOException {
        return open(store, contentDir, targetLufs, audit, clock, StorageLimits.DEFAULT);
    }

    /** As {@link #open(Store, Path, double, AuditLog, Clock)}, within {@code limits}. */
    public static LibraryCatalog open(Store store, Path contentDir, double targetLufs, AuditLog audit, Clock clock,
                                      StorageLimits limits) throws IOException {
        return open(store, contentDir, targetLufs, audit, clock, limits, null);
    }

    /**
     * As {@link #open(Store, Path, double, AuditLog, Clock, StorageLimits)}, every new file brought to
     * the stations' line format by {@code rendition} before it is measured and kept (null: as uploaded).
     * Files kept before are served as they are.
     */
    public static LibraryCatalog open(Store store, Path contentDir, double targetLufs, AuditLog audit, Clock clock,
                                      StorageLimits limits, LineRendition rendition) throws IOException {
        Files.createDirectories(contentDir);
        clearIncoming(contentDir.resolve(INCOMING));
        Files.createDirectories(contentDir.resolve(INCOMING));
        LibraryCatalog catalog = new LibraryCatalog(store, contentDir.toAbsolutePath(), targetLufs, audit, clock, limits,
                rendition);
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
        loadOriginals();
        sweepUnnamedFiles(items);
        log.info("Library open: {} item(s) in {}", index.items().size(), contentDir);
    }

    private void loadOriginals() {
        List<String[]> rows = store.query(c -> {
            List<String[]> out = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement("SELECT id, original_sha256, original_format, original_bytes,"
                    + " original_name FROM library_item WHERE original_sha256 IS NOT NULL");
                 ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    out.add(new String[]{rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                            rs.getString(5)});
                }
            }
            return out;
        });
        for (String[] r : rows) {
            if (index.byId(r[0]).isPresent()) {
                originals.put(r[0], new Original(r[1], r[2], Long.parseLong(r[3]), r[4], originalsDir().resolve(r[1])));
            }
        }
    }

    /**
     * What converts the files the library cannot play itself (null: none, they are refused with how to
     * install ffmpeg). Set once the controller has found its ffmpeg.
     */
    public void convertWith(AudioConverter converter) {
        this.converter = converter;
    }

    /** The file item {@code id} was converted from; empty when it was kept as uploaded. */
    public java.util.Optional<Original> original(String id) {
        return java.util.Optional.ofNullable(originals.get(id)).filter(o -> index.byId(id).isPresent());
    }

    private Path originalsDir() {
        return contentDir.resolve(ORIGINALS);
    }

    /** Called after every item added, changed or removed. */
    public void onChange(Runnable listener) {
        onItemsChanged(ids -> listener.run());
    }

    /**
     * Called after every item added, changed or removed, with the ids of the items concerned: the
     * schedule service recompiles only when a program names one of them (a spoken alert clip is named by none).
     */
    public void onItemsChanged(java.util.function.Consumer<java.util.Set<String>> listener) {
        listeners.add(listener);
    }

    private void changed(String itemId) {
        java.util.Set<String> ids = java.util.Set.of(itemId);
        listeners.forEach(l -> l.accept(ids));
    }

    public StorageLimits limits() {
        return limits;
    }

    /** Where uploads are received before they are measured: on the library's own disk, so a move puts them in place. */
    public Path incomingDir() {
        return contentDir.resolve(INCOMING);
    }

    /** The bytes the library's files take, the originals of converted items too: each file once, however many items share it. */
    public long usedBytes() {
        java.util.Map<String, Long> files = new java.util.HashMap<>();
        index.items().forEach(i -> files.put(i.sha256(), i.sizeBytes()));
        java.util.Map<String, Long> kept = new java.util.HashMap<>();
        originals.values().forEach(o -> kept.put(o.sha256(), o.sizeBytes()));
        return files.values().stream().mapToLong(Long::longValue).sum()
                + kept.values().stream().mapToLong(Long::longValue).sum();
    }

    public Storage storage() {
        long free = DiskSpace.usable(contentDir);
        String problem = diskProblem;
        if (problem == null && free >= 0 && free < LOW_DISK_BYTES) {
            problem = "Ổ đĩa sắp đầy / the disk of the library (" + contentDir + ") has only "
                    + DiskSpace.megabytes(free) + " free";
        }
        return new Storage(usedBytes(), limits.quotaBytes(), free, problem);
    }

    /**
     * Refuses, before a byte is written, a file of {@code bytes} that would pass the library's quota or
     * does not fit on its disk.
     */
    public void requireRoom(long bytes) {
        requireQuota(bytes);
        long free = DiskSpace.usable(contentDir);
        if (free >= 0 && free < bytes) {
            throw diskFull("the disk of the library has " + StorageLimits.megabytes(free) + " free, the file needs "
                    + StorageLimits.megabytes(bytes), null);
        }
    }

    private void requireQuota(long bytes) {
        long used = usedBytes();
        if (used + bytes > limits.quotaBytes()) {
            throw new ChangeException(Kind.NO_SPACE, "file", "Thư viện đã đầy / the library would pass its quota of "
                    + StorageLimits.megabytes(limits.quotaBytes()) + " (" + StorageLimits.megabytes(used) + " used, the file"
                    + " is " + StorageLimits.megabytes(bytes) + "): remove items no program uses, or raise --library-quota-mb");
        }
    }

    /** Noted for the console and logged once; answered 507 with what the technician must do. */
    public ChangeException diskFull(String detail, Throwable cause) {
        String problem = "Ổ đĩa đầy / the disk of the library (" + contentDir + ") is full: " + detail
                + "; free space on the server (the broadcasts go on with the files already there)";
        if (diskProblem == null) {
            log.error("Library: {}", problem, cause);
        }
        diskProblem = problem;
        return new ChangeException(Kind.NO_SPACE, "file", problem);
    }

    /** Each minute on the controller's upkeep: says once when the library's disk runs low, and when it has room again. */
    public void checkDisk() {
        long free = DiskSpace.usable(contentDir);
        boolean low = free >= 0 && free < LOW_DISK_BYTES;
        if (low && !lowDiskTold) {
            log.warn("The disk of the library ({}) has only {} free: uploads will be refused when it is full; free space",
                    contentDir, DiskSpace.megabytes(free));
        } else if (!low && lowDiskTold) {
            log.info("The disk of the library ({}) has room again: {} free", contentDir, DiskSpace.megabytes(free));
            diskProblem = null;
        }
        lowDiskTold = low;
    }

    /**
     * The items the speech engine made from typed alert text: warnings received under the name
     * {@link #SPOKEN_PREFIX}{@code <id>.wav} (before that name was given, {@code <id>.wav} with an id
     * from the title "loi-..."). Nobody recorded them, and nobody needs them once they expire.
     */
    public List<LibraryItem> spokenClips() {
        List<String> ids = store.query(c -> {
            List<String> out = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement("SELECT id FROM library_item WHERE category = 'warning'"
                    + " AND (original_name = ? || id || '.wav' OR (id LIKE 'loi-%' AND original_name = id || '.wav'))"
                    + " ORDER BY rowid")) {
                s.setString(1, SPOKEN_PREFIX);
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        out.add(rs.getString(1));
                    }
                }
            }
            return out;
        });
        return ids.stream().map(index::byId).flatMap(java.util.Optional::stream).toList();
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
    public LibraryItem upload(String actor, Commune.LibraryEntry entry, String originalName, InputStream body)
            throws IOException {
        if (entry.expires() != null && !entry.expires().isAfter(LocalDate.now(clock))) {
            throw new ChangeException(Kind.INVALID, "expires", "Ngày hết hạn đã qua / the expiry date " + entry.expires()
                    + " is not in the future");
        }
        return receive(actor, entry, originalName, body, true);
    }

    /**
     * Keeps a clip the speech engine made for an alert, as {@link #upload(String, Commune.LibraryEntry,
     * String, InputStream)} would, but without telling the {@link #onChange} listeners: its id is new, so
     * no program names it and no schedule can change, and an emergency must not wait for the recompile
     * the controller makes on a change (docs/decisions/0018-the-alert-path.md).
     */
    public LibraryItem keepSpoken(String actor, Commune.LibraryEntry entry, InputStream body) throws IOException {
        if (entry.expires() != null && !entry.expires().isAfter(LocalDate.now(clock))) {
            throw new ChangeException(Kind.INVALID, "expires", "Ngày hết hạn đã qua / the expiry date " + entry.expires()
                    + " is not in the future");
        }
        return receive(actor, entry, SPOKEN_PREFIX + entry.id() + ".wav", body, false);
    }

    /**
     * Imports a file named in a commune file, unless the library already has (or refused) its id:
     * an import interrupted half-way is finished at the next start. Refused like an upload, but
     * does not throw; an expired entry is imported all the same and simply drops out of sessions.
     */
    public void importEntry(String actor, Commune.LibraryEntry entry, Path file) {
        if (index.byId(entry.id()).isPresent() || index.refused().containsKey(entry.id())) {
            return;
        }
        String name = file.getFileName().toString();
        if (!Files.isRegularFile(file)) {
            refuse(actor, entry, name, "file " + file + " does not exist");
            return;
        }
        try (InputStream in = Files.newInputStream(file)) {
            receive(actor, entry, name, in, true);
        } catch (ChangeException e) {
            // A refused file is recorded and logged by receive(); the rest of the import goes on.
        } catch (IOException e) {
            refuse(actor, entry, name, "file " + file + " cannot be read: " + e.getMessage());
        }
    }

    /**
     * Ingests a file the HTTP server has already received into {@link #incomingDir()} (streamed there
     * within the uploader's limit, never held in memory): moved, not copied, so it takes its space once.
     */
    public LibraryItem upload(String actor, Commune.LibraryEntry entry, String originalName, Path received)
            throws IOException {
        return receiveFile(actor, entry, originalName, received, true);
    }

    /**
     * Keeps a recording the controller made of live audio (a relay slot, a live talk: {@code
     * live.Recorder}), moved from {@code recorded}: measured and levelled like an upload, audited,
     * but without telling the {@link #onChange} listeners, as {@link #keepSpoken} does: its id is
     * new, no program names it yet, and a recording at the end of every relay must not recompile
     * every station's schedule.
     */
    public LibraryItem keepRecording(String actor, Commune.LibraryEntry entry, Path recorded) throws IOException {
        return receiveFile(actor, entry, recorded.getFileName().toString().replaceFirst("\\.part$", ""), recorded, false);
    }

    /** The controller's own recordings of live audio, oldest first. */
    public List<LibraryItem> recordings() {
        return index.items().stream().filter(i -> RECORDING_CATEGORIES.contains(i.category())).toList();
    }

    /** The categories of {@link #recordings()}. */
    public static final java.util.Set<String> RECORDING_CATEGORIES = java.util.Set.of("relay-recording", "live-talk");

    private LibraryItem receiveFile(String actor, Commune.LibraryEntry entry, String originalName, Path received,
                                    boolean tell) throws IOException {
        if (entry.expires() != null && !entry.expires().isAfter(LocalDate.now(clock))) {
            Files.deleteIfExists(received);
            throw new ChangeException(Kind.INVALID, "expires", "Ngày hết hạn đã qua / the expiry date " + entry.expires()
                    + " is not in the future");
        }
        String name = safeName(originalName);
        if (name.startsWith(SPOKEN_PREFIX)) {
            // Only the speech engine's clips go by that name: the sweep of spoken clips must not take a recording.
            name = safeName(name.substring(SPOKEN_PREFIX.length()));
        }
        Path incoming = contentDir.resolve(INCOMING).resolve(UUID.randomUUID().toString());
        Path file = incoming.resolve(name);
        try {
            Files.createDirectories(incoming);
            Files.move(received, file);
        } catch (IOException e) {
            Files.deleteIfExists(received);
            deleteQuietly(incoming);
            if (DiskSpace.isFull(e)) {
                throw diskFull(e.getMessage(), e);
            }
            throw e;
        }
        return ingest(actor, entry, name, incoming, file, tell);
    }

    /** {@code tell}: whether the {@link #onChange} listeners hear of the new item. */
    private LibraryItem receive(String actor, Commune.LibraryEntry entry, String originalName, InputStream body,
                                boolean tell) throws IOException {
        String name = safeName(originalName);
        Path incoming = contentDir.resolve(INCOMING).resolve(UUID.randomUUID().toString());
        // The file keeps the name it was uploaded with: the library's messages name it.
        Path file = incoming.resolve(name);
        try {
            Files.createDirectories(incoming);
            try (OutputStream out = Files.newOutputStream(file)) {
                copyAtMost(body, out, MAX_UPLOAD_BYTES, name);
            }
        } catch (IOException e) {
            deleteQuietly(file);
            deleteQuietly(incoming);
            if (DiskSpace.isFull(e)) {
                throw diskFull(e.getMessage(), e);
            }
            throw e;
        }
        return ingest(actor, entry, name, incoming, file, tell);
    }

    /** Measures {@code file} (in its own folder {@code incoming}) and keeps it or refuses it; both are gone afterwards. */
    private LibraryItem ingest(String actor, Commune.LibraryEntry entry, String name, Path incoming, Path file,
                               boolean tell) throws IOException {
        try {
            requireQuota(Files.size(file));
            LibraryIngest.Measured measured;
            Path playable = file;
            Original original = null;
            try {
                // Outside the lock: decoding a long file takes a while, and needs nothing of the catalog.
                try {
                    measured = LibraryIngest.measure(file);
                } catch (AudioContentException e) {
                    // Only real audio in a format the library does not play itself: never a mix-up
                    // (MISLABELLED), nor a damaged, cut or non-audio file, which a converter would only hide.
                    if (e.problem() != AudioContentException.Problem.UNSUPPORTED_FORMAT) {
                        throw e;
                    }
                    String format = OriginalFormat.of(file);
                    measured = LibraryIngest.measure(convert(entry, name, file, incoming.resolve(CONVERTED), e));
                    playable = measured.file();
                    original = new Original(ContentHash.sha256(file), format, Files.size(file), name, file);
                }
                if (rendition != null && !rendition.line().matches(measured.info())) {
                    LibraryIngest.Measured atLine = atLine(entry, playable, incoming.resolve(LINE_RENDITION));
                    if (atLine != null) {
                        playable = atLine.file();
                        measured = atLine;
                    }
                }
            } catch (AudioContentException e) {
                refuse(actor, entry, name, e.getMessage());
                throw new ChangeException(Kind.REFUSED, "file", "Tệp âm thanh bị từ chối / the audio file was refused: "
                        + e.getMessage());
            }
            LibraryItem item = keep(actor, entry, name, playable, measured, original);
            if (tell) {
                changed(item.id());
            }
            return item;
        } finally {
            deleteQuietly(file);
            deleteQuietly(incoming.resolve(LINE_RENDITION));
            deleteQuietly(incoming.resolve(CONVERTED));
            deleteQuietly(incoming);
        }
    }

    /**
     * {@code file}, which the library cannot play itself ({@code why}), converted to MP3 at {@code out};
     * refused with the converter's reason, or with how to install one when the server has none.
     */
    private Path convert(Commune.LibraryEntry entry, String name, Path file, Path out, AudioContentException why)
            throws AudioContentException {
        AudioConverter c = converter;
        if (c == null) {
            throw new AudioContentException(AudioContentException.Problem.UNSUPPORTED_FORMAT, file, why.getMessage()
                    + ": " + INSTALL_FFMPEG, why);
        }
        try {
            Path converted = c.toPlayable(file, out);
            log.info("Library item {}: {} converted to MP3 before it is measured", entry.id(), name);
            return converted;
        } catch (ConversionException e) {
            deleteQuietly(out);
            throw new AudioContentException(AudioContentException.Problem.UNSUPPORTED_FORMAT, file, why.getMessage()
                    + ", and no converter reads it: " + e.getMessage(), e);
        }
    }

    /**
     * {@code file} brought to the stations' line format at {@code out}, measured again as the stations
     * will play it (duration, hash, loudness); null when it cannot be: the file is then kept as
     * uploaded and the stations convert it as they play, correct but at a cost in CPU on every pole.
     */
    private LibraryIngest.Measured atLine(Commune.LibraryEntry entry, Path file, Path out) {
        try {
            return LibraryIngest.measure(rendition.render(file, out));
        } catch (IOException | AudioContentException e) {
            log.warn("Library item {} is kept as uploaded, not at the stations' line ({}); they will resample it as they"
                    + " play: {}", entry.id(), rendition.line(), e.getMessage());
            deleteQuietly(out);
            return null;
        }
    }

    /** Moves the measured file into place and commits its row: one at a time, so two uploads cannot cross. */
    private synchronized LibraryItem keep(String actor, Commune.LibraryEntry entry, String name, Path file,
                                          LibraryIngest.Measured measured, Original original) throws IOException {
        if (index.byId(entry.id()).isPresent()) {
            throw new ChangeException(Kind.CONFLICT, "id", "Mã " + entry.id() + " đã có trong thư viện / the library"
                    + " already has an item with id " + entry.id());
        }
        Path stored = contentDir.resolve(measured.sha256());
        boolean fresh = !Files.exists(stored);
        Path storedOriginal = original == null ? null : originalsDir().resolve(original.sha256());
        boolean freshOriginal = storedOriginal != null && !Files.exists(storedOriginal);
        if (fresh || freshOriginal) {
            // Checked again here, one upload at a time: two that each fit could pass the quota together.
            requireQuota((fresh ? measured.sizeBytes() : 0) + (freshOriginal ? original.sizeBytes() : 0));
        }
        moveIntoPlace(file, stored);
        Original kept = null;
        if (original != null) {
            try {
                // Made with the first original: a library that never converted has only its files and "incoming".
                Files.createDirectories(originalsDir());
                moveIntoPlace(original.file(), storedOriginal);
            } catch (IOException e) {
                if (fresh) {
                    deleteQuietly(stored);
                }
                throw e;
            }
            kept = new Original(original.sha256(), original.format(), original.sizeBytes(), name, storedOriginal);
        }
        if (diskProblem != null) {
            log.info("The library's disk takes files again ({} kept)", entry.id());
            diskProblem = null;
        }
        LibraryItem item = LibraryItem.of(entry, new LibraryIngest.Measured(stored, measured.sha256(),
                measured.sizeBytes(), measured.info(), measured.loudness()), targetLufs);
        try {
            store.transaction(c -> {
                // A row may be left from an item refused at start (its file was damaged): the new file replaces it.
                deleteRow(c, item.id());
                insert(c, item, name, actor);
                if (original != null) {
                    setOriginal(c, item.id(), original);
                }
                audit.record(c, actor, "library.add", item.id(), null, view(item));
                return null;
            });
        } catch (RuntimeException e) {
            if (fresh) {
                deleteQuietly(stored); // nothing names it
            }
            if (freshOriginal) {
                deleteQuietly(storedOriginal);
            }
            throw e;
        }
        index.put(item);
        if (kept != null) {
            originals.put(item.id(), kept);
        } else {
            originals.remove(item.id());
        }
        return item;
    }

    public LibraryItem update(String actor, String id, Edit edit) {
        LibraryItem after = edit(actor, id, edit);
        changed(id);
        return after;
    }

    private synchronized LibraryItem edit(String actor, String id, Edit edit) {
        LibraryItem before = index.byId(id).orElseThrow(() -> notFound(id));
        LocalDate expires = edit.clearExpiry() ? null : edit.expires() != null ? edit.expires() : before.expires();
        Commune.LibraryEntry checked;
        try {
            checked = new Commune.LibraryEntry(id, or(edit.title(), before.title()),
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
        changed(id);
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
        Original original = originals.remove(id);
        if (original != null && originals.values().stream().noneMatch(o -> o.sha256().equals(original.sha256()))) {
            deleteQuietly(original.file());
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

    private void refuse(String actor, Commune.LibraryEntry entry, String originalName, String reason) {
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

    private static void setOriginal(Connection c, String id, Original o) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(
                "UPDATE library_item SET original_sha256 = ?, original_format = ?, original_bytes = ? WHERE id = ?")) {
            s.setString(1, o.sha256());
            s.setString(2, o.format());
            s.setLong(3, o.sizeBytes());
            s.setString(4, id);
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
        if (!Files.isDirectory(originalsDir())) {
            return;
        }
        java.util.Set<String> originalsNamed = new java.util.HashSet<>();
        originals.values().forEach(o -> originalsNamed.add(o.sha256()));
        try (Stream<Path> files = Files.list(originalsDir())) {
            for (Path p : files.toList()) {
                if (!originalsNamed.contains(p.getFileName().toString())) {
                    log.warn("Original {} is named by no library item (left by an interrupted upload); deleted", p);
                    deleteQuietly(p);
                }
            }
        } catch (IOException e) {
            log.warn("Cannot list the originals folder {}: {}", originalsDir(), e.getMessage());
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
