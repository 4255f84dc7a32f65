package vn.loalang.controller;

import vn.loalang.controller.demo.Demo;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * {@code java -jar loalang-controller.jar run --commune commune.json [options]} runs the commune
 * server; {@code demo} runs the self-contained demonstration.
 */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) throws Exception {
        String command = args.length == 0 ? "help" : args[0];
        String[] rest = Arrays.copyOfRange(args, Math.min(1, args.length), args.length);
        switch (command) {
            case "run" -> {
                try {
                    run(rest);
                } catch (IllegalArgumentException e) {
                    // A mistyped option deserves one clear line, not a stack trace.
                    System.err.println(e.getMessage() + "\n\n" + USAGE);
                    System.exit(2);
                }
            }
            case "demo" -> System.exit(Demo.run(rest));
            case "alert" -> System.exit(AlertCommand.run(rest, System.out, System.err));
            case "station" -> System.exit(StationCommand.run(rest, System.out, System.err));
            case "provision" -> System.exit(ProvisionCommand.run(rest, System.out, System.err));
            case "help", "--help", "-h" -> System.out.println(USAGE);
            default -> {
                System.err.println("Unknown command: " + command + "\n" + USAGE);
                System.exit(2);
            }
        }
    }

    static final String USAGE = """
            Loa Làng controller — the commune server for village loudspeaker radio.

            Usage:
              loalang-controller run [--commune commune.json] [options]
              loalang-controller run --config controller.json
              loalang-controller demo [--exit-after SECONDS] [--data DIR] --agent-jar PATH
              loalang-controller alert --user NAME --villages ID … (see: alert --help)
              loalang-controller station --user NAME --station ID --action TEST_TONE … (see: station --help)
              loalang-controller provision init|station|rotate|revoke … (see: provision --help)

            Options of run:
              --config FILE         read the options below from a JSON object, e.g.
                                    {"data": "/var/lib/loalang", "broker": "tcp://127.0.0.1:1883", "http-port": 8080};
                                    options on the command line win; relative paths are relative to the file
              --commune FILE        at the first start: the commune file (villages, stations, library, program)
                                    imported into the empty store; afterwards the store is the record and the
                                    file is not read again (change things through the API)
              --data DIR            signing key, library audio (DIR/content) and the store (default ./loalang-data)
              --store FILE          the SQLite store elsewhere than DIR/loalang.db (e.g. on a backed-up disk)
              --broker URL          external MQTT broker, e.g. tcp://127.0.0.1:1883 (default: embedded broker)
              --mqtt-host HOST      embedded broker address (default 127.0.0.1; 0.0.0.0 to reach real stations)
              --mqtt-port PORT      embedded broker port (default 1883)
              --mqtt-user USER      user name on the external broker
              --mqtt-password-file FILE  its password, read from a file (never on the command line)
              --mqtt-ca FILE        for an ssl:// broker: the CA certificate to trust (from 'provision init')
              --broker-accounts DIR keep the stations' broker accounts: the controller writes Mosquitto's
                                    passwd and acl in DIR as stations are enrolled, moved or removed
              --broker-reload CMD   run after those files change (default: none; on a server the systemd
                                    path unit loalang-broker-reload.path reloads Mosquitto)
              --http-host HOST      HTTP address: content and API (default 127.0.0.1)
              --http-port PORT      HTTP port (default 8080)
              --public-url URL      how stations reach the content server (default http://127.0.0.1:PORT)
              --topic-root ROOT     MQTT topic root (default loalang/v1)
              --webhook URL         where station incidents are POSTed as JSON (a chat bot, an SMS gateway);
                                    they are also published on ROOT/incident

            The HTTP API is under /api on the HTTP port (described at /api/openapi.json). The first start
            creates the user admin with the password in LOALANG_ADMIN_PASSWORD, or prints a random one once;
            a printed password must be changed at the first login (POST /api/me/password, or the console's form).
            """;

    private static void run(String[] args) throws Exception {
        if (java.util.Arrays.asList(args).contains("--help") || java.util.Arrays.asList(args).contains("-h")) {
            System.out.println(USAGE);
            return;
        }
        Args a = new Args(args);
        Path commune = a.path("--commune", null);
        ControllerConfig config = ControllerConfig.of(commune, a.path("--data", Path.of("loalang-data")))
                .withTopicRoot(a.value("--topic-root", null)).withStoreFile(a.path("--store", null));
        String broker = a.value("--broker", "embedded");
        if (broker.equals("embedded")) {
            config = config.withEmbeddedBroker(a.value("--mqtt-host", "127.0.0.1"), a.integer("--mqtt-port", 1883));
        } else {
            Path pw = a.path("--mqtt-password-file", null);
            if (pw != null && !Files.isReadable(pw)) {
                throw new IllegalArgumentException("--mqtt-password-file " + pw + " cannot be read: on a commune server "
                        + "it is written by 'provision init' (docs/deployment.md), readable by the controller's user");
            }
            config = config.withExternalBroker(broker, a.value("--mqtt-user", null),
                    pw == null ? null : Files.readString(pw).strip()).withMqttCa(a.path("--mqtt-ca", null));
            Path accountsDir = a.path("--broker-accounts", null);
            if (accountsDir != null) {
                String reload = a.value("--broker-reload", null);
                config = config.withBrokerAccounts(new vn.loalang.controller.broker.BrokerAccounts.Settings(accountsDir,
                        reload == null || reload.isBlank() ? List.of() : List.of(reload.strip().split("\\s+"))));
            }
        }
        String webhook = a.value("--webhook", null);
        if (webhook != null) {
            config = config.withWebhook(URI.create(webhook));
        }
        String publicUrl = a.value("--public-url", null);
        config = config.withHttp(a.value("--http-host", "127.0.0.1"), a.integer("--http-port", 8080),
                publicUrl == null ? null : URI.create(publicUrl));
        a.requireAllUsed();
        Controller controller;
        try {
            controller = Controller.start(config, Clock.systemDefaultZone());
        } catch (ChangeException e) {
            // An empty store with no commune file: say what to do, not a stack trace.
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        } catch (IOException e) {
            // A commune file that does not read, a port taken, a broker CA that is not a certificate: one line.
            System.err.println("Không khởi động được / the controller cannot start: " + e.getMessage());
            System.exit(1);
            return;
        }
        System.out.println("Controller running. Signing key " + controller.keyId() + "; stations must trust "
                + Controller.signingKeyFile(config.dataDir()).resolveSibling("controller-signing.pub.pem"));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            controller.close();
            stopped.countDown();
        }, "shutdown"));
        stopped.await();
    }
}
