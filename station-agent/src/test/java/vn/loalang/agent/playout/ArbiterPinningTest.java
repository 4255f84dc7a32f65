package vn.loalang.agent.playout;

import org.junit.jupiter.api.Test;
import vn.loalang.protocol.schedule.EndRule;
import vn.loalang.protocol.schedule.Fallback;
import vn.loalang.protocol.schedule.Item;
import vn.loalang.protocol.schedule.LiveChannelId;
import vn.loalang.protocol.schedule.RelaySpec;

import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What a submitted program keeps in the cache when it has a live item (issue 17): its fallback file, no stream. */
class ArbiterPinningTest {
    private static final Instant T0 = Instant.parse("2026-12-06T08:15:00Z");
    private static final String FALLBACK_SHA = "a".repeat(64);
    private static final String FILE_SHA = "b".repeat(64);

    private static Item file(String id, String sha) {
        return new Item(id, id, sha, URI.create("http://127.0.0.1:9/content/" + id), 1000, 1000, 0.0);
    }

    @Test
    void aLiveItemPinsItsFallbackAndAStreamWithoutOneIsSkipped() {
        RelaySpec withFallback = new RelaySpec("vov1", "VOV1", URI.create("http://127.0.0.1:9/live/relay-vov1.mp3"),
                LiveChannelId.relay("vov1"), RelaySpec.CODEC_MP3, T0, T0.plusSeconds(600), EndRule.FIXED, 10,
                Fallback.ITEM_THEN_REST, file("nhac-cho", FALLBACK_SHA), RelaySpec.RELAY_JITTER_MILLIS);
        RelaySpec talk = new RelaySpec("talk", "Ông Ba", URI.create("http://127.0.0.1:9/live/talk-t-1.mp3"),
                LiveChannelId.talk("t-20261206-081500-ab12"), RelaySpec.CODEC_MP3, T0, T0.plusSeconds(600),
                EndRule.PROGRAMME_END, 15, Fallback.WAIT, null, RelaySpec.TALK_JITTER_MILLIS);
        Arbiter arbiter = new Arbiter(Optional::empty, id -> false);
        arbiter.submit(new Program("t-20261206-081500-ab12", "Họp thôn", Priority.LIVE, T0, T0.plusSeconds(600),
                List.of(Item.live("talk", "Họp thôn", talk, 0.0), Item.live("vov1", "VOV1", withFallback, 0.0),
                        file("thong-bao", FILE_SHA))));

        assertTrue(arbiter.holds(FALLBACK_SHA), "the relay's fallback stays in the cache");
        assertTrue(arbiter.holds(FILE_SHA));
        assertFalse(arbiter.holds("c".repeat(64)), "and nothing else; a live item without a fallback is no file");
    }
}
