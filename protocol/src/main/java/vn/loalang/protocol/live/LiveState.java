package vn.loalang.protocol.live;

import vn.loalang.protocol.SchemaVersion;
import vn.loalang.protocol.schedule.EndRule;
import vn.loalang.protocol.schedule.LiveChannelId;

import java.time.Instant;
import java.util.Objects;

/**
 * A live channel's state, signed and retained on {@code {root}/live/{channel}/state} while the channel is
 * in use (an empty retained message clears it afterwards). The stream itself carries only audio; this
 * message is what a station believes about it: {@link ChannelState#INTERRUPTED} shortens its wait before
 * the fallback, {@link ChannelState#ENDED} ends a {@link EndRule#PROGRAMME_END} relay.
 *
 * @param since   when the channel entered {@code state}
 * @param endedAt when the programme ended; set with {@link ChannelState#ENDED} only
 * @param detail  a sentence for technicians ("the upstream stopped sending at 05:42:10")
 */
public record LiveState(int schema, LiveChannelId channel, ChannelState state, Instant since, Instant endedAt,
                        String detail) {
    public LiveState {
        SchemaVersion.require(schema);
        Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(state, "live channel " + channel + ": state");
        Objects.requireNonNull(since, "live channel " + channel + ": since");
        if ((state == ChannelState.ENDED) != (endedAt != null)) {
            throw new IllegalArgumentException("live channel " + channel + ": endedAt is set exactly when the state is ENDED");
        }
    }
}
