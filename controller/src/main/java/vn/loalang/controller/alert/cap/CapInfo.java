package vn.loalang.controller.alert.cap;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Objects;

/**
 * One info block of an alert: what happens, how urgent, severe and certain, the words for people and
 * where it applies. Optional elements are null when absent.
 *
 * @param language RFC 3066 tag such as {@code vi-VN}; {@code en-US} when the message gives none, as CAP says
 * @param expires  after this the information no longer holds; null when the sender set no end
 */
public record CapInfo(String language, List<Category> categories, String event, Urgency urgency, Severity severity,
                      Certainty certainty, OffsetDateTime effective, OffsetDateTime onset, OffsetDateTime expires,
                      String senderName, String headline, String description, String instruction,
                      List<CapResource> resources, List<CapArea> areas) {
    public CapInfo {
        Objects.requireNonNull(language, "language");
        categories = List.copyOf(categories);
        Objects.requireNonNull(event, "event");
        Objects.requireNonNull(urgency, "urgency");
        Objects.requireNonNull(severity, "severity");
        Objects.requireNonNull(certainty, "certainty");
        resources = List.copyOf(resources);
        areas = List.copyOf(areas);
    }

    // Spelt as CAP spells them, for the reason given in CapAlert.

    public enum Category { Geo, Met, Safety, Security, Rescue, Fire, Health, Env, Transport, Infra, CBRNE, Other }

    public enum Urgency { Immediate, Expected, Future, Past, Unknown }

    public enum Severity { Extreme, Severe, Moderate, Minor, Unknown }

    public enum Certainty { Observed, Likely, Possible, Unlikely, Unknown }
}
