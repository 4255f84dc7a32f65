package vn.loalang.protocol;

import java.util.Optional;

/**
 * The MQTT topic tree. Every topic lives under one configurable root so that several communes
 * (or a test and a demo) can share a broker without hearing each other.
 *
 * <pre>
 * {root}/station/{id}/schedule   controller → station, retained, signed
 * {root}/station/{id}/command    controller → station, signed
 * {root}/zone/{zone}/alert/{id}  controller → stations of a village, retained while active, signed
 * {root}/zone/{zone}/talk/{id}   controller → stations of a village, a live talk, retained until too late, signed
 * {root}/live/{channel}/state    controller → stations, a live channel's state, retained while in use, signed
 * {root}/station/{id}/state      station → controller, retained (birth "online", Last Will "offline")
 * {root}/station/{id}/telemetry  station → controller
 * {root}/station/{id}/event      station → controller, play log and acknowledgements
 * {root}/station/{id}/ack        controller → station, signed: "I hold your events up to seq N"
 * {root}/controller/state        controller → stations, retained (birth ONLINE, Last Will OFFLINE)
 * {root}/health/{id}             controller → consoles and bots, retained
 * {root}/incident                controller → chat bots and SMS gateways
 * </pre>
 *
 * <p>Every topic is built here and nowhere else: controller, agent and the broker's access lists
 * agree on them through this class.
 */
public final class Topics {
    public static final String DEFAULT_ROOT = "loalang/v1";

    private final String root;

    public Topics(String root) {
        if (root == null || root.isBlank() || root.startsWith("/") || root.endsWith("/")
                || root.contains("+") || root.contains("#") || root.contains("//")
                || root.chars().anyMatch(c -> Character.isWhitespace(c) || Character.isISOControl(c))) {
            throw new IllegalArgumentException(
                    "MQTT topic root '" + root + "' is not usable: it must be a plain path such as " + DEFAULT_ROOT);
        }
        this.root = root;
    }

    /** The last level of a station's topic, and who publishes there. */
    public enum StationLeaf {
        /** Controller → station, retained, signed. */
        SCHEDULE,
        /** Controller → station, signed. */
        COMMAND,
        /** Controller → station, signed. */
        ACK,
        /** Station → controller, retained. */
        STATE,
        /** Station → controller. */
        TELEMETRY,
        /** Station → controller. */
        EVENT;

        /** As it appears in the topic. */
        public String wire() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        /** The leaf named {@code wire}, if it is one. */
        public static Optional<StationLeaf> parse(String wire) {
            for (StationLeaf l : values()) {
                if (l.wire().equals(wire)) {
                    return Optional.of(l);
                }
            }
            return Optional.empty();
        }
    }

    public static Topics defaults() {
        return new Topics(DEFAULT_ROOT);
    }

    public String root() {
        return root;
    }

    public String schedule(String stationId) {
        return station(stationId, StationLeaf.SCHEDULE);
    }

    public String command(String stationId) {
        return station(stationId, StationLeaf.COMMAND);
    }

    public String state(String stationId) {
        return station(stationId, StationLeaf.STATE);
    }

    public String telemetry(String stationId) {
        return station(stationId, StationLeaf.TELEMETRY);
    }

    public String event(String stationId) {
        return station(stationId, StationLeaf.EVENT);
    }

    public String ack(String stationId) {
        return station(stationId, StationLeaf.ACK);
    }

    /**
     * One alert for one village: each alert has a topic of its own, so that two alerts at once keep
     * their own retained message and their own sequence of signed messages (a cancel follows its alert).
     */
    public String zoneAlert(String zone, String alertId) {
        return root + "/zone/" + Ids.require("zone", zone) + "/alert/" + Ids.require("alert", alertId);
    }

    /** Subscription filter for every alert of one village. */
    public String zoneAlerts(String zone) {
        return root + "/zone/" + Ids.require("zone", zone) + "/alert/+";
    }

    /**
     * A station's health as the controller judges it (OK, DEGRADED or OFFLINE with the reasons),
     * retained and published when it changes: what a console or a chat bot subscribes to.
     */
    public String health(String stationId) {
        return root + "/health/" + Ids.require("station", stationId);
    }

    /** Subscription filter for every station's health. */
    public String allHealth() {
        return root + "/health/+";
    }

    /** Subscription filter for one leaf of every station, e.g. {@code allStations(StationLeaf.EVENT)}. */
    public String allStations(StationLeaf leaf) {
        return root + "/station/+/" + leaf.wire();
    }

    /** The controller's presence: {@link vn.loalang.protocol.station.ControllerPresence}, retained. */
    public String controllerState() {
        return root + "/controller/state";
    }

    /** Incidents (a station offline, a relay that does not switch) as the controller opens and closes them. */
    public String incidents() {
        return root + "/incident";
    }

    /** Every topic of the commune, for an account that may read or write all of them. */
    public String everything() {
        return root + "/#";
    }

    /**
     * A live channel's signed state ({@link vn.loalang.protocol.live.LiveState}), retained while the channel
     * is in use. Every station of the commune may read it; only the controller writes it.
     */
    public String liveState(vn.loalang.protocol.schedule.LiveChannelId channel) {
        return root + "/live/" + channel.value() + "/state";
    }

    /** Subscription filter for every live channel's state. */
    public String allLiveStates() {
        return root + "/live/+/state";
    }

    /** One live talk to one village ({@link vn.loalang.protocol.live.LiveTalk}), retained until it is too late to play. */
    public String zoneTalk(String zone, String talkId) {
        return root + "/zone/" + Ids.require("zone", zone) + "/talk/" + Ids.require("talk", talkId);
    }

    /** Subscription filter for every live talk of one village. */
    public String zoneTalks(String zone) {
        return root + "/zone/" + Ids.require("zone", zone) + "/talk/+";
    }

    /** Subscription filter for every live talk of every village. */
    public String allZoneTalks() {
        return root + "/zone/+/talk/+";
    }

    /** Subscription filter for every alert of every village. */
    public String allZoneAlerts() {
        return root + "/zone/+/alert/+";
    }

    /** The station id of a {@code {root}/station/{id}/...} topic, if the topic is one. */
    public Optional<String> stationOf(String topic) {
        String prefix = root + "/station/";
        if (topic == null || !topic.startsWith(prefix)) {
            return Optional.empty();
        }
        String rest = topic.substring(prefix.length());
        int slash = rest.indexOf('/');
        if (slash <= 0) {
            return Optional.empty();
        }
        String id = rest.substring(0, slash);
        return Ids.isValid(id) ? Optional.of(id) : Optional.empty();
    }

    /** The last level of a topic: {@code schedule}, {@code state}, {@code event}... */
    public static String leaf(String topic) {
        return topic.substring(topic.lastIndexOf('/') + 1);
    }

    /** The leaf of a {@code {root}/station/{id}/{leaf}} topic, if the topic is one. */
    public Optional<StationLeaf> stationLeafOf(String topic) {
        return stationOf(topic).flatMap(id -> StationLeaf.parse(leaf(topic)));
    }

    private String station(String stationId, StationLeaf leaf) {
        return root + "/station/" + Ids.require("station", stationId) + "/" + leaf.wire();
    }
}
