package vn.loalang.controller.http;

import io.javalin.Javalin;
import jakarta.servlet.DispatcherType;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.servlet.FilterHolder;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import io.javalin.config.SizeUnit;
import io.javalin.http.staticfiles.Location;
import io.javalin.json.JavalinJackson;
import vn.loalang.controller.content.LibraryCatalog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import vn.loalang.protocol.Json;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.KeyStore;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * The controller's one HTTP port: the content the stations download, the API the people use and the
 * web console (plain files under {@code /console} in the jar, served at {@code /}),
 * mounted by their features on one Javalin app. JSON is written with the wire format's mapper, so
 * that times and nulls look the same on MQTT and HTTP.
 *
 * <p>With {@link HttpsSettings} it also listens for HTTPS on the same host, and every HTTPS answer
 * carries HSTS. Plain HTTP then serves everything only when it is bound to loopback (nothing on it
 * leaves the machine; the command-line tools and a local demo use it); bound beyond loopback it only
 * redirects to HTTPS, but for the stations' audio ({@link PlainHttpRedirect}). Plain HTTP beyond
 * loopback without HTTPS is refused at start: console passwords and tokens would cross the LAN in clear.
 * Stations fetch their audio over HTTPS too when {@code --public-url} says {@code https://}, trusting
 * the commune's CA as they do for the broker.
 */
public final class HttpServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(HttpServer.class);

    /** Connection attempts the kernel holds while Jetty accepts: a village's stations at once. */
    static final int ACCEPT_QUEUE = 1024;

    private final Javalin app;
    private final ServerConnector plain;
    private final ServerConnector secure;

    private HttpServer(Javalin app, ServerConnector plain, ServerConnector secure) {
        this.app = app;
        this.plain = plain;
        this.secure = secure;
    }

    /** A JSON or CAP body: a commune's largest program or a CAP message is a few hundred kilobytes. */
    static final long MAX_BODY_BYTES = 1024 * 1024;
    /** A multipart form's fields and boundaries around its file. */
    static final long FORM_BYTES = 64 * 1024;

    /** Plain HTTP only, on {@code host:port} (0: any free port): loopback, or refused. */
    public static HttpServer start(String host, int port, List<Consumer<Javalin>> mounts) throws IOException {
        return start(host, port, null, false, LibraryCatalog.MAX_UPLOAD_BYTES, mounts);
    }

    /** As below, taking uploads of up to {@link LibraryCatalog#MAX_UPLOAD_BYTES}. */
    public static HttpServer start(String host, int port, HttpsSettings https, boolean contentInClear,
                                   List<Consumer<Javalin>> mounts) throws IOException {
        return start(host, port, https, contentInClear, LibraryCatalog.MAX_UPLOAD_BYTES, mounts);
    }

    /**
     * Starts on {@code host:port} (0: any free port), and HTTPS on {@code host:https.port()} unless
     * {@code https} is null, with the routes each of {@code mounts} adds.
     *
     * @param contentInClear whether plain HTTP beyond loopback still serves the stations' audio: only when
     *                       they are told to fetch it there ({@code --public-url http://…})
     * @param maxUploadBytes the largest upload any role may make; a form may be that and {@link #FORM_BYTES} more
     * @throws IOException the certificate or key cannot be used, or plain HTTP beyond loopback without HTTPS
     */
    public static HttpServer start(String host, int port, HttpsSettings https, boolean contentInClear,
                                   long maxUploadBytes, List<Consumer<Javalin>> mounts) throws IOException {
        return start(host, port, https, contentInClear, false, maxUploadBytes, mounts);
    }

    /**
     * As above; {@code listenInClear} (issue 19): plain HTTP beyond loopback also serves GET and HEAD
     * {@code /nghe-lai/…}, when residents are told to listen there ({@code --listen-url http://…}).
     */
    public static HttpServer start(String host, int port, HttpsSettings https, boolean contentInClear,
                                   boolean listenInClear, long maxUploadBytes, List<Consumer<Javalin>> mounts)
            throws IOException {
        boolean loopback = isLoopback(host);
        if (!loopback && https == null) {
            throw new IOException("plain HTTP on " + host + " would carry console passwords across the network in clear:"
                    + " give --https-port with --tls-cert and --tls-key (written by 'provision init'), or keep"
                    + " --http-host 127.0.0.1");
        }
        KeyStore keys = https == null ? null : ServerCertificate.load(https);
        AtomicReference<ServerConnector> plain = new AtomicReference<>();
        AtomicReference<ServerConnector> secure = new AtomicReference<>();
        Javalin app = Javalin.create(config -> {
            config.showJavalinBanner = false;
            config.http.prefer405over404 = true;
            // MP3 does not compress, and a compressed body would break Content-Length and ranges.
            config.http.disableCompression();
            config.jsonMapper(new JavalinJackson(Json.mapper(), false));
            // Uploads larger than this stay on disk while they arrive, not in the heap.
            config.jetty.multipartConfig.maxInMemoryFileSize(1, SizeUnit.MB);
            config.jetty.multipartConfig.maxFileSize(maxUploadBytes, SizeUnit.BYTES);
            config.jetty.multipartConfig.maxTotalRequestSize(maxUploadBytes + FORM_BYTES, SizeUnit.BYTES);
            config.http.maxRequestSize = MAX_BODY_BYTES;
            config.jetty.modifyServletContextHandler(handler -> {
                FilterHolder sizeLimit = new FilterHolder(new RequestSizeLimit(MAX_BODY_BYTES, maxUploadBytes + FORM_BYTES));
                // The health stream (server-sent events) is asynchronous: every filter before it must allow that.
                sizeLimit.setAsyncSupported(true);
                handler.addFilter(sizeLimit, "/*", EnumSet.of(DispatcherType.REQUEST));
            });
            // The web console: plain files in the jar, nothing to build and nothing fetched from elsewhere.
            config.staticFiles.add(files -> {
                files.hostedPath = "/";
                files.directory = "/console";
                files.location = Location.CLASSPATH;
                // The page holds a user's token: it runs only its own scripts and is never framed by another site.
                files.headers = java.util.Map.of("Cache-Control", "no-cache", "X-Content-Type-Options", "nosniff",
                        "Content-Security-Policy", "default-src 'self'; frame-ancestors 'none'; base-uri 'none'");
            });
            config.jetty.addConnector((server, http) -> {
                ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(http));
                plain.set(listen(connector, host, port));
                return connector;
            });
            if (https != null) {
                config.jetty.addConnector((server, http) -> {
                    ServerConnector connector = secureConnector(server, http, keys);
                    secure.set(listen(connector, host, https.port()));
                    return connector;
                });
            }
            if (https != null && !loopback) {
                // A filter, not a route: it answers before Javalin looks at routes, pages or files.
                config.jetty.modifyServletContextHandler(handler -> {
                    FilterHolder redirect = new FilterHolder(new PlainHttpRedirect(() -> secure.get().getLocalPort(),
                            contentInClear, listenInClear));
                    // HTTPS requests pass through it to the health stream, which is asynchronous.
                    redirect.setAsyncSupported(true);
                    handler.addFilter(redirect, "/*", EnumSet.of(DispatcherType.REQUEST));
                });
            }
        });
        mounts.forEach(m -> m.accept(app));
        app.exception(RequestSizeLimit.BodyTooLarge.class, (e, ctx) -> {
            log.warn("{} {} from {} cut off: {}", ctx.method(), vn.loalang.protocol.LogText.of(ctx.path(), 200), ctx.ip(), e.getMessage());
            ctx.status(413).header("Connection", "close").json(new java.util.LinkedHashMap<>(
                    java.util.Collections.singletonMap("message", e.getMessage())));
        });
        // Javalin's own refusal of a body that announces too much (checked again when the body is read).
        app.exception(io.javalin.http.HttpResponseException.class, (e, ctx) -> ctx.status(e.getStatus())
                .json(new java.util.LinkedHashMap<>(java.util.Collections.singletonMap("message",
                        e.getStatus() == 413 ? RequestSizeLimit.message(MAX_BODY_BYTES) : e.getMessage()))));
        app.get("/healthz", ctx -> ctx.result("ok"));
        app.start();
        HttpServer started = new HttpServer(app, plain.get(), secure.get());
        if (https == null) {
            log.info("HTTP server listening on http://{}:{} (loopback only)", host, started.port());
        } else {
            log.info("HTTPS server listening on https://{}:{} (HSTS); plain HTTP on {}:{} {}", host, started.httpsPort(),
                    host, started.port(), loopback ? "serves this machine only" : contentInClear
                            ? "only redirects to HTTPS, but for the stations' audio at /content/"
                            : "only redirects to HTTPS");
        }
        return started;
    }

    private static ServerConnector listen(ServerConnector connector, String host, int port) {
        connector.setHost(host);
        connector.setPort(port);
        // An alert makes a whole village fetch its clip at once. The JDK's backlog of 50 dropped
        // connection attempts (each then waits out a TCP retransmission, 1 s for a SYN): measured
        // with 1,000 stations in docs/benchmarks.md.
        connector.setAcceptQueueSize(ACCEPT_QUEUE);
        return connector;
    }

    private static ServerConnector secureConnector(Server server, HttpConfiguration http, KeyStore keys) {
        SslContextFactory.Server tls = new SslContextFactory.Server();
        tls.setKeyStore(keys);
        tls.setKeyStorePassword(ServerCertificate.STORE_PASSWORD);
        tls.setKeyManagerPassword(ServerCertificate.STORE_PASSWORD);
        // TLS 1.2 and 1.3 with Jetty's default exclusions of weak ciphers; older browsers are not served.
        tls.setIncludeProtocols("TLSv1.3", "TLSv1.2");
        HttpConfiguration secured = new HttpConfiguration(http);
        secured.setSecureScheme("https");
        SecureRequestCustomizer customizer = new SecureRequestCustomizer();
        customizer.setStsMaxAge(HttpsSettings.HSTS_MAX_AGE_SECONDS);
        // Not for subdomains: a commune's server name may sit under a province's domain with other servers.
        customizer.setStsIncludeSubDomains(false);
        // The client checks the certificate's names itself; Jetty's extra check would refuse a client that
        // was told to trust this certificate for a name the certificate does not carry.
        customizer.setSniHostCheck(false);
        secured.addCustomizer(customizer);
        return new ServerConnector(server, new SslConnectionFactory(tls, "http/1.1"), new HttpConnectionFactory(secured));
    }

    /** 127.0.0.1, ::1, localhost; a name is resolved. 0.0.0.0 (every interface) is not loopback. */
    static boolean isLoopback(String host) throws IOException {
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            throw new IOException("--http-host " + host + " is not an address of this machine", e);
        }
    }

    /** The plain HTTP port. */
    public int port() {
        return plain.getLocalPort();
    }

    /** The HTTPS port; -1 without HTTPS. */
    public int httpsPort() {
        return secure == null ? -1 : secure.getLocalPort();
    }

    @Override
    public void close() {
        app.stop();
    }
}
