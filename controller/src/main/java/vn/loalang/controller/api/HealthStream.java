package vn.loalang.controller.api;

import io.javalin.http.Context;
import io.javalin.http.sse.SseClient;
import io.javalin.http.sse.SseHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import vn.loalang.controller.health.Health;
import vn.loalang.controller.health.HealthMonitor;
import vn.loalang.controller.users.Sessions;
import vn.loalang.controller.users.User;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * {@code GET /api/health/stream}: server-sent events for the technicians' console, one
 * {@code health} event with a station's {@link Health} each time its state or its kinds of problem
 * change, as on {@code ROOT/health/{station}}. Sent from a thread of its own, so that a slow
 * browser never holds up the health monitor. A stream lives no longer than the session that opened
 * it: it ends at once when its user is disabled, changes role or password, and within a ping
 * (15 s) of a logout or an expiry.
 */
final class HealthStream {
    private static final Logger log = LoggerFactory.getLogger(HealthStream.class);

    /** Whose stream it is, and by which session: checked again whenever sessions end. */
    private record Watcher(String username, String token) {
    }

    private final Access access;
    private final Sessions sessions;
    private final HealthMonitor health;
    private final Map<SseClient, Watcher> clients = new ConcurrentHashMap<>();
    private final ExecutorService sending = Executors.newSingleThreadExecutor(r -> daemon(r, "health-stream"));
    private final ScheduledExecutorService keepAlive = Executors.newSingleThreadScheduledExecutor(r -> daemon(r,
            "health-stream-ping"));

    HealthStream(Access access, Sessions sessions, HealthMonitor health) {
        this.access = access;
        this.sessions = sessions;
        this.health = health;
        health.onChange(h -> sending.execute(() -> send(h)));
        // A comment now and then: proxies and phones drop a connection that says nothing for long. The sessions are
        // checked at the same pace, for those that ended by a logout elsewhere or by their age.
        keepAlive.scheduleAtFixedRate(() -> sending.execute(() -> {
            endStale();
            clients.keySet().forEach(c -> c.sendComment("ping"));
        }), 15, 15, TimeUnit.SECONDS);
    }

    /** All sessions of {@code username} ended (disabled, new role or password): their streams end now. */
    void sessionsEnded(String username) {
        sending.execute(() -> clients.forEach((c, w) -> {
            if (w.username().equals(username)) {
                end(c, w, "the user's sessions ended");
            }
        }));
    }

    /** A session ended (a logout): every stream whose session is gone ends. */
    void recheck() {
        sending.execute(this::endStale);
    }

    private void endStale() {
        clients.forEach((c, w) -> {
            if (sessions.user(w.token()).isEmpty()) {
                end(c, w, "its session ended");
            }
        });
    }

    private void end(SseClient c, Watcher w, String why) {
        clients.remove(c);
        log.info("Health stream of user {} closed: {}", w.username(), why);
        try {
            c.close();
        } catch (RuntimeException e) {
            log.info("Closing the health stream of user {} failed: {}", w.username(), e.toString());
        }
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    void handle(Context ctx) throws Exception {
        User user = access.user(ctx);
        Watcher watcher = new Watcher(user.username(), Access.token(ctx).orElseThrow());
        new SseHandler(client -> {
            client.keepAlive();
            client.onClose(() -> clients.remove(client));
            // Every station as last told, then each change: a console that (re)connects misses nothing.
            // Queued on the sending thread, so no change can come before the snapshot it follows.
            sending.execute(() -> {
                client.sendComment("connected");
                health.lastTold().forEach(h -> client.sendEvent("health", h));
                // Ended while the snapshot was queued: not added, and closed.
                if (sessions.user(watcher.token()).isEmpty()) {
                    client.close();
                    return;
                }
                clients.put(client, watcher);
            });
        }).handle(ctx);
    }

    /** Ends every stream and the threads that feed them (the server is stopping). */
    void close() {
        keepAlive.shutdownNow();
        sending.shutdownNow();
        clients.keySet().forEach(SseClient::close);
        clients.clear();
    }

    private void send(Health h) {
        for (SseClient c : clients.keySet()) {
            if (c.terminated()) {
                clients.remove(c);
                continue;
            }
            try {
                c.sendEvent("health", h);
            } catch (RuntimeException e) {
                log.info("A console's health stream closed: {}", e.toString());
                clients.remove(c);
            }
        }
    }
}
