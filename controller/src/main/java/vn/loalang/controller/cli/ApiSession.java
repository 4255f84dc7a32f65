package vn.loalang.controller.cli;

import com.fasterxml.jackson.databind.JsonNode;
import vn.loalang.protocol.Json;
import vn.loalang.protocol.config.OptionException;

import java.io.Console;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;

/**
 * A command-line tool's session with the controller's HTTP API, logged in with the caller's own
 * account, so a terminal has the same rights, checks and audit as the console. The password comes
 * from {@code LOALANG_PASSWORD}, a file, or is asked for; never an argument (it would show in {@code ps}).
 */
final class ApiSession {
    /** The controller said no: its message, Vietnamese first. */
    static final class Refused extends Exception {
        private final int status;

        Refused(String message) {
            this(message, 0);
        }

        Refused(String message, int status) {
            super(message);
            this.status = status;
        }

        /** The HTTP status the controller answered with; 0 when the refusal is the tool's own. */
        int status() {
            return status;
        }
    }

    /** A tool's work once its arguments are read; returns its exit code. */
    interface Tool {
        int run() throws IOException, InterruptedException, Refused;
    }

    /**
     * Runs a tool the one way every tool answers: {@code --help} prints the usage; exit code 0 done,
     * 1 refused by the controller or unreachable, 2 a mistake on the command line: a value that breaks
     * its option's rule as {@code run} says it ({@link Args#refusal}), anything else with the usage.
     *
     * @param command as typed after {@code loalang-controller}, e.g. {@code alert}
     */
    static int exitCode(String command, String[] argv, String usage, PrintStream out, PrintStream err, Tool tool) {
        if (Arrays.asList(argv).contains("--help")) {
            out.println(usage);
            return 0;
        }
        try {
            return tool.run();
        } catch (OptionException e) {
            err.println(Args.refusal(command, e));
            return 2;
        } catch (IllegalArgumentException e) {
            err.println(e.getMessage() + "\n\n" + usage);
            return 2;
        } catch (Refused e) {
            err.println(e.getMessage());
            return 1;
        } catch (javax.net.ssl.SSLHandshakeException e) {
            err.println("Không tin được chứng chỉ của máy chủ / the controller's HTTPS certificate is not trusted ("
                    + e.getMessage() + "): give --ca FILE, the commune CA (" + SessionOptions.DEFAULT_CA + " on the server)");
            return 1;
        } catch (java.net.ConnectException | java.net.http.HttpTimeoutException e) {
            err.println("Không kết nối được máy chủ / cannot reach the controller: " + e.getMessage());
            return 1;
        } catch (IOException e) {
            err.println("Không làm được / failed: " + e.getMessage());
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
    }

    private final HttpClient http;
    private final URI base;
    private String token;

    private ApiSession(URI base, HttpClient http) {
        this.base = base;
        this.http = http;
    }

    /**
     * Where a tool logs in and as whom ({@link SessionOptions}): {@code --url}, {@code --user},
     * {@code --password-file}, and {@code --ca}, the certificate authority an HTTPS controller is
     * trusted by (default the commune CA that 'provision init' left in /etc/loalang/tls; where there is
     * none, the JDK's public authorities, for a certificate an administrator bought); read with the
     * tool's other options, before any login.
     */
    record Target(URI url, String user, Path passwordFile, Path ca) {
        static Target from(Args a) {
            Path ca = a.get(SessionOptions.CA);
            return new Target(a.get(SessionOptions.URL), a.get(SessionOptions.USER), a.get(SessionOptions.PASSWORD_FILE),
                    ca != null ? ca : Files.isReadable(SessionOptions.DEFAULT_CA) ? SessionOptions.DEFAULT_CA : null);
        }

        ApiSession login() throws IOException, InterruptedException, Refused {
            return ApiSession.login(url.toString(), user, passwordFile, ca);
        }
    }

    static ApiSession login(String url, String user, Path passwordFile, Path ca)
            throws IOException, InterruptedException, Refused {
        HttpClient.Builder client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
                // Plain HTTP beyond loopback answers 308 to the HTTPS port; NORMAL never follows HTTPS back to HTTP.
                .followRedirects(HttpClient.Redirect.NORMAL);
        if (ca != null) {
            client.sslContext(vn.loalang.protocol.tls.BrokerTrust.context(ca));
        }
        ApiSession s = new ApiSession(URI.create(url.replaceAll("/+$", "")), client.build());
        String password = passwordFile != null ? Files.readString(passwordFile).strip() : password(user);
        s.token = s.call("POST", "/api/login", Map.of("username", user, "password", password)).get("token").asText();
        return s;
    }

    private static String password(String user) {
        String env = System.getenv("LOALANG_PASSWORD");
        if (env != null && !env.isEmpty()) {
            return env;
        }
        Console console = System.console();
        if (console == null) {
            throw new IllegalArgumentException("set LOALANG_PASSWORD, or run in a terminal to be asked for it");
        }
        return new String(console.readPassword("Mật khẩu của %s / password of %s: ", user, user));
    }

    JsonNode call(String method, String path, Object body) throws IOException, InterruptedException, Refused {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(Json.write(body)));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        JsonNode json = r.body().isEmpty() ? Json.mapper().createObjectNode() : Json.mapper().readTree(r.body());
        if (r.statusCode() >= 400) {
            String field = json.path("field").isTextual() ? " (" + json.get("field").asText() + ")" : "";
            throw new Refused("Bị từ chối / refused, HTTP " + r.statusCode() + ": " + json.path("message").asText()
                    + field, r.statusCode());
        }
        return json;
    }
}
