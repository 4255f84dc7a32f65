package vn.loalang.controller.health;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import vn.loalang.protocol.Json;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * Tells a chat bot or an SMS gateway of each incident opened or closed: one JSON POST, sent off the
 * caller's thread, never retried forever (the incident stays in the store and the API either way).
 */
public final class WebhookNotifier implements Consumer<Incidents.Incident> {
    private static final Logger log = LoggerFactory.getLogger(WebhookNotifier.class);

    private final URI url;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    public WebhookNotifier(URI url) {
        this.url = url;
    }

    @Override
    public void accept(Incidents.Incident incident) {
        HttpRequest request = HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(Json.write(incident))).build();
        http.sendAsync(request, HttpResponse.BodyHandlers.discarding()).whenComplete((r, e) -> {
            if (e != null) {
                log.warn("Webhook {} not told of incident {}: {}", url, incident.id(), e.toString());
            } else if (r.statusCode() >= 300) {
                log.warn("Webhook {} answered {} for incident {}", url, r.statusCode(), incident.id());
            }
        });
    }
}
