package vn.loalang.controller.api;

import io.javalin.http.Context;
import io.javalin.http.sse.SseClient;
import io.javalin.http.sse.SseHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import vn.loalang.controller.health.Health;
import vn.loalang.controller.health.HealthMonitor;
import vn.loalang.controller.users.Role;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * {@code GET /api/health/stream}: server-sent events for the technicians' console, one
 * {@code health} event with a station's {@link Health} each time its state or its kinds of problem
 * change, as on {@code ROOT/health/{station}}. Sent from a thread of its own, so that a slow
 * browser never holds up the health monitor.
 */
final class HealthStream {
    private static final Logger log = LoggerFactory.getLogger(HealthStream.class);

    private final Access access;
    private final HealthMonitor health;
    private final Set<SseClient> clients = ConcurrentHashMap.newKeySet();
    private final ExecutorService sending = Executors.newSingleThreadExecutor(r -> daemon(r, "health-stream"));
    private final ScheduledExecutorService keepAlive = Executors.newSingleThreadScheduledExecutor(r -> daemon(r,
            "health-stream-ping"));

    HealthStream(Access access, HealthMonitor health) {
        this.access = access;
        this.health = health;
        health.onChange(h -> sending.execute(() -> send(h)));
        // A comment now and then: proxies and phones drop a connection that says nothing for long.
        keepAlive.scheduleAtFixedRate(() -> sending.execute(() -> clients.forEach(c -> c.sendComment("ping"))), 15,
                15, TimeUnit.SECONDS);
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    void handle(Context ctx) throws Exception {
        access.requireRole(ctx, Role.ADMIN, Role.OPERATOR, Role.TECHNICIAN);
        new SseHandler(client -> {
            client.keepAlive();
            client.onClose(() -> clients.remove(client));
            // Every station as last told, then each change: a console that (re)connects misses nothing.
            // Queued on the sending thread, so no change can come before the snapshot it follows.
            sending.execute(() -> {
                client.sendComment("connected");
                health.lastTold().forEach(h -> client.sendEvent("health", h));
                clients.add(client);
            });
        }).handle(ctx);
    }

    /** Ends every stream and the threads that feed them (the server is stopping). */
    void close() {
        keepAlive.shutdownNow();
        sending.shutdownNow();
        clients.forEach(SseClient::close);
        clients.clear();
    }

    private void send(Health h) {
        for (SseClient c : clients) {
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
