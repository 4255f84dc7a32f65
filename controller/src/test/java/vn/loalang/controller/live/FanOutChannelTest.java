package vn.loalang.controller.live;

import org.junit.jupiter.api.Test;
import vn.loalang.audio.live.Frame;
import vn.loalang.protocol.live.ChannelState;
import vn.loalang.protocol.schedule.LiveChannelId;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The channel's burst: the last frames for a new listener, and none of the frames from before an interruption. */
class FanOutChannelTest {
    /** A 26 ms frame (576 samples at 22.05 kHz) whose first byte tells it apart. */
    private static Frame frame(int n) {
        return new Frame(new byte[]{(byte) n, 0, 0}, 22_050, 576, 1);
    }

    private static List<Integer> heard(FanOutChannel channel, Duration burst) {
        List<Integer> got = new ArrayList<>();
        channel.subscribe(new FrameListener() {
            @Override
            public void frame(Frame f) {
                got.add((int) f.bytes()[0]);
            }

            @Override
            public void ended() {
            }
        }, burst);
        return got;
    }

    @Test
    void aNewListenerGetsTheLastFramesUpToItsBurstThenEveryNewFrame() {
        FanOutChannel channel = new FanOutChannel(LiveChannelId.relay("tinh"));
        for (int i = 1; i <= 10; i++) {
            channel.publish(frame(i));
        }
        List<Integer> got = heard(channel, Duration.ofMillis(80));
        assertEquals(List.of(7, 8, 9, 10), got, "80 ms is 4 frames of 26 ms, the newest");
        channel.publish(frame(11));
        assertEquals(List.of(7, 8, 9, 10, 11), got);
    }

    @Test
    void afterAnInterruptionAListenerGetsNoStaleBurstOnlyTheFramesSinceTheUpstreamCameBack() {
        FanOutChannel channel = new FanOutChannel(LiveChannelId.relay("tinh"));
        for (int i = 1; i <= 10; i++) {
            channel.publish(frame(i));
        }
        channel.interrupted();
        assertEquals(ChannelState.INTERRUPTED, channel.state());

        List<Integer> reconnected = heard(channel, Duration.ofSeconds(3));
        assertEquals(List.of(), reconnected, "nothing from before the interruption is sent as if it were live");

        channel.publish(frame(20));
        channel.publish(frame(21));
        assertEquals(ChannelState.ON_AIR, channel.state());
        assertEquals(List.of(20, 21), reconnected);
        assertEquals(List.of(20, 21), heard(channel, Duration.ofSeconds(3)), "the burst starts after the interruption");
    }
}
