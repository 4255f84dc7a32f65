package vn.loalang.controller.server;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import vn.loalang.controller.api.SetupRoutes;
import vn.loalang.controller.audit.AuditLog;
import vn.loalang.controller.directory.Commune;
import vn.loalang.controller.directory.CommuneDraft;
import vn.loalang.controller.directory.Directory;
import vn.loalang.controller.http.HttpServer;
import vn.loalang.controller.store.Store;
import vn.loalang.controller.users.PasswordHasher;
import vn.loalang.controller.users.Sessions;
import vn.loalang.controller.users.UserDirectory;

import java.io.IOException;
import java.io.PrintStream;
import java.time.Clock;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.Supplier;

/**
 * The small server of a first start without a commune file: the console, one's own account (so the first
 * administrator logs in and changes the printed password) and {@code POST /api/setup}, on the host and
 * ports the controller will use, with the same HTTPS rule ({@link HttpServer}). It holds the store only
 * until the commune is written; then {@link FirstStart} closes it and starts the {@link Controller},
 * whose every part needs the commune (its id is in the signing key id and every station's bundle).
 * Sessions are rows in the store: the administrator's stays valid across the switch.
 */
final class SetupServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SetupServer.class);

    private final Store store;
    private final AuditLog audit;
    private final Clock clock;
    private final CompletableFuture<Commune> done = new CompletableFuture<>();
    private HttpServer http;

    private SetupServer(Store store, Clock clock) {
        this.store = store;
        this.audit = new AuditLog(clock);
        this.clock = clock;
    }

    /**
     * Opens the store, makes the first administrator (printing a random password once on {@code console}
     * unless {@code adminPassword} gives one) and listens.
     */
    static SetupServer start(ControllerConfig config, Clock clock, PasswordHasher hasher, Supplier<String> adminPassword,
                             PrintStream console) throws IOException {
        Store store = Store.open(config.store());
        SetupServer setup = new SetupServer(store, clock);
        try {
            UserDirectory users = new UserDirectory(store, hasher, setup.audit, clock, Set.of());
            users.ensureFirstAdmin(adminPassword, console);
            Sessions sessions = new Sessions(store, users, clock);
            SetupRoutes.Importer importer = new SetupRoutes.Importer() {
                @Override
                public Commune importDraft(String actor, CommuneDraft draft) {
                    return setup.importDraft(actor, draft);
                }

                @Override
                public void answered(Commune commune) {
                    setup.done.complete(commune);
                }
            };
            try {
                setup.http = HttpServer.start(config.httpHost(), config.httpPort(), config.https(), false,
                        List.of(app -> SetupRoutes.mountSetupServer(app, sessions, users, clock,
                                () -> !setup.done.isDone(), importer)));
            } catch (RuntimeException e) {
                throw new IOException("HTTP server cannot listen on " + config.httpHost() + ":" + config.httpPort()
                        + ": " + e.getMessage(), e);
            }
        } catch (IOException | RuntimeException e) {
            setup.close();
            throw e;
        }
        return setup;
    }

    /** One setup at a time: a double click writes the commune once and is refused the second time (409). */
    private synchronized Commune importDraft(String actor, CommuneDraft draft) {
        Commune commune = Directory.importFirst(store, audit, clock, actor, draft.toCommune());
        log.info("First start: commune {} set up by {}; the controller starts next", commune.commune().id(), actor);
        return commune;
    }

    /** Waits until an administrator has set the commune up, and returns it. */
    Commune awaitCommune() throws InterruptedException {
        try {
            return done.get();
        } catch (ExecutionException e) {
            throw new IllegalStateException("the setup never fails its future", e);
        }
    }

    int port() {
        return http.port();
    }

    int httpsPort() {
        return http.httpsPort();
    }

    @Override
    public void close() {
        if (http != null) {
            http.close();
        }
        store.close();
    }
}
