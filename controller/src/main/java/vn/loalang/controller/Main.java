package vn.loalang.controller;

import vn.loalang.controller.server.Controller;
import vn.loalang.controller.server.FirstStart;
import vn.loalang.controller.server.ControllerConfig;
import vn.loalang.controller.server.ControllerOptions;
import vn.loalang.controller.cli.AlertCommand;
import vn.loalang.controller.cli.Args;
import vn.loalang.controller.cli.ProvisionCommand;
import vn.loalang.controller.cli.StationCommand;
import vn.loalang.controller.change.ChangeException;
import vn.loalang.controller.demo.Demo;

import vn.loalang.protocol.config.OptionException;
import vn.loalang.protocol.config.OptionText;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;

import static vn.loalang.controller.server.ControllerOptions.*;

/**
 * {@code java -jar loalang-controller.jar run [--commune commune.json] [options]} runs the commune
 * server (without a file on an empty store, the console sets the commune up first); {@code demo} runs the self-contained demonstration.
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
                } catch (OptionException e) {
                    // A value that breaks its option's rule: the rule and an example say all; no page of usage.
                    System.err.println(Args.refusal("run", e));
                    System.exit(2);
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
            case "release" -> System.exit(vn.loalang.controller.cli.ReleaseCommand.run(rest, System.out, System.err));
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
              loalang-controller demo --agent-jar JAR [--exit-after SECONDS] … (see: demo --help)
              loalang-controller alert --user NAME --villages ID … (see: alert --help)
              loalang-controller station --user NAME --station ID --action TEST_TONE … (see: station --help)
              loalang-controller provision init|station|rotate|revoke … (see: provision --help)
              loalang-controller release --jar FILE --version V --url URL --key FILE   (sign an agent build)

            Options of run:
            """ + OptionText.commandLine(ControllerOptions.ALL) + """

            Without --commune, an empty data directory starts a setup page: open the console's address it prints, log in
            as admin and give the commune (name, time zone, villages, the two sessions); the controller then starts.
            An example commune file: docs/examples/commune.example.json.
            The HTTP API is under /api (described at /api/openapi.json), on the HTTPS port when there is one.
            The first start creates the user admin with the password in LOALANG_ADMIN_PASSWORD, or prints a random
            one once; a printed password must be changed at the first login (POST /api/me/password, or the console's form).
            """;

    static vn.loalang.controller.http.HttpsSettings https(Args a) {
        Integer port = a.get(ControllerOptions.HTTPS_PORT);
        if (port == null) {
            if (a.has(ControllerOptions.TLS_CERT) || a.has(ControllerOptions.TLS_KEY)) {
                throw new IllegalArgumentException("--tls-cert and --tls-key are for HTTPS: give --https-port too (e.g. 8443)");
            }
            return null;
        }
        return new vn.loalang.controller.http.HttpsSettings(port, a.get(ControllerOptions.TLS_CERT),
                a.get(ControllerOptions.TLS_KEY));
    }

    /**
     * The controller's config from {@code run}'s arguments (and {@code --config FILE}), every value read
     * by its definition in {@link ControllerOptions}.
     *
     * @throws vn.loalang.protocol.config.OptionException a value breaks its option's rule
     * @throws IllegalArgumentException an unknown option, a missing value, options that do not go together
     */
    static ControllerConfig config(String[] args) throws IOException {
        Args a = new Args(args);
        ControllerConfig config = ControllerConfig.of(a.get(COMMUNE), a.get(DATA))
                .withTopicRoot(a.get(TOPIC_ROOT)).withStoreFile(a.get(STORE));
        String broker = a.get(BROKER);
        if (broker.equals("embedded")) {
            config = config.withEmbeddedBroker(a.get(MQTT_HOST), a.get(MQTT_PORT));
        } else {
            Path pw = a.get(MQTT_PASSWORD_FILE);
            if (pw != null && !Files.isReadable(pw)) {
                throw new IllegalArgumentException("--mqtt-password-file " + pw + " cannot be read: on a commune server "
                        + "it is written by 'provision init' (docs/deployment.md), readable by the controller's user");
            }
            config = config.withExternalBroker(broker, a.get(MQTT_USER),
                    pw == null ? null : Files.readString(pw).strip()).withMqttCa(a.get(MQTT_CA));
            Path accountsDir = a.get(BROKER_ACCOUNTS);
            if (accountsDir != null) {
                String reload = a.get(BROKER_RELOAD);
                config = config.withBrokerAccounts(new vn.loalang.controller.broker.BrokerAccounts.Settings(accountsDir,
                        reload == null || reload.isBlank() ? List.of() : List.of(reload.strip().split("\\s+"))));
            }
        }
        config = config.withWebhook(a.get(WEBHOOK));
        config = config.withStorage(vn.loalang.controller.content.StorageLimits.ofMegabytes(
                a.get(UPLOAD_MAX_MB), a.get(CLIP_MAX_MB), a.get(LIBRARY_QUOTA_MB)));
        config = config.withLine(a.get(LINE_RATE) == 0 ? vn.loalang.controller.content.LineFormat.AS_UPLOADED
                : new vn.loalang.controller.content.LineFormat(a.get(LINE_RATE), a.get(LINE_CHANNELS)));
        config = config.withHttp(a.get(HTTP_HOST), a.get(HTTP_PORT), a.get(PUBLIC_URL));
        config = config.withHttps(https(a));
        config = config.withLive(live(a));
        config = config.withMirrorAllowLocal(a.get(MIRROR_ALLOW_LOCAL)); // issue 19: the mirror
        config = config.withListenUrl(a.get(LISTEN_URL)); // issue 19
        a.requireAllUsed();
        return config;
    }

    /** Where stations fetch live channels: the controller itself, or Icecast with its three passwords from files. */
    private static vn.loalang.controller.live.LiveServerSettings live(Args a) throws IOException {
        boolean icecast = a.get(LIVE_SERVER).equals("icecast");
        for (var option : List.of(ICECAST_URL, ICECAST_PUBLIC_URL, ICECAST_SOURCE_PASSWORD_FILE, ICECAST_ADMIN_PASSWORD_FILE,
                ICECAST_CALLBACK_PASSWORD_FILE)) {
            if (!icecast && a.has(option)) {
                throw new IllegalArgumentException("--" + option.key() + " is for --live-server icecast");
            }
        }
        if (!icecast) {
            return new vn.loalang.controller.live.LiveServerSettings(null, a.get(FFMPEG));
        }
        return new vn.loalang.controller.live.LiveServerSettings(new vn.loalang.controller.live.LiveServerSettings.IcecastSettings(
                a.get(ICECAST_URL), a.get(ICECAST_PUBLIC_URL), secret(a.get(ICECAST_SOURCE_PASSWORD_FILE)), "admin",
                secret(a.get(ICECAST_ADMIN_PASSWORD_FILE)), "icecast", secret(a.get(ICECAST_CALLBACK_PASSWORD_FILE))),
                a.get(FFMPEG));
    }

    /** A password from its file, or null when no file was given. */
    private static String secret(Path file) throws IOException {
        if (file == null) {
            return null;
        }
        if (!Files.isReadable(file)) {
            throw new IllegalArgumentException(file + " cannot be read: it must be readable by the controller's user");
        }
        return Files.readString(file).strip();
    }

    private static void run(String[] args) throws Exception {
        if (java.util.Arrays.asList(args).contains("--help") || java.util.Arrays.asList(args).contains("-h")) {
            System.out.println(USAGE);
            return;
        }
        ControllerConfig config = config(args);
        Controller controller;
        try {
            // An empty store and no commune file: the console sets the commune up first (FirstStart).
            controller = FirstStart.run(config, Clock.systemDefaultZone());
        } catch (ChangeException e) {
            // A refusal at start (a commune file that is not a valid commune): say what, not a stack trace.
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
