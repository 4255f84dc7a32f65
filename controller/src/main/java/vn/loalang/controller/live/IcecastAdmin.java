package vn.loalang.controller.live;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Icecast's admin interface, as the controller uses it: kicking a listener (a station that
 * connected again from another socket, or one revoked) and reading listener counts. With the
 * admin's Basic credentials, over the loopback or the server's LAN.
 */
public final class IcecastAdmin implements LiveAccess.Kicker {
    private static final Logger log = LoggerFactory.getLogger(IcecastAdmin.class);

    private final URI base;
    private final String authorization;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

    /** @param base Icecast's address as the controller reaches it, e.g. http://127.0.0.1:8000 */
    public IcecastAdmin(URI base, String adminUser, String adminPassword) {
        this.base = base;
        this.authorization = "Basic " + Base64.getEncoder().encodeToString(
                (adminUser + ":" + adminPassword).getBytes(StandardCharsets.UTF_8));
    }

    /** Disconnects Icecast's client {@code client} from {@code mount}; asynchronous, never blocks the caller. */
    @Override
    public void kick(String name, String client) {
        // LiveAccess names mounts without the slash, as the embedded server does.
        String mount = name.startsWith("/") ? name : "/" + name;
        URI uri = base.resolve("/admin/killclient?mount=" + URLEncoder.encode(mount, StandardCharsets.UTF_8)
                + "&id=" + URLEncoder.encode(client, StandardCharsets.UTF_8));
        http.sendAsync(request(uri), HttpResponse.BodyHandlers.ofString()).whenComplete((r, e) -> {
            if (e != null) {
                log.warn("Icecast did not take the kick of client {} on {}: {}", client, mount, e.toString());
            } else if (r.statusCode() != 200) {
                log.warn("Icecast answered {} to the kick of client {} on {}", r.statusCode(), client, mount);
            } else {
                log.info("Icecast client {} on {} kicked", client, mount);
            }
        });
    }

    /** Listeners on {@code mount} now, from {@code /admin/stats}; 0 when it has no source. */
    public int listeners(String mount) throws IOException {
        String xml = get("/admin/stats");
        Matcher m = Pattern.compile("<source mount=\"" + Pattern.quote(mount) + "\">(.*?)</source>", Pattern.DOTALL)
                .matcher(xml);
        if (!m.find()) {
            return 0;
        }
        Matcher l = Pattern.compile("<listeners>(\\d+)</listeners>").matcher(m.group(1));
        return l.find() ? Integer.parseInt(l.group(1)) : 0;
    }

    private String get(String path) throws IOException {
        try {
            HttpResponse<String> r = http.send(request(base.resolve(path)), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                throw new IOException("Icecast " + path + " answered " + r.statusCode());
            }
            return r.body();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while asking Icecast " + path);
        }
    }

    private HttpRequest request(URI uri) {
        return HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).header("Authorization", authorization).build();
    }
}
