package vn.loalang.protocol.schedule;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import vn.loalang.protocol.Ids;

/**
 * The commune's name for one live channel: {@code relay-vov1} for a relayed source, {@code talk-<talkId>}
 * for an operator's live talk. It is also the stream's mount ({@link #mount()}) on the controller and on
 * Icecast, and the last-but-one level of its state topic.
 */
public record LiveChannelId(String value) {
    public static final String RELAY_PREFIX = "relay-";
    public static final String TALK_PREFIX = "talk-";

    @JsonCreator
    public LiveChannelId {
        Ids.require("live channel", value);
    }

    /** The channel that carries the named source of the commune ({@code vov1} → {@code relay-vov1}). */
    public static LiveChannelId relay(String sourceId) {
        return new LiveChannelId(RELAY_PREFIX + Ids.require("live source", sourceId));
    }

    /** The channel that carries one live talk. */
    public static LiveChannelId talk(String talkId) {
        return new LiveChannelId(TALK_PREFIX + Ids.require("talk", talkId));
    }

    /** The stream's path under the live server's root: {@code relay-vov1.mp3}. */
    public String mount() {
        return value + ".mp3";
    }

    @JsonValue
    @Override
    public String value() {
        return value;
    }

    @Override
    public String toString() {
        return value;
    }
}
