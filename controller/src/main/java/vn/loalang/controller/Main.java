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
              --mqtt-host HOST      embedded broker address (default 127.0.0.1, where clients without a password
                                    are let in; on any other address, e.g. 0.0.0.0, each station needs its
                                    own account: POST /api/stations/ID/credentials; no TLS: use Mosquitto)
              --mqtt-port PORT      embedded broker port (default 1883)
              --mqtt-user USER      user name on the external broker
              --mqtt-password-file FILE  its password, read from a file (never on the command line)
              --mqtt-ca FILE        for an ssl:// broker: the CA certificate to trust (from 'provision init')
              --broker-accounts DIR keep the stations' broker accounts: the controller writes Mosquitto's
                                    passwd and acl in DIR as stations are enrolled, moved or removed
              --broker-reload CMD   run after those files change (default: none; on a server the systemd
                                    path unit loalang-broker-reload.path reloads Mosquitto)
              --http-host HOST      address of the console, the API and the content (default 127.0.0.1); beyond
                                    loopback (e.g. 0.0.0.0) it needs --https-port: plain HTTP then only redirects
                                    to HTTPS (but for the stations' audio at /content/ when --public-url is http://)
              --http-port PORT      plain HTTP port (default 8080)
              --https-port PORT     HTTPS on the same address (e.g. 8443), with HSTS: the console and the API
              --tls-cert FILE       HTTPS certificate chain, PEM, the server's first (default
                                    /etc/loalang/tls/controller.pem, issued by the commune CA at 'provision init')
              --tls-key FILE        its private key, unencrypted PKCS#8 PEM (default /etc/loalang/tls/controller.key)
              --public-url URL      how stations reach the content server (default http://127.0.0.1:PORT); with
                                    https://HOST:HTTPS-PORT they trust the commune CA from their bundle
              --topic-root ROOT     MQTT topic root (default loalang/v1)
              --webhook URL         where station incidents are POSTed as JSON (a chat bot, an SMS gateway);
                                    they are also published on ROOT/incident
              --upload-max-mb N     the largest audio file an operator or administrator may upload (default 512)
              --clip-max-mb N       the largest clip a village head may upload for an alert (default 64)
              --library-quota-mb N  the library's total on disk; an upload that would pass it is refused
                                    (default 8192)

            The HTTP API is under /api (described at /api/openapi.json), on the HTTPS port when there is one.
            The first start creates the user admin with the password in LOALANG_ADMIN_PASSWORD, or prints a random
            one once; a printed password must be changed at the first login (POST /api/me/password, or the console's form).
            """;

    /** Where {@code provision init} writes the controller's certificate and key, and a copy of the CA. */
    static final Path TLS_DIR = Path.of("/etc/loalang/tls");

    static vn.loalang.controller.http.HttpsSettings https(Args a) {
        String port = a.value("--https-port", null);
        Path cert = a.path("--tls-cert", null);
        Path key = a.path("--tls-key", null);
        if (port == null) {
            if (cert != null || key != null) {
                throw new IllegalArgumentException("--tls-cert and --tls-key are for HTTPS: give --https-port too (e.g. 8443)");
            }
            return null;
        }
        return new vn.loalang.controller.http.HttpsSettings(a.integer("--https-port", 0),
                cert != null ? cert : TLS_DIR.resolve("controller.pem"), key != null ? key : TLS_DIR.resolve("controller.key"));
    }

    private static int positive(Args a, String name, int fallback) {
        int value = a.integer(name, fallback);
        if (value <= 0) {
            throw new IllegalArgumentException(name + " must be a positive number of megabytes, not " + value);
        }
        return value;
    }

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
        config = config.withStorage(vn.loalang.controller.content.StorageLimits.ofMegabytes(
                positive(a, "--upload-max-mb", 512), positive(a, "--clip-max-mb", 64),
                positive(a, "--library-quota-mb", 8192)));
        String publicUrl = a.value("--public-url", null);
        config = config.withHttp(a.value("--http-host", "127.0.0.1"), a.integer("--http-port", 8080),
                publicUrl == null ? null : URI.create(publicUrl));
        config = config.withHttps(https(a));
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
