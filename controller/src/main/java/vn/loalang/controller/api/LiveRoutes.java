package vn.loalang.controller.api;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.javalin.websocket.WsContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import vn.loalang.controller.live.TalkIngest;
import vn.loalang.controller.live.TalkService;
import vn.loalang.controller.users.Role;
import vn.loalang.controller.users.User;
import vn.loalang.protocol.LogText;

import java.net.URI;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Live talks (issue 17, point 5): a village head to their own villages, an operator or administrator to any
 * (checked in {@code live.TalkRequests}); everyone on the staff may watch a talk's progress.
 *
 * <p>The speaker's audio comes over a WebSocket, {@code ws /api/live/talks/{id}/audio?ticket=…}. A browser
 * cannot put its bearer token on a WebSocket, and a token must not appear in a URL, so the socket is opened
 * with the one-time ticket that {@code POST /api/live/talks} answered (128 random bits, 30 s, single use).
 * Its {@code Origin}, when a browser sends one, must be this server's own (no other site's page may open it
 * with a ticket it stole). Messages are bounded in size and rate ({@link TalkIngest}); the speaker's page
 * gets {@code {state, receivedMillis, stationsOnAir}} once a second.
 */
final class LiveRoutes {
    private static final Logger log = LoggerFactory.getLogger(LiveRoutes.class);
    /** WebSocket close codes (4000–4999 are the application's). */
    static final int REFUSED = 4403;
    static final int TOO_LARGE = 4413;
    static final int TOO_FAST = 4429;
    static final String AUDIO = "/api/live/talks/{id}/audio";
    private static final Rights SPEAKERS = Rights.roles(Role.ADMIN, Role.OPERATOR, Role.VILLAGE_HEAD);

    private final TalkService talks;
    private final Access access;
    /** The open audio sockets, by WebSocket session id. */
    private final Map<String, TalkIngest> sockets = new ConcurrentHashMap<>();

    private LiveRoutes(TalkService talks, Access access) {
        this.talks = talks;
        this.access = access;
    }

    static void mount(Javalin app, Router router, TalkService talks) {
        LiveRoutes r = new LiveRoutes(talks, router.access());
        router.add(HandlerType.POST, "/api/live/talks", SPEAKERS, r::start);
        router.add(HandlerType.GET, "/api/live/talks", Rights.STAFF, ctx -> ctx.json(talks.recent(50)));
        router.add(HandlerType.GET, "/api/live/talks/{id}", Rights.STAFF, ctx -> ctx.json(talks.status(ctx.pathParam("id"))
                .orElseThrow(() -> new ApiError(404, null, "Không có buổi nói / no talk with id " + ctx.pathParam("id")))));
        router.add(HandlerType.DELETE, "/api/live/talks/{id}", SPEAKERS, ctx -> {
            User user = r.access.user(ctx);
            ctx.json(rights(() -> talks.end(user, ctx.pathParam("id"))));
        });
        // The socket's gate is its ticket, checked on connect (no login: PUBLIC); the Origin is checked before the
        // upgrade. Not in the route list: a WebSocket is no REST route (it is described under POST /api/live/talks).
        app.addHttpHandler(HandlerType.WEBSOCKET_BEFORE_UPGRADE, AUDIO, LiveRoutes::requireSameOrigin, Rights.PUBLIC);
        app.ws(AUDIO, ws -> {
            ws.onConnect(r::connected);
            ws.onBinaryMessage(ctx -> r.audio(ctx, ctx.data(), ctx.offset(), ctx.length()));
            ws.onClose(ctx -> r.closed(ctx));
            ws.onError(ctx -> r.closed(ctx));
        }, Rights.PUBLIC);
    }

    /** The talk answer: its id, the ticket and where to open the socket (a path on this server). */
    record Started(String id, String ticket, String wsUrl, String state, java.util.List<String> villages, String title,
                   int stations, java.time.Instant maxEnd) {
    }

    private void start(Context ctx) {
        User user = access.user(ctx);
        TalkService.Request req = Router.body(ctx, TalkService.Request.class);
        TalkService.Started s = rights(() -> talks.start(user, req));
        ctx.status(201).json(new Started(s.id(), s.ticket(), s.wsPath() + "?ticket=" + s.ticket(), s.state(),
                s.villages(), s.title(), s.stations(), s.maxEnd()));
    }

