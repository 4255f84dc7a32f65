package vn.loalang.controller.schedule;

import vn.loalang.controller.content.ContentLibrary;
import vn.loalang.protocol.schedule.Item;
import vn.loalang.protocol.schedule.Session;

import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A village's sessions made one station's, for one compile: a station whose agent cannot play live items gets
 * each relay's fallback item in its place, and a station that missed a relay gets its recording at the start of
 * the session {@code live.CatchUp} chose, marked late. What it changes it says in {@code notices}.
 */
final class StationSessions {
    private final ContentLibrary library;
    private final URI base;
    private final LiveAgents agents;
    private final Map<String, Map<String, List<String>>> lateItems;
    private final List<String> notices;

    StationSessions(ContentLibrary library, URI base, LiveAgents agents, Map<String, Map<String, List<String>>> lateItems,
                    List<String> notices) {
        this.library = library;
        this.base = base;
        this.agents = agents;
        this.lateItems = lateItems;
        this.notices = notices;
    }

    List<Session> of(String stationId, List<Session> sessions) {
        List<Session> out = sessions;
        if (!agents.playLive(stationId)) {
            out = withoutLiveItems(stationId, out, notices);
        }
        if (lateItems.containsKey(stationId)) {
            out = withLateItems(stationId, out, lateItems.get(stationId), notices);
        }
        return out;
    }

    /**
     * A station's sessions with the recordings of the relays it missed at their start, marked late
     * ({@code live.CatchUp}); one that no longer fits its session, or has left the library, is left out with a notice.
     */
    private List<Session> withLateItems(String stationId, List<Session> sessions, Map<String, List<String>> late,
                                        List<String> notices) {
        List<Session> out = new ArrayList<>();
        for (Session s : sessions) {
            List<String> ids = late.get(s.id());
            if (ids == null) {
                out.add(s);
                continue;
            }
            List<Item> items = new ArrayList<>();
            for (String id : ids) {
                var recording = library.byId(id);
                if (recording.isEmpty()) {
                    notices.add("station " + stationId + ": the recording " + id + " of a missed relay is no longer in"
                            + " the library; session " + s.id() + " plays without it");
                    continue;
                }
                items.add(recording.get().toItem(base).asLate());
            }
            items.addAll(s.items());
            if (!fits(items, s.start(), s.end())) {
                notices.add("station " + stationId + ": the recording of a missed relay does not fit session " + s.id()
                        + "; it is not played late");
                out.add(s);
                continue;
            }
            out.add(new Session(s.id(), s.name(), s.start(), s.end(), items, s.volumeDb()));
        }
        return out;
    }

    /** Whether the items play within the window, every relay starting no earlier than the items before it end. */
    private static boolean fits(List<Item> items, Instant start, Instant end) {
        Instant at = start;
        for (Item item : items) {
            if (item.live()) {
                if (item.relay().start().isBefore(at)) {
                    return false;
                }
                at = item.relay().end();
            } else {
                at = at.plus(item.duration());
            }
        }
        return !at.isAfter(end);
    }

    /**
     * The sessions for a station whose agent cannot play live items: each relay replaced by its fallback item
     * (or left out), a session left with nothing dropped, and one notice saying so.
     */
    private List<Session> withoutLiveItems(String stationId, List<Session> sessions, List<String> notices) {
        List<Session> out = new ArrayList<>();
        Set<String> relays = new java.util.TreeSet<>();
        for (Session s : sessions) {
            if (s.items().stream().noneMatch(Item::live)) {
                out.add(s);
                continue;
            }
            List<Item> items = new ArrayList<>();
            List<Item> filesOnly = new ArrayList<>();
            for (Item item : s.items()) {
                if (!item.live()) {
                    items.add(item);
                    filesOnly.add(item);
                    continue;
                }
                relays.add(item.relay().sourceId());
                if (item.relay().fallbackItem() != null) {
                    items.add(item.relay().fallbackItem());
                }
            }
            if (!fits(items, s.start(), s.end())) {
                // A fallback longer than its slot would push the session past its end: the relay is left out instead.
                notices.add("station " + stationId + ": session " + s.id() + " is too short for the relays' fallback"
                        + " items; they are left out");
                items = filesOnly;
            }
            if (!items.isEmpty()) {
                out.add(new Session(s.id(), s.name(), s.start(), s.end(), items, s.volumeDb()));
            }
        }
        if (!relays.isEmpty()) {
            notices.add("station " + stationId + " (agent " + agents.versionOf(stationId) + ", before "
                    + LiveAgents.FIRST_LIVE_VERSION + ") cannot play relays: it plays their fallback items instead of "
                    + String.join(", ", relays) + " / trạm chưa phát được tiếp sóng, phát bài dự phòng thay thế");
        }
        return out;
    }
}
