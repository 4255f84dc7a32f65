package vn.loalang.controller.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import jakarta.servlet.http.Part;
import vn.loalang.controller.change.ChangeException;
import vn.loalang.controller.content.ContentLibrary;
import vn.loalang.controller.content.LibraryCatalog;
import vn.loalang.controller.content.LibraryItem;
import vn.loalang.controller.directory.Commune;
import vn.loalang.controller.directory.Directory;
import vn.loalang.controller.directory.ProgramUse;
import vn.loalang.controller.users.Role;
import vn.loalang.protocol.files.DiskSpace;
import vn.loalang.controller.users.User;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import java.time.Clock;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * The audio library: list, upload (multipart, decoded and measured before it is accepted), edit
 * the metadata, remove what no program uses, and see what was refused and why.
 */
final class LibraryRoutes {
    /**
     * @param url            where the file is heard (the stations' own download address)
     * @param originalFormat what the upload was before the library converted it ("M4A", "AMR"…); null: kept as uploaded
     * @param originalUrl    where staff download that original; null: kept as uploaded
     */
    record ItemView(String id, String title, String category, String language, LocalDate expires, long durationMs,
                    Double loudnessLufs, double gainDb, double trimDb, String sha256, String format, long sizeBytes,
                    String url, String originalFormat, String originalUrl) {
    }

    record RefusedView(String id, String reason) {
    }

    /** @param storage what the library takes of its quota and disk, and what is wrong with them (the console shows it) */
    record LibraryView(List<ItemView> items, List<RefusedView> refused, List<String> categories,
                       LibraryCatalog.Storage storage) {
    }

    private final LibraryCatalog catalog;
    private final Directory directory;
    private final Clock clock;
    private final Access access;

    private LibraryRoutes(LibraryCatalog catalog, Directory directory, Clock clock, Access access) {
        this.catalog = catalog;
        this.directory = directory;
        this.clock = clock;
        this.access = access;
    }

    static void mount(Router router, LibraryCatalog catalog, Directory directory, Clock clock) {
        LibraryRoutes r = new LibraryRoutes(catalog, directory, clock, router.access());
        router.add(HandlerType.GET, "/api/library", Rights.STAFF, ctx -> {
            ctx.json(r.library());
        });
        router.add(HandlerType.POST, "/api/library", Rights.roles(Role.ADMIN, Role.OPERATOR, Role.VILLAGE_HEAD), r::upload);
        router.add(HandlerType.PUT, "/api/library/{id}", Rights.roles(Role.ADMIN, Role.OPERATOR), r::update);
        router.add(HandlerType.DELETE, "/api/library/{id}", Rights.roles(Role.ADMIN, Role.OPERATOR), ctx -> {
            User user = r.editor(ctx);
            directory.whileUnchanged(() -> {
                catalog.remove(user.username(), ctx.pathParam("id"), r::inUse);
                return null;
            });
            ctx.status(204);
        });
        router.add(HandlerType.GET, "/api/library/{id}/original", Rights.STAFF, r::original);
        router.add(HandlerType.GET, "/api/library/refusals", Rights.roles(Role.ADMIN, Role.OPERATOR, Role.TECHNICIAN), ctx -> {
            ctx.json(catalog.refusals(200));
        });
    }

    private User editor(Context ctx) {
        return access.user(ctx);
    }

    private LibraryView library() {
        ContentLibrary index = catalog.index();
        List<ItemView> items = index.items().stream().map(this::view).toList();
        List<RefusedView> refused = new ArrayList<>();
        for (Map.Entry<String, String> e : index.refused().entrySet()) {
            refused.add(new RefusedView(e.getKey(), e.getValue()));
        }
        refused.sort(Comparator.comparing(RefusedView::id));
        return new LibraryView(items, refused, Commune.LibraryEntry.CATEGORIES, catalog.storage());
    }

    private ItemView view(LibraryItem i) {
        // Silence measures −∞ LUFS, which JSON cannot carry.
        Double lufs = Double.isFinite(i.loudnessLufs()) ? i.loudnessLufs() : null;
        LibraryCatalog.Original original = catalog.original(i.id()).orElse(null);
        return new ItemView(i.id(), i.title(), i.category(), i.language(), i.expires(), i.duration().toMillis(), lufs,
                i.gainDb(), i.trimDb(), i.sha256(), i.format(), i.sizeBytes(), "/content/" + i.sha256(),
                original == null ? null : original.format(),
                original == null ? null : "/api/library/" + i.id() + "/original");
    }

