package vn.loalang.controller.live;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vn.loalang.controller.testing.ChannelFeed;
import vn.loalang.controller.testing.IcecastUnderTest;
import vn.loalang.protocol.schedule.LiveChannelId;

import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The controller as Icecast's source client, against a real Icecast2: it feeds the mount, and again after Icecast restarts. */
class IcecastSourceTest {
    @TempDir
    Path dir;

    @Test
    void feedsTheMountFrameByFrameAndAgainAfterIcecastRestarts() throws Exception {
        LiveChannelId id = LiveChannelId.relay("vov1");
        try (IcecastUnderTest ice = IcecastUnderTest.start();
             ChannelRegistry channels = ChannelRegistry.icecast(new ChannelRegistry.Icecast(ice.url(""), ice.url(""),
                     IcecastUnderTest.SOURCE_PASSWORD))) {
            FanOutChannel channel = channels.open(id);
            try (ChannelFeed feed = ChannelFeed.start(channel, dir, 440, 10)) {
                await().atMost(Duration.ofSeconds(10)).until(() -> ice.hasSource("/relay-vov1.mp3"));
                assertTrue(channels.feedingIcecast(id));
                assertEquals(1, channel.listeners(), "the source client is the channel's one listener here");
                assertTrue(listen(ice) > 8000, "a listener gets the burst");

                ice.restart();
                assertFalse(ice.hasSource("/relay-vov1.mp3"), "a new Icecast has no source yet");
                await().atMost(Duration.ofSeconds(20)).until(() -> ice.hasSource("/relay-vov1.mp3"));
                assertTrue(listen(ice) > 8000, "fed again");
            }
            channel.end();
            await().atMost(Duration.ofSeconds(10)).until(() -> !ice.hasSource("/relay-vov1.mp3"));
        }
    }

    /** Bytes a listener reads in its first 3 s. */
    private static long listen(IcecastUnderTest ice) throws Exception {
        HttpResponse<InputStream> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(ice.url("/relay-vov1.mp3"))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, r.statusCode());
        long read = 0;
        long until = System.nanoTime() + Duration.ofSeconds(3).toNanos();
        try (InputStream in = r.body()) {
            byte[] buf = new byte[4096];
            while (System.nanoTime() < until && read < 12000) {
                int n = in.read(buf);
                if (n < 0) {
                    break;
                }
                read += n;
            }
        }
        return read;
    }
}
