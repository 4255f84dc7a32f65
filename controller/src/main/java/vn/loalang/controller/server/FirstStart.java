package vn.loalang.controller.server;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import vn.loalang.controller.directory.Commune;
import vn.loalang.controller.directory.Directory;
import vn.loalang.controller.store.Store;
import vn.loalang.controller.users.PasswordHasher;
import vn.loalang.controller.users.UserDirectory;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.time.Clock;
import java.util.function.Supplier;

/**
 * {@code run}: the controller, after the commune's setup in the console when there is nothing to start
 * from. A store that holds a commune, or an existing {@code --commune FILE}, starts the {@link Controller}
 * at once, as before. An empty store without a file starts the {@link SetupServer} on the same address;
 * once the first administrator has set the commune up, it closes and the controller starts in its place
 * (the console polls {@code GET /api/setup} across the gap).
 */
public final class FirstStart {
    private static final Logger log = LoggerFactory.getLogger(FirstStart.class);

    private FirstStart() {
    }

    public static Controller run(ControllerConfig config, Clock clock) throws IOException, InterruptedException {
        return run(config, clock, new PasswordHasher(), () -> System.getenv(UserDirectory.ADMIN_PASSWORD_ENV),
                System.out);
    }

    /**
     * As {@link Controller#start(ControllerConfig, Clock, PasswordHasher, Supplier, PrintStream)}, waiting
     * first for the commune's setup when the store is empty and no file is given.
     *
     * @throws IOException also when {@code --commune} names a file that does not exist and the store is empty
     */
    public static Controller run(ControllerConfig config, Clock clock, PasswordHasher hasher,
                                 Supplier<String> adminPassword, PrintStream console)
            throws IOException, InterruptedException {
        if (!setupNeeded(config)) {
            return Controller.start(config, clock, hasher, adminPassword, console);
        }
        ControllerConfig next = config;
        try (SetupServer setup = SetupServer.start(config, clock, hasher, adminPassword, console)) {
            String address = address(config, setup);
            log.info("No commune in the store yet: open {} to set up the commune", address);
            console.println("Chưa có xã nào: mở " + address + " để thiết lập / no commune yet: open " + address
                    + " to set up the commune");
            console.flush();
            Commune commune = setup.awaitCommune();
            log.info("Commune {} set up; starting the controller", commune.commune().id());
            if (config.httpPort() == 0) {
                // Any free port was asked for: the console that set up the commune is on this one, so keep it.
                next = config.withHttp(config.httpHost(), setup.port(), config.publicUrl());
            }
        }
        return Controller.start(next, clock, hasher, adminPassword, console);
    }

    /** True when the store holds no commune and no file is given to import. */
    static boolean setupNeeded(ControllerConfig config) throws IOException {
        if (config.communeFile() != null && Files.exists(config.communeFile())) {
            return false;
        }
        try (Store store = Store.open(config.store())) {
            if (Directory.holdsCommune(store)) {
                return false;
            }
        }
        if (config.communeFile() != null) {
            // A mistyped path must not lead to a different commune set up by hand.
            throw new IOException("the commune file " + config.communeFile() + " does not exist and the store holds no"
                    + " commune yet: give an existing file, or start without --commune to set the commune up in the"
                    + " console");
        }
        return true;
    }

    private static String address(ControllerConfig config, SetupServer setup) {
        boolean https = setup.httpsPort() > 0;
        String host = config.httpHost().equals("0.0.0.0") || config.httpHost().equals("::")
                ? "<địa chỉ máy chủ / this server's address>" : config.httpHost();
        return (https ? "https://" : "http://") + host + ":" + (https ? setup.httpsPort() : setup.port()) + "/";
    }
}
