package vn.loalang.controller.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.HandlerType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import vn.loalang.controller.alert.AlertService;
import vn.loalang.controller.audit.AuditLog;
import vn.loalang.controller.content.RangedFile;
import vn.loalang.controller.directory.Commune;
import vn.loalang.controller.listen.JsonFeed;
import vn.loalang.controller.listen.ListenAddresses;
import vn.loalang.controller.listen.ListenCatalog;
import vn.loalang.controller.listen.ListenCounts;
import vn.loalang.controller.listen.ListenFeed;
import vn.loalang.controller.listen.ListenPages;
import vn.loalang.controller.listen.PodcastFeed;
import vn.loalang.controller.listen.PublicCategories;
import vn.loalang.controller.store.Store;
import vn.loalang.controller.users.Role;
import vn.loalang.protocol.LogText;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * "Nghe lại" on the controller's HTTP port (issue 19, decision 0041): the public pages, feeds and audio under
 * {@code /nghe-lai/}, GET and HEAD only, without login; and the settings under {@code /api/listen/}. The public
 * side must never starve the loudspeakers: audio streams are capped ({@link Listen#maxStreams}, then 503 with
 * Retry-After), every address has a budget for work not already in memory ({@link ListenThrottle}, then 429), and
 * pages and feeds are rendered at most once a minute (again at once when an alert changes). An unknown address
 * and a hidden one get the same 404 page.
 */
public final class ListenRoutes {
    private static final Logger log = LoggerFactory.getLogger(ListenRoutes.class);
    public static final int DEFAULT_STREAMS = 16;
    static final String CSP = "default-src 'none'; style-src 'self'; media-src 'self'; img-src 'self'; "
            + "frame-ancestors 'none'";
    static final Duration RENDERED_FOR = Duration.ofSeconds(60);
    /**
     * How long a phone or a proxy may keep a page or a feed: short, since the server forgets its own copy when an
     * alert changes and a resident must then see it; re-asking costs only a cached copy.
     */
    static final String PAGE_CACHE = "public, max-age=15";
    /** A library, session or alert id and its extension, as the catalog makes them. */
    private static final Pattern MP3 = Pattern.compile("([a-z0-9][a-z0-9._-]{0,120})\\.mp3");
    private static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9._-]{0,120}");
    /** Set on a request once it has taken its token: one request, one token, whatever work it does. */
    private static final String SPENT = "loalang.listen.spent";
    private static final Pattern ADDRESS = Pattern.compile("[0-9A-Fa-f:.]{2,45}");

    /**
     * What the public side serves.
     *
     * @param addresses  absolute, from {@code --listen-url}: for the feeds, which apps read anywhere
     * @param maxStreams audio answered at once; more wait 5 s (503 Retry-After)
     */
    public record Listen(ListenCatalog catalog, ListenCounts counts, Supplier<ListenAddresses> addresses, int maxStreams) {
    }

    /** What the settings routes need beyond the API's sources; null there: paths relative, counts as stored. */
    public record Settings(Supplier<ListenAddresses> addresses, ListenCounts counts) {
    }

    private final Listen listen;
    /** The listen catalog keeping each day and the alerts for {@link #RENDERED_FOR}: the store is read once per burst. */
    private final ListenCatalog catalog;
    private final ListenPages pages;
    private final ListenThrottle throttle;
    private final Semaphore streams;
    private final Cache<String, byte[]> rendered = Caffeine.newBuilder().maximumSize(2_000)
            .expireAfterWrite(RENDERED_FOR).executor(Runnable::run).build();
    private final byte[] style;
    private final byte[] artwork;

    private ListenRoutes(Listen listen, ListenThrottle throttle) {
        this.listen = listen;
        this.catalog = listen.catalog().cachedFor(RENDERED_FOR);
        this.pages = new ListenPages(catalog);
        this.throttle = throttle;
        this.streams = new Semaphore(Math.max(0, listen.maxStreams()));
        this.style = resource("/listen/style.css");
        this.artwork = resource("/listen/artwork.png");
    }

    /** Adds the public {@code /nghe-lai/} routes to {@code app}. */
    public static ListenRoutes mount(Javalin app, Listen listen) {
        return mount(app, listen, ListenThrottle.standard(Clock.systemUTC()));
    }

    /**
     * Adds the public routes, and forgets the pages and the alert list as soon as {@code alerts} publishes or
     * cancels one: a resident opening the page then hears of it at once, not a minute later.
     */
    public static ListenRoutes mount(Javalin app, Listen listen, AlertService alerts) {
        ListenRoutes r = mount(app, listen);
        // In memory only, as AlertService asks of its listeners (no store, no lock, no I/O).
        alerts.onPublished(p -> r.alertsChanged());
        alerts.onCancelled(c -> r.alertsChanged());
        return r;
    }

    /** An alert was published or cancelled: every page and feed is rendered again from a fresh alert list. */
    public void alertsChanged() {
        catalog.alertsChanged();
        rendered.invalidateAll();
    }

    static ListenRoutes mount(Javalin app, Listen listen, ListenThrottle throttle) {
        ListenRoutes r = new ListenRoutes(listen, throttle);
        // First match wins: the fixed names before a village's, the catch-all last.
        r.both(app, "/nghe-lai/", ctx -> r.page(ctx, "commune", r.pages::commune));
        r.both(app, "/nghe-lai/style.css", ctx -> r.file(ctx, r.style, "text/css; charset=utf-8"));
        r.both(app, "/nghe-lai/artwork.png", ctx -> r.file(ctx, r.artwork, "image/png"));
        r.both(app, "/nghe-lai/canh-bao/{alert}", r::alertPage);
        r.both(app, "/nghe-lai/a/canh-bao/{file}", r::alertAudio);
        r.both(app, "/nghe-lai/a/{village}/{date}/{session}/{file}", r::itemAudio);
        r.both(app, "/nghe-lai/{village}/feed.xml", ctx -> r.feed(ctx, true));
        r.both(app, "/nghe-lai/{village}/feed.json", ctx -> r.feed(ctx, false));
        r.both(app, "/nghe-lai/{village}", r::villagePage);
        r.both(app, "/nghe-lai/<rest>", r::notFound);
        return r;
    }

    private void both(Javalin app, String path, Handler handler) {
        Handler guarded = ctx -> {
            ctx.header("X-Content-Type-Options", "nosniff");
            ctx.header("Content-Security-Policy", CSP);
            ctx.header("Referrer-Policy", "no-referrer");
            handler.handle(ctx);
        };
        app.get(path, guarded);
        app.head(path, guarded);
    }

    /**
     * Whether this request may do work not already in memory (a render, a feed, a store read, an audio stream),
     * taking one token of its address's budget once per request; if not, it is answered 429. Cached pages, the
     * style sheet and the artwork cost nothing: a village behind one address reads them freely.
     */
    private boolean work(Context ctx) {
        if (ctx.attribute(SPENT) != null) {
            return true;
        }
        if (!throttle.allow(client(ctx))) {
            ctx.status(429).header("Retry-After", "10").contentType("text/plain; charset=utf-8")
                    .result("Quá nhiều yêu cầu, thử lại sau ít phút / too many requests, try again shortly");
            return false;
        }
        ctx.attribute(SPENT, Boolean.TRUE);
        return true;
    }

    private void page(Context ctx, String key, Supplier<String> render) {
        byte[] body = rendered.getIfPresent(key);
        if (body == null) {
            if (!work(ctx)) {
                return;
            }
            body = rendered.get(key, k -> render.get().getBytes(StandardCharsets.UTF_8));
        }
        ctx.header("Cache-Control", PAGE_CACHE);
        ctx.contentType("text/html; charset=utf-8");
        ctx.result(body);
    }

    private void file(Context ctx, byte[] body, String type) {
        ctx.header("Cache-Control", "public, max-age=86400");
        ctx.contentType(type).result(body);
    }

    private void villagePage(Context ctx) {
        Optional<Commune.Village> village = catalog.village(ctx.pathParam("village"));
        String ngay = ctx.queryParam("ngay");
        Optional<LocalDate> date = ngay == null ? Optional.of(catalog.today())
                : catalog.date(ngay, ListenPages.DAYS_BACK);
        if (village.isEmpty() || date.isEmpty()) {
            notFound(ctx);
            return;
        }
        page(ctx, "village|" + village.get().id() + "|" + date.get(), () -> pages.village(village.get(), date.get()));
    }

    private void alertPage(Context ctx) {
        String id = ctx.pathParam("alert");
        if (!catalog.alertsInMemory() && !work(ctx)) {
            return;
        }
        Optional<ListenCatalog.Alert> alert = ID.matcher(id).matches() ? catalog.alert(id) : Optional.empty();
        if (alert.isEmpty()) {
            notFound(ctx);
            return;
        }
        page(ctx, "alert|" + id, () -> pages.alert(alert.get()));
    }

    private void feed(Context ctx, boolean rss) {
        Optional<Commune.Village> village = catalog.village(ctx.pathParam("village"));
        if (village.isEmpty()) {
            notFound(ctx);
            return;
        }
        String id = village.get().id();
        String key = (rss ? "rss|" : "json|") + id;
        if (rendered.getIfPresent(key) == null && !work(ctx)) {
            return;
        }
        if (ctx.method() == HandlerType.GET) {
            listen.counts().feedFetched(client(ctx), userAgent(ctx), id,
                    ListenCounts.Source.of(ctx.queryParam("n"), ListenCounts.Source.FEED));
        }
        byte[] body = rendered.get(key, k -> {
            ListenAddresses at = listen.addresses().get();
            ListenFeed feed = ListenFeed.of(catalog, village.get(), at);
            return rss ? PodcastFeed.write(feed, at) : JsonFeed.write(feed, at);
        });
        ctx.header("Cache-Control", PAGE_CACHE);
        ctx.contentType(rss ? "application/rss+xml; charset=utf-8" : "application/feed+json; charset=utf-8");
        ctx.result(body);
    }

    private void itemAudio(Context ctx) throws IOException {
        String villageId = ctx.pathParam("village");
        var m = MP3.matcher(ctx.pathParam("file"));
        String session = ctx.pathParam("session");
        Optional<Commune.Village> village = catalog.village(villageId);
        Optional<LocalDate> date = catalog.date(ctx.pathParam("date"), ListenFeed.DAYS + 1);
        if (!m.matches() || !ID.matcher(session).matches() || village.isEmpty() || date.isEmpty()) {
            notFound(ctx);
            return;
        }
        String libraryId = m.group(1);
        if (!catalog.dayInMemory(villageId, date.get()) && !work(ctx)) {
            return;
        }
        // From the cached day: an id nobody played costs no store read.
        Optional<ListenCatalog.Item> item = catalog.item(villageId, date.get(), session, libraryId);
        if (item.isEmpty()) {
            notFound(ctx);
            return;
        }
        ListenCatalog.Item i = item.get();
        // A link to the phone copy made after the day was read: the copy, once it is on disk.
        ListenCatalog.Audio file = phone(ctx) ? catalog.phoneCopy(i) : i.line();
        audio(ctx, file.file(), file.bytes(), () -> listen.counts().listened(client(ctx), userAgent(ctx), villageId,
                session, libraryId, source(ctx), ctx.header("Range")));
    }

    private void alertAudio(Context ctx) throws IOException {
        var m = MP3.matcher(ctx.pathParam("file"));
        if (!catalog.alertsInMemory() && !work(ctx)) {
            return;
        }
        Optional<ListenCatalog.Alert> alert = m.matches() ? catalog.alert(m.group(1)) : Optional.empty();
        if (alert.isEmpty() || !alert.get().hasAudio()) {
            notFound(ctx);
            return;
        }
        ListenCatalog.Alert a = alert.get();
        ListenCatalog.Audio file = phone(ctx) && a.phone() ? a.heard() : a.line();
        audio(ctx, file.file(), file.bytes(), () -> listen.counts().listened(client(ctx), userAgent(ctx), "*", "alert",
                a.id(), source(ctx), ctx.header("Range")));
    }

    private void audio(Context ctx, java.nio.file.Path file, long size, Runnable count) throws IOException {
        if (ctx.method() == HandlerType.HEAD) {
            RangedFile.serve(ctx, file, size, "audio/mpeg", "public, max-age=3600");
            return;
        }
        if (!work(ctx)) {
            return;
        }
        if (!streams.tryAcquire()) {
            log.warn("Nghe lại: {} audio streams already; {} from {} is asked to come back in 5 s", listen.maxStreams(),
                    LogText.of(ctx.path(), 200), client(ctx));
            ctx.status(503).header("Retry-After", "5").contentType("text/plain; charset=utf-8")
                    .result("Đang bận, thử lại sau vài giây / busy, try again in a few seconds");
            return;
        }
        try {
            if (RangedFile.firstByte(ctx.header("Range"), size) < size) {
                count.run();
            }
            RangedFile.serve(ctx, file, size, "audio/mpeg", "public, max-age=3600");
        } finally {
            streams.release();
        }
    }

    private void notFound(Context ctx) {
        byte[] body = rendered.get("404", k -> pages.notFound().getBytes(StandardCharsets.UTF_8));
        ctx.status(404).contentType("text/html; charset=utf-8").header("Cache-Control", "no-cache").result(body);
    }

    /** {@code ?q=32}: the 32 kbps copy, as a page or feed lists it once made; else the line MP3. */
    private static boolean phone(Context ctx) {
        return "32".equals(ctx.queryParam("q"));
    }

    private static ListenCounts.Source source(Context ctx) {
        return ListenCounts.Source.of(ctx.queryParam("n"), ListenCounts.Source.OTHER);
    }

    /**
     * The listener's address: the peer's; behind a reverse proxy on this machine (a loopback peer), the last
     * address of {@code X-Forwarded-For}, which that proxy added (docs/nghe-lai.md).
     */
    static String client(Context ctx) {
        String peer = ctx.req().getRemoteAddr();
        String forwarded = ctx.header("X-Forwarded-For");
        if (forwarded != null && (peer.equals("127.0.0.1") || peer.equals("::1") || peer.equals("0:0:0:0:0:0:0:1"))) {
            String[] hops = forwarded.split(",");
            String last = hops[hops.length - 1].strip();
            if (ADDRESS.matcher(last).matches()) {
                return last;
            }
        }
        return peer;
    }

    private static String userAgent(Context ctx) {
        String ua = ctx.header("User-Agent");
        return ua == null ? "" : ua.length() > 256 ? ua.substring(0, 256) : ua;
    }

    private static byte[] resource(String name) {
        try (InputStream in = ListenRoutes.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("resource " + name + " is missing from the jar");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new IllegalStateException("resource " + name + " cannot be read: " + e.getMessage(), e);
        }
    }

    // --- The settings: what is public (ADMIN changes, OPERATOR sees), the addresses and today's numbers. ---

    static void mount(Router router, Store store, Clock clock, Supplier<Commune> commune, Settings settings) {
        PublicCategories categories = new PublicCategories(store, new AuditLog(clock), clock);
        Supplier<ListenAddresses> addresses = settings == null ? ListenAddresses::relative : settings.addresses();
        ListenCounts counts = settings == null || settings.counts() == null
                ? new ListenCounts(store, clock, () -> commune.get().commune().zone(), new java.security.SecureRandom())
                : settings.counts();
        Rights staff = Rights.roles(Role.ADMIN, Role.OPERATOR);
        router.add(HandlerType.GET, "/api/listen/categories", staff, ctx -> ctx.json(categories(categories)));
        router.add(HandlerType.PUT, "/api/listen/categories", Rights.roles(Role.ADMIN), ctx -> {
            JsonNode body = Router.tree(ctx).get("categories");
            if (body == null || !body.isObject() || body.size() > 100) {
                throw ApiError.invalid("categories", "categories: một đối tượng {\"thể-loại\": true|false} / "
                        + "an object of category → true (public) or false");
            }
            Map<String, Boolean> changes = new LinkedHashMap<>();
            body.fields().forEachRemaining(e -> {
                if (!e.getValue().isBoolean()) {
                    throw ApiError.invalid("categories", "categories." + LogText.of(e.getKey(), 64)
                            + ": true hoặc false / true or false");
                }
                changes.put(e.getKey(), e.getValue().booleanValue());
            });
            categories.set(router.access().user(ctx).username(), changes);
            log.info("Nghe lại: {} set the public categories {}", router.access().user(ctx).username(), changes);
            ctx.json(categories(categories));
        });
        router.add(HandlerType.GET, "/api/listen/today", staff, ctx -> {
            Commune c = commune.get();
            ListenAddresses at = addresses.get();
            var today = counts.today(c.villages().stream().map(Commune.Village::id).toList());
            List<Map<String, Object>> villages = new ArrayList<>();
            for (Commune.Village v : c.villages()) {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("id", v.id());
                row.put("name", v.name());
                row.put("page", at.village(v.id()));
                row.put("feed", at.feedXml(v.id()));
                row.put("feedJson", at.feedJson(v.id()));
                row.put("listens", today.get(v.id()).listens());
                row.put("feedDownloads", today.get(v.id()).feeds());
                villages.add(row);
            }
            ctx.json(Map.of("commune", at.commune(), "villages", villages));
        });
    }

    private static Map<String, Object> categories(PublicCategories categories) {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (PublicCategories.Category c : categories.all()) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("category", c.category());
            row.put("public", c.isPublic());
            row.put("byDefault", c.byDefault());
            rows.add(row);
        }
        return Map.of("categories", rows, "alwaysPublic", List.of("alerts"));
    }
}
