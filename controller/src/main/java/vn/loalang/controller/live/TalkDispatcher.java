package vn.loalang.controller.live;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import vn.loalang.protocol.Topics;
import vn.loalang.protocol.live.LiveTalk;
import vn.loalang.protocol.signing.EnvelopeSigner;
import vn.loalang.protocol.signing.MessageType;

import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What goes on the broker for live talks, the way alerts go ({@code alert.AlertDispatcher}): one signed
 * {@link LiveTalk} per village, published retained on {@link Topics#zoneTalk}, so that the broker fans it
 * out to every loudspeaker there and keeps it for a station that connects late. Each new state (STARTING
 * at once, ON_AIR at the first frame, ENDED with the recording once kept) replaces the village's message;
 * a message the broker did not take is published again by {@link #tick}; after {@code lateUntil} the
 * retained message is cleared. Publishes are made one at a time, so a newer state never lands before an
 * older one.
 */
final class TalkDispatcher {
    private static final Logger log = LoggerFactory.getLogger(TalkDispatcher.class);

    private final TalkStore store;
    private final Clock clock;
    private final Topics topics;
    private final EnvelopeSigner signer;
    private final TalkService.Publisher publisher;

    TalkDispatcher(TalkStore store, Clock clock, Topics topics, EnvelopeSigner signer, TalkService.Publisher publisher) {
        this.store = store;
        this.clock = clock;
        this.topics = topics;
        this.signer = signer;
        this.publisher = publisher;
    }

    /** {@code talk} signed for each of {@code villages} (its zone replaced), retained until its {@code lateUntil}. */
    Map<String, byte[]> sign(LiveTalk talk, List<String> villages) {
        Map<String, byte[]> signed = new LinkedHashMap<>();
        for (String village : villages) {
            LiveTalk t = new LiveTalk(talk.schema(), talk.talkId(), village, talk.title(), talk.speaker(), talk.url(),
                    talk.channel(), talk.codec(), talk.state(), talk.startedAt(), talk.maxEnd(), talk.endedAt(),
                    talk.volumeDb(), talk.late(), talk.lateUntil(), talk.recording());
            signed.put(village, signer.sign(MessageType.LIVE_TALK, topics.zoneTalk(village, t.talkId()), t, t.lateUntil()));
        }
        return signed;
    }

    /** Publishes the stored messages of talk {@code id}, as they are now. */
    synchronized void publish(String id) {
        store.signed(id).forEach((village, bytes) -> send(id, village, bytes));
    }

    /**
     * Every second or so: messages the broker did not take are sent again, and the retained messages of a talk
     * past its {@code lateUntil} are cleared (a station that learns of it later would play nothing anyway).
     */
    synchronized void tick() {
        Instant now = clock.instant();
        for (TalkStore.Unsent u : store.unsent()) {
            log.info("Talk {}: its message for village {} is sent again (the broker had not taken it)", u.talkId(), u.zone());
            send(u.talkId(), u.zone(), u.signed());
        }
        for (TalkStore.Talk t : store.uncleared()) {
            if (!t.live() && !now.isBefore(t.lateUntil())) {
                for (String village : t.villages()) {
                    try {
                        publisher.publish(topics.zoneTalk(village, t.id()), new byte[0], true);
                    } catch (Exception e) {
                        log.warn("Talk {}: its retained message for village {} not cleared now ({}); tried again shortly",
                                t.id(), village, e.getMessage());
                        return;
                    }
                }
                store.cleared(t.id());
                log.info("Talk {} is over (late playing ended at {}); its retained messages are cleared", t.id(),
                        t.lateUntil());
            }
        }
    }

    /** Publishes every talk still on the broker again, after the broker restarted with empty memory. */
    synchronized void republishActive() {
        for (TalkStore.Talk t : store.uncleared()) {
            publish(t.id());
        }
    }

    private void send(String id, String village, byte[] bytes) {
        try {
            publisher.publish(topics.zoneTalk(village, id), bytes, true);
            store.sent(id, village, bytes);
        } catch (Exception e) {
            log.warn("Talk {} for village {} not published now ({}); it is sent again shortly", id, village,
                    e.getMessage());
        }
    }
}
