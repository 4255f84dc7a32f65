package vn.loalang.protocol.fuzz;

import vn.loalang.protocol.Json;
import vn.loalang.protocol.SchemaVersion;
import vn.loalang.protocol.alert.Alert;
import vn.loalang.protocol.alert.AlertPriority;
import vn.loalang.protocol.alert.AlertPreamble;
import vn.loalang.protocol.schedule.Item;
import vn.loalang.protocol.schedule.Schedule;
import vn.loalang.protocol.schedule.Session;
import vn.loalang.protocol.station.Command;
import vn.loalang.protocol.station.EventAck;
import vn.loalang.protocol.station.EventType;
import vn.loalang.protocol.station.Presence;
import vn.loalang.protocol.station.StationEvent;
import vn.loalang.protocol.station.StationState;
import vn.loalang.protocol.station.Telemetry;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Real messages, built with the protocol's own records as the controller and the agents build them:
 * the starting points the fuzz properties mutate.
 */
public final class Goldens {
    public static final int S = SchemaVersion.CURRENT;
    static final String SHA = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

    private Goldens() {
    }

    /** The commune's signing key, the same in every run: saved inputs signed with it verify again when replayed. */
    public static java.security.KeyPair communeKeys() {
        try {
            java.security.SecureRandom fixed = java.security.SecureRandom.getInstance("SHA1PRNG");
            fixed.setSeed(14L);
            java.security.KeyPairGenerator generator = java.security.KeyPairGenerator.getInstance("Ed25519");
            generator.initialize(255, fixed);
            return generator.generateKeyPair();
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    public static Item item(String contentId) {
        return new Item(contentId, "Giá lúa hôm nay", SHA, URI.create("http://127.0.0.1:9/content/" + SHA),
                48_000, 3_000, -1.5);
    }

    public static Schedule schedule(String stationId, String zone, long version, Instant now) {
        Instant morning = now.plus(Duration.ofHours(1));
        return new Schedule(S, stationId, zone, version, "Asia/Ho_Chi_Minh", now.minus(Duration.ofHours(1)),
                now.plus(Duration.ofDays(2)), List.of(
                new Session("sang", "Buổi sáng", morning, morning.plus(Duration.ofMinutes(30)),
                        List.of(item("gia-lua"), item("tiem-chung"))),
                new Session("chieu", "Buổi chiều", morning.plus(Duration.ofHours(10)),
                        morning.plus(Duration.ofHours(11)), List.of(item("tin-xa")))));
    }

    public static Command command(String stationId, String action, Instant now) {
        return new Command(S, "cmd-" + action.toLowerCase().replace('_', '-'), stationId, action, 5, now,
                now.plus(Duration.ofMinutes(5)));
    }

    public static Alert alert(String zone, Instant now, boolean cancelled) {
        return new Alert(S, "lu-1", zone, AlertPriority.EMERGENCY, "Lũ trên sông", "Nước lên nhanh", now,
                now.plus(Duration.ofHours(1)), AlertPreamble.SIREN, List.of(item("canh-bao-lu")), 2, 60, cancelled);
    }

    public static EventAck ack(String stationId, String stream, long upTo) {
        return new EventAck(S, stationId, stream, upTo);
    }

    public static StationState state(String stationId, Presence presence, long connection, Instant now) {
        return new StationState(S, stationId, presence, "boot-1", connection, "0.1.0", now);
    }

    /** The play log of one session, and the message from issue 14: a real event with seq and pendingFrom 10^15. */
    public static List<StationEvent> events(String stationId, String stream, Instant now) {
        return List.of(
                new StationEvent(S, stationId, stream, 1, now, EventType.SCHEDULE_ACCEPTED, null, null, 3L, null, null, 1L),
                new StationEvent(S, stationId, stream, 2, now, EventType.SESSION_STARTED, "sang", null, 3L, null, null, 1L),
                new StationEvent(S, stationId, stream, 3, now, EventType.ITEM_FINISHED, "sang", "gia-lua", 3L, null,
                        null, 1L),
                new StationEvent(S, stationId, stream, 4, now, EventType.MESSAGE_REJECTED, null, null, null,
                        "BAD_SIGNATURE", "schedule on loalang/v1/station/x/schedule refused", 2L),
                new StationEvent(S, stationId, stream, 5, now, EventType.SESSION_FINISHED, "sang", null, 3L, null, null, null),
                new StationEvent(S, stationId, stream, 1_000_000_000_000_000L, now, EventType.ITEM_FINISHED, "sang",
                        "gia-lua", 3L, null, null, 1_000_000_000_000_000L));
    }

    public static Telemetry telemetry(String stationId, Instant now) {
        return new Telemetry(S, stationId, "boot-1", "0.1.0", now, 3_600, 54.5, 0.4, 300L, 2_000L, "wifi", -61, 12L,
                Map.of("amp1", false), Map.of("amp1", false), "ok", true, List.of(), 1, "gia-lua", now, 3L);
    }

    public static byte[] json(Object message) {
        return Json.write(message);
    }
}