    /** The file a converted item was made from, as it was uploaded (staff only: the stations never fetch it). */
    private void original(Context ctx) throws IOException {
        String id = ctx.pathParam("id");
        LibraryCatalog.Original original = catalog.original(id).orElseThrow(() -> new ChangeException(
                ChangeException.Kind.NOT_FOUND, null, "Bản tin " + id + " không có bản gốc khác / library item " + id
                + " was kept as uploaded: it has no other original"));
        if (!Files.isRegularFile(original.file())) {
            throw new ChangeException(ChangeException.Kind.NOT_FOUND, null, "Bản gốc đã mất / the original of " + id
                    + " is missing from the content folder");
        }
        // ASCII in filename= for old browsers, the uploaded name in filename*= (RFC 6266) for the rest.
        String ascii = original.name().replaceAll("[^A-Za-z0-9._-]", "_");
        ctx.contentType("application/octet-stream")
                .header("Content-Disposition", "attachment; filename=\"" + ascii + "\"; filename*=UTF-8''"
                        + java.net.URLEncoder.encode(original.name(), java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20"))
                .header("Content-Length", Long.toString(Files.size(original.file())))
                .result(Files.newInputStream(original.file()));
    }

    /** {@code multipart/form-data}: {@code file}, {@code title}, and optionally id, category, language, expires, gainDb. */
    private void upload(Context ctx) throws IOException {
        // A village head records a clip on the spot for an alert: it goes in as a warning, nothing else.
        User user = access.user(ctx);
        boolean warningOnly = user.role() == Role.VILLAGE_HEAD;
        if (!ctx.isMultipartFormData()) {
            throw ApiError.invalid("file", "send the recording as multipart/form-data with a field named file");
        }
        Part file = UploadLimit.receive(ctx, catalog, warningOnly);
        try {
            ingest(ctx, user, warningOnly, file);
        } finally {
            // A refused upload leaves nothing: Jetty deletes its own temporary files only at the end of the request.
            file.delete();
        }
    }

    private void ingest(Context ctx, User user, boolean warningOnly, Part file) throws IOException {
        String title = ctx.formParam("title");
        if (title == null || title.isBlank()) {
            throw ApiError.invalid("title", "Cần tiêu đề / title is required");
        }
        // A village head's clip never takes an id of its own choosing (it could replace an item programs name).
        String id = warningOnly ? null : blankToNull(ctx.formParam("id"));
        Commune.LibraryEntry entry;
        try {
            entry = new Commune.LibraryEntry(id != null ? id : catalog.idFor(title), title.strip(),
                    warningOnly ? "warning" : blankToNull(ctx.formParam("category")), file.getSubmittedFileName(),
                    number(ctx.formParam("gainDb")),
                    date(ctx.formParam("expires")), blankToNull(ctx.formParam("language")));
        } catch (IllegalArgumentException e) {
            throw ApiError.invalid(fieldOf(e.getMessage()), e.getMessage());
        }
        Path received = catalog.incomingDir().resolve("upload-" + UUID.randomUUID());
        try {
            file.write(received.toString());
        } catch (IOException e) {
            Files.deleteIfExists(received);
            if (DiskSpace.isFull(e)) {
                throw catalog.diskFull("the upload could not be kept (" + e.getMessage() + ")", e);
            }
            throw e;
        }
        LibraryItem item = catalog.upload(user.username(), entry, file.getSubmittedFileName(), received);
        ctx.status(201).json(view(item));
    }

    private void update(Context ctx) {
        User user = editor(ctx);
        JsonNode body = Router.tree(ctx);
        boolean clearExpiry = body.has("expires") && body.get("expires").isNull();
        LibraryCatalog.Edit edit = new LibraryCatalog.Edit(Router.text(body, "title"), Router.text(body, "category"),
                Router.text(body, "language"), clearExpiry ? null : date(Router.text(body, "expires")), clearExpiry,
                body.hasNonNull("gainDb") ? body.get("gainDb").asDouble() : null);
        ctx.json(view(catalog.update(user.username(), ctx.pathParam("id"), edit)));
    }

    /** Whether any session still to come names {@code id}: such an item cannot be removed. */
    private boolean inUse(String id) {
        Commune c = directory.current();
        return ProgramUse.names(c, id, LocalDate.now(clock.withZone(c.commune().zone())));
    }

    private static String fieldOf(String message) {
        for (String f : List.of("category", "title", "id")) {
            if (message.contains(f)) {
                return f;
            }
        }
        return null;
    }


    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }

    private static Double number(String s) {
        if (blankToNull(s) == null) {
            return null;
        }
        try {
            double v = Double.parseDouble(s.strip());
            if (!Double.isFinite(v) || Math.abs(v) > 20) {
                throw ApiError.invalid("gainDb", "gainDb must be a number of dB within ±20");
            }
            return v;
        } catch (NumberFormatException e) {
            throw ApiError.invalid("gainDb", "gainDb must be a number of dB, like -3 or 2.5");
        }
    }

    private static LocalDate date(String s) {
        if (blankToNull(s) == null) {
            return null;
        }
        try {
            return LocalDate.parse(s.strip());
        } catch (DateTimeParseException e) {
            throw ApiError.invalid("expires", "expires must be a date like 2026-12-31, not " + s);
        }
    }
}
