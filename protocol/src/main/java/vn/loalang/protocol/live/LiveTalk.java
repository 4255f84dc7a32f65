package vn.loalang.protocol.live;

import vn.loalang.protocol.Ids;
import vn.loalang.protocol.SchemaVersion;
import vn.loalang.protocol.schedule.EndRule;
import vn.loalang.protocol.schedule.Fallback;
import vn.loalang.protocol.schedule.Item;
import vn.loalang.protocol.schedule.LiveChannelId;
import vn.loalang.protocol.schedule.RelaySpec;
import vn.loalang.protocol.schedule.Volume;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * An operator's or village head's live talk to one village, signed and retained on
 * {@code {root}/zone/{zone}/talk/{talkId}} until {@code lateUntil}, like an alert: a station that
 * connects during the talk joins it, one that connects after it plays {@code recording} late or skips it,
 * by {@code late}. The same talk id with a newer state replaces it.
 *
 * @param speaker   who speaks, for the log and the reports (a user's display name)
 * @param maxEnd    the talk ends by then whatever happens (the commune's longest talk)
 * @param endedAt   set once {@link TalkState#ENDED} or {@link TalkState#CANCELLED}
 * @param volumeDb  the operator's level for this talk, added to the station's; null for 0 dB
 * @param lateUntil after it a station that missed the talk no longer plays its recording
 * @param recording the talk as a library item, once the controller kept it (with {@link TalkState#ENDED})
 */
public record LiveTalk(int schema, String talkId, String zone, String title, String speaker, URI url,
                       LiveChannelId channel, String codec, TalkState state, Instant startedAt, Instant maxEnd,
                       Instant endedAt, Double volumeDb, LatePolicy late, Instant lateUntil, Item recording) {
    /** The longest talk a controller lets anyone start. */
    public static final Duration LONGEST = Duration.ofMinutes(30);
    /** How long a stalled uplink may stay silent before the stations drop the talk. */
    public static final int MAX_SILENCE_SECONDS = 15;

    public LiveTalk {
        SchemaVersion.require(schema);
        Ids.require("talk", talkId);
        Ids.require("zone", zone);
        Objects.requireNonNull(title, "talk " + talkId + ": title");
        Objects.requireNonNull(url, "talk " + talkId + ": url");
        Objects.requireNonNull(channel, "talk " + talkId + ": channel");
        Objects.requireNonNull(codec, "talk " + talkId + ": codec");
        Objects.requireNonNull(state, "talk " + talkId + ": state");
        Objects.requireNonNull(startedAt, "talk " + talkId + ": startedAt");
        Objects.requireNonNull(maxEnd, "talk " + talkId + ": maxEnd");
        if (!maxEnd.isAfter(startedAt) || Duration.between(startedAt, maxEnd).compareTo(LONGEST) > 0) {
            throw new IllegalArgumentException("talk " + talkId + ": maxEnd must be after startedAt and at most "
                    + LONGEST.toMinutes() + " min later");
        }
        late = late == null ? LatePolicy.SKIP : late;
        Objects.requireNonNull(lateUntil, "talk " + talkId + ": lateUntil");
        if (recording != null && recording.live()) {
            throw new IllegalArgumentException("talk " + talkId + ": the recording must be a file item");
        }
        Volume.check("talk " + talkId, volumeDb);
    }

    /** Whether the talk is still to be heard live. */
    public boolean live() {
        return state == TalkState.STARTING || state == TalkState.ON_AIR;
    }

    /** The session item a station plays for the live part: the talk's channel until {@code maxEnd}. */
    public Item liveItem() {
        RelaySpec spec = new RelaySpec("talk", speaker == null ? title : speaker, url, channel, codec, startedAt,
                maxEnd, EndRule.PROGRAMME_END, MAX_SILENCE_SECONDS, Fallback.WAIT, null, RelaySpec.TALK_JITTER_MILLIS);
        return Item.live(talkId, title, spec, 0.0);
    }
}
