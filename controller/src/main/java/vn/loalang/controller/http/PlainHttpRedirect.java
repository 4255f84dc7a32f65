package vn.loalang.controller.http;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.util.function.IntSupplier;
import java.util.regex.Pattern;

/**
 * Plain HTTP on an address beyond loopback: every request is answered {@code 308} to the same path on
 * the HTTPS port, before any route, page or file is looked at, so no password, token or page crosses
 * the network in clear. One exception, where the stations are told to fetch their audio in clear
 * ({@code --public-url http://…}, e.g. with a certificate of the administrator's that stations, which
 * trust the commune's CA only, cannot check): {@code GET}/{@code HEAD /content/{sha256}}. Its integrity
 * does not rest on the transport: each station checks the file's SHA-256 against the signed schedule
 * that named it, and the audio is broadcast on loudspeakers anyway. And one for Icecast on this very
 * machine: its listener callbacks ({@code POST /internal/icecast/listener-add} and {@code -remove})
 * from a loopback address, as its client does not follow a redirect; nothing leaves the machine,
 * and the route checks the caller and Icecast's own credentials again.
 * Issue 19: when residents are told to listen in clear ({@code --listen-url http://…}, a village Wi-Fi without a
 * domain), {@code GET}/{@code HEAD /nghe-lai/…} too: public pages and audio, nothing a login protects.
 * HTTPS requests pass through (Jetty adds the HSTS header to them).
 */
final class PlainHttpRedirect implements Filter {
    /** A host name or address as it may appear in a Host header; anything else is not echoed back. */
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9.-]{1,253}|\\[[0-9A-Fa-f:.]{2,45}]");

    /** Read per request: an ephemeral port is known only once the server listens. */
    /** What stations fetch: {@code /content/{sha256}} (content.ContentServer), and nothing else. */
    private static final java.util.regex.Pattern CONTENT = java.util.regex.Pattern.compile("/content/[0-9a-f]{64}");

    /** Icecast's URL authentication (api.IcecastCallbacks). */
    private static final Pattern ICECAST_CALLBACK = Pattern.compile("/internal/icecast/listener-(add|remove)");

    /**
     * Issue 19: the public "Nghe lại" pages, feeds and audio ({@code api.ListenRoutes}), path segments of plain
     * characters only (no {@code %}, no {@code .} or {@code ..} segment), so nothing normalises to another route.
     */
    private static final Pattern LISTEN = Pattern.compile("/nghe-lai(/(?!\\.\\.?(/|$))[A-Za-z0-9._-]{1,128})*/?");

    private final IntSupplier httpsPort;
    private final boolean contentInClear;
    private final boolean listenInClear;

    PlainHttpRedirect(IntSupplier httpsPort, boolean contentInClear) {
        this(httpsPort, contentInClear, false);
    }

    /** @param listenInClear issue 19: GET/HEAD /nghe-lai/… pass in clear ({@code --listen-url http://…}) */
    PlainHttpRedirect(IntSupplier httpsPort, boolean contentInClear, boolean listenInClear) {
        this.httpsPort = httpsPort;
        this.contentInClear = contentInClear;
        this.listenInClear = listenInClear;
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        HttpServletRequest req = (HttpServletRequest) request;
        if (req.isSecure() || (contentInClear && stationContent(req)) || (listenInClear && publicListening(req))
                || icecastOnThisMachine(req)) {
            chain.doFilter(request, response);
            return;
        }
        HttpServletResponse res = (HttpServletResponse) response;
        String query = req.getQueryString();
        res.setStatus(308);
        res.setHeader("Location", "https://" + host(req) + ":" + httpsPort.getAsInt() + req.getRequestURI()
                + (query == null ? "" : "?" + query));
        res.setContentLength(0);
    }

    private static boolean stationContent(HttpServletRequest req) {
        String method = req.getMethod();
        // The raw path, matched whole: "/content/../api/…" is routed to the API once normalised, so a prefix is not enough.
        return (method.equals("GET") || method.equals("HEAD")) && CONTENT.matcher(req.getRequestURI()).matches();
    }

    private static boolean publicListening(HttpServletRequest req) {
        String method = req.getMethod();
        return (method.equals("GET") || method.equals("HEAD")) && LISTEN.matcher(req.getRequestURI()).matches();
    }

    private static boolean icecastOnThisMachine(HttpServletRequest req) {
        if (!req.getMethod().equals("POST") || !ICECAST_CALLBACK.matcher(req.getRequestURI()).matches()) {
            return false;
        }
        try {
            // The remote address is a literal: no name is looked up.
            return java.net.InetAddress.getByName(req.getRemoteAddr()).isLoopbackAddress();
        } catch (java.net.UnknownHostException e) {
            return false;
        }
    }

    /** The host the client asked for; the address it reached when its Host header is not a plain host. */
    private static String host(HttpServletRequest req) {
        String name = req.getServerName();
        if (name != null && HOST.matcher(name).matches()) {
            return name;
        }
        String local = req.getLocalAddr();
        return local.contains(":") ? "[" + local + "]" : local;
    }
}
