package vn.loalang.protocol.live;

import org.junit.jupiter.api.Test;
import vn.loalang.protocol.SchemaVersion;
import vn.loalang.protocol.schedule.EndRule;
import vn.loalang.protocol.schedule.Fallback;
import vn.loalang.protocol.schedule.Item;
import vn.loalang.protocol.schedule.LiveChannelId;
import vn.loalang.protocol.schedule.RelaySpec;
import vn.loalang.protocol.schedule.Session;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.random.RandomGenerator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The rules a live item, a channel state and a talk keep on the wire, whoever sends them. */
class LiveContractsTest {
    private static final Instant T = Instant.parse("2026-12-07T22:30:00Z");
    private static final URI URL = URI.create("https://controller.example:8443/live/relay-vov1.mp3");
    private static final Item FILE = new Item("nhac-hieu", "Nhạc hiệu", "a".repeat(64),
            URI.create("https://controller.example:8443/content/" + "a".repeat(64)), 1000, 20_000, 0.0);

    private static RelaySpec spec(int silence, Fallback fallback, Item fallbackItem, int jitter, Duration slot) {
        return new RelaySpec("vov1", "VOV1", URL, LiveChannelId.relay("vov1"), "mp3", T, T.plus(slot), EndRule.FIXED,
                silence, fallback, fallbackItem, jitter);
    }

    @Test
    void aRelayKeepsItsBounds() {
        Duration slot = Duration.ofMinutes(15);
        spec(10, Fallback.ITEM_THEN_REST, FILE, 3000, slot);
        assertThrows(IllegalArgumentException.class, () -> spec(1, Fallback.WAIT, null, 3000, slot));
        assertThrows(IllegalArgumentException.class, () -> spec(121, Fallback.WAIT, null, 3000, slot));
        assertThrows(IllegalArgumentException.class, () -> spec(10, Fallback.WAIT, null, 50, slot));
        assertThrows(IllegalArgumentException.class, () -> spec(10, Fallback.WAIT, null, 9000, slot));
        assertThrows(IllegalArgumentException.class, () -> spec(10, Fallback.ITEM_THEN_REST, null, 3000, slot),
                "a fallback item is needed to play one");
        assertThrows(IllegalArgumentException.class, () -> spec(10, Fallback.WAIT, null, 3000, Duration.ofHours(5)));
        assertThrows(IllegalArgumentException.class, () -> spec(10, Fallback.WAIT, null, 3000, Duration.ZERO));
        Item live = Item.live("vov1-0530", "VOV1", spec(10, Fallback.WAIT, null, 3000, slot), 0.0);
        assertThrows(IllegalArgumentException.class, () -> spec(10, Fallback.ITEM_THEN_REST, live, 3000, slot),
                "a relay's fallback is a file, never another stream");
        assertThrows(IllegalArgumentException.class, () -> new RelaySpec("vov1", "VOV1",
                URI.create("file:///etc/passwd"), LiveChannelId.relay("vov1"), "mp3", T, T.plus(slot), null, 10, null,
                null, 3000));
        RelaySpec defaults = new RelaySpec("vov1", "VOV1", URL, LiveChannelId.relay("vov1"), "mp3", T, T.plus(slot),
                null, 10, null, null, 3000);
        assertEquals(EndRule.FIXED, defaults.endRule());
        assertEquals(Fallback.REST_OF_SESSION, defaults.fallback());
        assertTrue(defaults.playable());
        assertEquals(false, new RelaySpec("vov1", "VOV1", URL, LiveChannelId.relay("vov1"), "opus", T, T.plus(slot),
                null, 10, null, null, 3000).playable());
    }

