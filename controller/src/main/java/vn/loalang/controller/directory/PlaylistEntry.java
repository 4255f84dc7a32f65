package vn.loalang.controller.directory;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import vn.loalang.protocol.Ids;
import vn.loalang.protocol.schedule.EndRule;
import vn.loalang.protocol.schedule.Fallback;
import vn.loalang.protocol.schedule.RelaySpec;

import java.io.IOException;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalTime;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One entry of a session's playlist. In a commune file and in the API it is either a string, the id of a
 * library item (as before issue 17: old files and clients keep working), or an object: a relay of a named
 * live source ({@code {"relay": "vov1", "start": "05:30", "end": "05:45", …}}) or the newest recording of
 * one ({@code {"latestRecording": "vov1"}}, the evening replay), or the day's bulletin of a series
 * ({@code {"latestBulletin": "gia-ca"}}, issue 19).
 */
@JsonDeserialize(using = PlaylistEntry.Reader.class)
public sealed interface PlaylistEntry permits PlaylistEntry.LibraryRef, PlaylistEntry.RelayRef,
        PlaylistEntry.LatestRecording, PlaylistEntry.LatestBulletin {

    /** The library items the entry names (an item, a relay's fallback), to keep them while they are used. */
    List<String> libraryIds();

    /** Entries for library items, as a program written before issue 17 has them. */
    static List<PlaylistEntry> library(String... ids) {
        return of(List.of(ids));
    }

    /** Strings become library entries; entries stay as they are. */
    static List<PlaylistEntry> of(List<?> items) {
        return Objects.requireNonNull(items, "items").stream().map(PlaylistEntry::entry).toList();
    }

    private static PlaylistEntry entry(Object o) {
        if (o instanceof PlaylistEntry e) {
            return e;
        }
        if (o instanceof String id) {
            return new LibraryRef(id);
        }
        throw new IllegalArgumentException("a playlist entry is a library id or a relay, not " + o);
    }

    /** A library item, by its id: written as a plain string. */
    record LibraryRef(String id) implements PlaylistEntry {
        @JsonCreator
        public LibraryRef {
            Ids.require("library entry", id);
        }

        @JsonValue
        @Override
        public String id() {
            return id;
        }

        @Override
        public List<String> libraryIds() {
            return List.of(id);
        }

        @Override
        public String toString() {
            return id;
        }
    }

    /**
     * A slot of a named live source, in the session's local time. Its hard end is {@code end}, or
     * {@code start + maxMinutes}; a {@link EndRule#PROGRAMME_END} slot may end earlier, when the upstream's
     * programme ends. Null fields take the source's defaults when the program is compiled.
     *
     * @param source       the named source's id ({@code vov1}); {@code relay} in JSON
     * @param fallbackItem the library item a station plays when the stream stays silent ({@link Fallback#ITEM_THEN_REST})
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonDeserialize(using = JsonDeserializer.None.class)
    record RelayRef(@JsonProperty("relay") String source, LocalTime start, LocalTime end, Integer maxMinutes,
                    EndRule until, Integer maxSilenceSeconds, Fallback fallback, String fallbackItem)
            implements PlaylistEntry {
        public static final int LONGEST_MINUTES = (int) RelaySpec.LONGEST.toMinutes();

        public RelayRef {
            Ids.require("live source", source);
            String what = "relay of " + source;
            Objects.requireNonNull(start, what + ": start");
            if ((end == null) == (maxMinutes == null)) {
                throw new IllegalArgumentException(what + ": give its end or its maxMinutes, one of them");
            }
            if (maxMinutes != null && (maxMinutes < 1 || maxMinutes > LONGEST_MINUTES)) {
                throw new IllegalArgumentException(what + ": maxMinutes must be from 1 to " + LONGEST_MINUTES);
            }
            if (maxSilenceSeconds != null && (maxSilenceSeconds < RelaySpec.MIN_SILENCE_SECONDS
                    || maxSilenceSeconds > RelaySpec.MAX_SILENCE_SECONDS)) {
                throw new IllegalArgumentException(what + ": maxSilenceSeconds must be from "
                        + RelaySpec.MIN_SILENCE_SECONDS + " to " + RelaySpec.MAX_SILENCE_SECONDS);
            }
            fallbackItem = fallbackItem == null || fallbackItem.isBlank() ? null : fallbackItem.strip();
            if (fallbackItem != null) {
                Ids.require("library entry", fallbackItem);
            }
        }

        /** How long the slot may last at most, from its start (over midnight when its end is before its start). */
        public Duration maximum() {
            if (maxMinutes != null) {
                return Duration.ofMinutes(maxMinutes);
            }
            Duration d = Duration.between(start, end);
            return d.isNegative() ? d.plusDays(1) : d;
        }

        @Override
        public List<String> libraryIds() {
            return fallbackItem == null ? List.of() : List.of(fallbackItem);
        }
    }

    /** The newest finished recording of a named source before the session starts (the evening replay). */
    @JsonDeserialize(using = JsonDeserializer.None.class)
    record LatestRecording(@JsonProperty("latestRecording") String source) implements PlaylistEntry {
        public LatestRecording {
            Ids.require("live source", source);
        }

        @Override
        public List<String> libraryIds() {
            return List.of();
        }
    }

    // issue 19: the morning's market-prices bulletin, written from the price table and spoken each day
    /**
     * The bulletin of a series ({@code gia-ca}) made for the session's date, library item {@code <series>-<yyyyMMdd>}
     * ({@code bulletin.PriceBulletins} makes it each morning): {@code {"latestBulletin": "gia-ca"}}. None that day
     * leaves the session playing without it (a notice, not a problem).
     */
    @JsonDeserialize(using = JsonDeserializer.None.class)
    record LatestBulletin(@JsonProperty("latestBulletin") String series) implements PlaylistEntry {
        /** The market-prices bulletin's series: its items are {@code gia-ca-YYYYMMDD}. */
        public static final String PRICES = "gia-ca";

        public LatestBulletin {
            Ids.require("bulletin series", series);
        }

        /** The library id of the series' bulletin for {@code date}. */
        public String itemFor(LocalDate date) {
            return series + "-" + date.format(java.time.format.DateTimeFormatter.BASIC_ISO_DATE);
        }

        @Override
        public List<String> libraryIds() {
            return List.of();
        }
    }

    /** The relay of {@code source} this entry is, if it is one. */
    default Optional<RelayRef> relay() {
        return this instanceof RelayRef r ? Optional.of(r) : Optional.empty();
    }

    /** Reads a string as a library id and an object by its key ({@code relay} or {@code latestRecording}). */
    final class Reader extends JsonDeserializer<PlaylistEntry> {
        @Override
        public PlaylistEntry deserialize(JsonParser p, DeserializationContext ctx) throws IOException {
            if (p.currentToken() == JsonToken.VALUE_STRING) {
                return new LibraryRef(p.getText());
            }
            if (p.currentToken() != JsonToken.START_OBJECT) {
                return (PlaylistEntry) ctx.handleUnexpectedToken(PlaylistEntry.class, p);
            }
            JsonNode node = ctx.readTree(p);
            if (node.hasNonNull("relay")) {
                return ctx.readTreeAsValue(node, RelayRef.class);
            }
            if (node.hasNonNull("latestRecording")) {
                return ctx.readTreeAsValue(node, LatestRecording.class);
            }
            if (node.hasNonNull("latestBulletin")) {
                return ctx.readTreeAsValue(node, LatestBulletin.class);
            }
            throw JsonMappingException.from(p, "a playlist entry is a library id (a string), {\"relay\": …},"
                    + " {\"latestRecording\": …} or {\"latestBulletin\": …}, not " + node);
        }
    }
}
