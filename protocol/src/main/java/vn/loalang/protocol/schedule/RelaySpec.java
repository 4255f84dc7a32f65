package vn.loalang.protocol.schedule;

import vn.loalang.protocol.Ids;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * What makes a session {@link Item} live: the station plays the commune's live channel from {@code url}
 * between {@code start} and {@code end} instead of a cached file. The same shape carries an operator's
 * live talk ({@link LiveTalk#liveItem()}).
 *
 * @param sourceId           the commune's named source ({@code vov1}), or {@code talk} for a live talk
 * @param sourceName         its name for people ("VOV1", "Đài tỉnh")
 * @param url                the channel's stream; the station authenticates with its broker account
 * @param codec              the channel's codec; {@code mp3} is the only one this version plays
 * @param start              when the slot opens (the station connects a few seconds before)
 * @param end                the slot's hard end: its fixed end, or the maximum of a {@link EndRule#PROGRAMME_END} slot
 * @param maxSilenceSeconds  how long the station plays silence for a stalled stream before its fallback
 * @param fallbackItem       an ordinary file item for {@link Fallback#ITEM_THEN_REST}; null otherwise
 * @param jitterTargetMillis how much audio the station holds before it plays: 3 s for a relay, 0.4 s for a talk
 */
public record RelaySpec(String sourceId, String sourceName, URI url, LiveChannelId channel, String codec,
                        Instant start, Instant end, EndRule endRule, int maxSilenceSeconds, Fallback fallback,
                        Item fallbackItem, int jitterTargetMillis) {
    public static final String CODEC_MP3 = "mp3";
    public static final int MIN_SILENCE_SECONDS = 2;
    public static final int MAX_SILENCE_SECONDS = 120;
    public static final int DEFAULT_SILENCE_SECONDS = 10;
    public static final int RELAY_JITTER_MILLIS = 3000;
    public static final int TALK_JITTER_MILLIS = 400;
    public static final int MIN_JITTER_MILLIS = 100;
    public static final int MAX_JITTER_MILLIS = 8000;
    /** The longest one live item may last (a relay of a whole programme; a talk is much shorter). */
    public static final Duration LONGEST = Duration.ofHours(4);

    public RelaySpec {
        Ids.require("live source", sourceId);
        Objects.requireNonNull(sourceName, "relay " + sourceId + ": sourceName");
        Objects.requireNonNull(url, "relay " + sourceId + ": url");
        if (!"http".equals(url.getScheme()) && !"https".equals(url.getScheme())) {
            throw new IllegalArgumentException("relay " + sourceId + ": url must be http or https, not " + url);
        }
        Objects.requireNonNull(channel, "relay " + sourceId + ": channel");
        Objects.requireNonNull(codec, "relay " + sourceId + ": codec");
        Objects.requireNonNull(start, "relay " + sourceId + ": start");
        Objects.requireNonNull(end, "relay " + sourceId + ": end");
        if (!end.isAfter(start)) {
            throw new IllegalArgumentException("relay " + sourceId + ": end " + end + " is not after start " + start);
        }
        if (Duration.between(start, end).compareTo(LONGEST) > 0) {
            throw new IllegalArgumentException("relay " + sourceId + ": lasts longer than " + LONGEST.toHours() + " h");
        }
        endRule = endRule == null ? EndRule.FIXED : endRule;
        if (maxSilenceSeconds < MIN_SILENCE_SECONDS || maxSilenceSeconds > MAX_SILENCE_SECONDS) {
            throw new IllegalArgumentException("relay " + sourceId + ": maxSilenceSeconds must be from "
                    + MIN_SILENCE_SECONDS + " to " + MAX_SILENCE_SECONDS + ", not " + maxSilenceSeconds);
        }
        fallback = fallback == null ? Fallback.REST_OF_SESSION : fallback;
        if (fallbackItem != null && fallbackItem.live()) {
            throw new IllegalArgumentException("relay " + sourceId + ": the fallback item must be a file, not another relay");
        }
        if (fallback == Fallback.ITEM_THEN_REST && fallbackItem == null) {
            throw new IllegalArgumentException("relay " + sourceId + ": fallback ITEM_THEN_REST needs a fallbackItem");
        }
        if (jitterTargetMillis < MIN_JITTER_MILLIS || jitterTargetMillis > MAX_JITTER_MILLIS) {
            throw new IllegalArgumentException("relay " + sourceId + ": jitterTargetMillis must be from "
                    + MIN_JITTER_MILLIS + " to " + MAX_JITTER_MILLIS);
        }
    }

    /** Whether this version of the agent can play the channel's codec. */
    public boolean playable() {
        return CODEC_MP3.equals(codec);
    }

    public Duration slot() {
        return Duration.between(start, end);
    }
}