    @Test
    void aLiveItemHasNoFileAndLastsItsSlot() {
        RelaySpec spec = spec(10, Fallback.WAIT, null, 3000, Duration.ofMinutes(15));
        Item live = Item.live("vov1-0530", "VOV1", spec, 0.0);
        assertEquals(15 * 60_000, live.durationMillis());
        assertThrows(IllegalArgumentException.class, () -> new Item("vov1-0530", "VOV1", "a".repeat(64), null, 0,
                15 * 60_000, 0.0, spec, null));
        assertThrows(IllegalArgumentException.class, () -> new Item("vov1-0530", "VOV1", null, null, 0, 60_000, 0.0,
                spec, null), "a live item's length is its slot's");
        assertThrows(IllegalArgumentException.class, () -> new Item("x", "x", null, null, 0, 1000, 0.0, null, null),
                "a file item still needs its hash");
        // The relay's maximum counts against the session window, like a file's length.
        assertThrows(IllegalArgumentException.class, () -> new Session("s", "s", T, T.plus(Duration.ofMinutes(10)),
                List.of(live)));
        assertEquals(true, FILE.asLate().playedLate());
        assertEquals(null, new Item("x", "x", "a".repeat(64), URL, 1, 1, 0.0, null, false).late(),
                "false travels as absent, so that one meaning has one form");
    }

    @Test
    void levelsOutsideTheWireBoundsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new Session("s", "s", T, T.plus(Duration.ofMinutes(30)),
                List.of(FILE), 13.0));
        assertThrows(IllegalArgumentException.class, () -> new Session("s", "s", T, T.plus(Duration.ofMinutes(30)),
                List.of(FILE), Double.NaN));
        assertEquals(-12.0, new Session("s", "s", T, T.plus(Duration.ofMinutes(30)), List.of(FILE), -12.0).volume());
        assertEquals(0.0, new Session("s", "s", T, T.plus(Duration.ofMinutes(30)), List.of(FILE)).volume());
    }

    @Test
    void aChannelStateSaysWhenItEndedExactlyWhenItEnded() {
        LiveChannelId id = LiveChannelId.relay("vov1");
        new LiveState(SchemaVersion.CURRENT, id, ChannelState.ENDED, T, T, "silence for 8 s");
        assertThrows(IllegalArgumentException.class, () -> new LiveState(SchemaVersion.CURRENT, id, ChannelState.ENDED,
                T, null, null));
        assertThrows(IllegalArgumentException.class, () -> new LiveState(SchemaVersion.CURRENT, id, ChannelState.ON_AIR,
                T, T, null));
        assertEquals("relay-vov1.mp3", id.mount());
        assertThrows(IllegalArgumentException.class, () -> new LiveChannelId("../admin"));
    }

    @Test
    void aTalkIsBoundedAndNamesItsSessions() {
        String id = TalkId.next(T, RandomGenerator.of("L64X128MixRandom"));
        assertTrue(id.startsWith("t-20261207-223000-"), id);
        LiveChannelId ch = LiveChannelId.talk(id);
        assertThrows(IllegalArgumentException.class, () -> new LiveTalk(SchemaVersion.CURRENT, id, "thon-dong", "Họp",
                null, URL, ch, "mp3", TalkState.ON_AIR, T, T.plus(Duration.ofMinutes(31)), null, null, null, T, null));
        LiveTalk talk = new LiveTalk(SchemaVersion.CURRENT, id, "thon-dong", "Họp", null, URL, ch, "mp3",
                TalkState.ON_AIR, T, T.plus(Duration.ofMinutes(15)), null, null, null, T, null);
        assertEquals(LatePolicy.SKIP, talk.late(), "a talk without a policy is not replayed late");
        assertTrue(talk.live());
        assertEquals(Duration.ofMinutes(15).toMillis(), talk.liveItem().durationMillis());
        assertEquals(Fallback.WAIT, talk.liveItem().relay().fallback(), "a talk has nothing to fall back to");
        assertEquals(Optional.of(new TalkId.Session(id, false)), TalkId.parse(id));
        assertEquals(id + "~late", TalkId.sessionId(id, true));
        assertEquals(Optional.empty(), TalkId.parse("a-20261207-223000-ab12"));
        assertEquals(Optional.empty(), TalkId.parse("t-"));
        assertEquals(Optional.empty(), TalkId.parse("2026-12-08.sang"));
    }
}