    private static void requireSameOrigin(Context ctx) {
        String origin = ctx.header("Origin");
        if (origin == null) {
            return; // not a browser: the ticket alone decides
        }
        String host = ctx.header("Host");
        String own;
        try {
            URI o = URI.create(origin);
            own = o.getHost() == null ? null : o.getHost() + (o.getPort() < 0 ? "" : ":" + o.getPort());
        } catch (IllegalArgumentException e) {
            own = null;
        }
        if (own == null || host == null || !own.equalsIgnoreCase(host)) {
            log.warn("A talk's audio socket from {} was refused: its Origin {} is not this server ({})", ctx.ip(),
                    LogText.of(origin, 200), LogText.of(host, 200));
            throw new ApiError(403, null, "Origin " + origin + " may not open a talk's audio socket here");
        }
    }

    private void connected(WsContext ctx) {
        String id = ctx.pathParam("id");
        // A 3G uplink stalls for seconds; Jetty's default idle timeout would drop the speaker before our own 15 s.
        ctx.session.setIdleTimeout(java.time.Duration.ofSeconds(60));
        ctx.session.setMaxBinaryMessageSize(TalkIngest.MAX_MESSAGE_BYTES);
        Optional<TalkIngest> ingest;
        try {
            // format=pcm: 16 kHz mono s16le from the page's AudioWorklet (browsers without WebM/Opus recording).
            boolean pcm = "pcm".equals(ctx.queryParam("format"));
            ingest = talks.admit(id, ctx.queryParam("ticket"), pcm, report -> send(ctx, report));
        } catch (java.io.IOException e) {
            log.error("Talk {}: its uplink could not start: {}", id, e.getMessage());
            ctx.closeSession(1011, "the controller could not start the talk's encoder");
            return;
        }
        if (ingest.isEmpty()) {
            ctx.closeSession(REFUSED, "ticket refused (wrong, used, or older than 30 s), or the talk is over");
            return;
        }
        sockets.put(ctx.sessionId(), ingest.get());
        log.info("Talk {}: the speaker's audio socket is open from {} ({})", id, ctx.session.getRemoteAddress(),
                "pcm".equals(ctx.queryParam("format")) ? "16 kHz PCM" : "WebM/Opus");
    }

    private void audio(WsContext ctx, byte[] data, int offset, int length) {
        TalkIngest ingest = sockets.get(ctx.sessionId());
        if (ingest == null) {
            return;
        }
        switch (ingest.accept(data, offset, length)) {
            case OK -> {
            }
            case TOO_LARGE -> refuse(ctx, ingest, TOO_LARGE, "a message larger than " + TalkIngest.MAX_MESSAGE_BYTES + " bytes");
            case TOO_FAST -> refuse(ctx, ingest, TOO_FAST, "more than " + TalkIngest.MAX_BYTES_PER_SECOND + " bytes a second");
            case ENDED -> ctx.closeSession(1000, "the talk has ended");
        }
    }

    private void refuse(WsContext ctx, TalkIngest ingest, int code, String why) {
        log.warn("Talk {}: the speaker's socket sent {}: closed, and the talk ends", ingest.talkId(), why);
        ingest.end("uplink refused: " + why);
        ctx.closeSession(code, why);
    }

    /** The speaker's page went away: nothing more can come (the ticket was used), so the talk ends now. */
    private void closed(WsContext ctx) {
        TalkIngest ingest = sockets.remove(ctx.sessionId());
        if (ingest != null && !ingest.ended()) {
            ingest.end("the speaker's socket closed");
        }
    }

    private static void send(WsContext ctx, TalkIngest.Report report) {
        if (ctx.session.isOpen()) {
            ctx.send(report);
            if (report.state().equals("ENDED")) {
                ctx.closeSession(1000, "the talk has ended");
            }
        }
    }

    private static <T> T rights(java.util.function.Supplier<T> work) {
        try {
            return work.get();
        } catch (TalkService.RightsException e) {
            throw new ApiError(403, "villages", e.getMessage());
        }
    }
}
