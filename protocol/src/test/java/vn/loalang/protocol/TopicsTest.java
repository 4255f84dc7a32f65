package vn.loalang.protocol;

import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class TopicsTest {
    private final Topics topics = new Topics("loalang/v1");

    @Test
    void buildsTheTreeOfTheArchitecture() {
        assertEquals("loalang/v1/station/thon-1-a/schedule", topics.schedule("thon-1-a"));
        assertEquals("loalang/v1/station/thon-1-a/command", topics.command("thon-1-a"));
        assertEquals("loalang/v1/station/thon-1-a/state", topics.state("thon-1-a"));
        assertEquals("loalang/v1/station/thon-1-a/telemetry", topics.telemetry("thon-1-a"));
        assertEquals("loalang/v1/station/thon-1-a/event", topics.event("thon-1-a"));
        assertEquals("loalang/v1/zone/thon-1/alert/a-1", topics.zoneAlert("thon-1", "a-1"));
        assertEquals("loalang/v1/zone/thon-1/alert/+", topics.zoneAlerts("thon-1"));
        assertEquals("loalang/v1/station/+/event", topics.allStations(Topics.StationLeaf.EVENT));
        assertEquals("loalang/v1/station/thon-1-a/ack", topics.ack("thon-1-a"));
        assertEquals("loalang/v1/controller/state", topics.controllerState());
        assertEquals("loalang/v1/incident", topics.incidents());
        assertEquals("loalang/v1/health/thon-1-a", topics.health("thon-1-a"));
        assertEquals("loalang/v1/#", topics.everything());
        assertEquals("loalang/v1/zone/+/alert/+", topics.allZoneAlerts());
    }

    @Test
    void readsTheLeafOfAStationTopic() {
        for (Topics.StationLeaf leaf : Topics.StationLeaf.values()) {
            String topic = topics.allStations(leaf).replace("+", "thon-2");
            assertEquals(Optional.of(leaf), topics.stationLeafOf(topic), topic);
        }
        assertEquals(Optional.empty(), topics.stationLeafOf("loalang/v1/station/thon-2/secret"));
        assertEquals(Optional.empty(), topics.stationLeafOf("loalang/v1/station/thon-2/EVENT"));
        assertEquals(Optional.empty(), topics.stationLeafOf("loalang/v1/health/thon-2"));
    }

    @Test
    void findsTheStationOfATopic() {
        assertEquals(Optional.of("thon-2"), topics.stationOf("loalang/v1/station/thon-2/state"));
        assertEquals(Optional.empty(), topics.stationOf("loalang/v1/zone/thon-2/alert"));
        assertEquals(Optional.empty(), topics.stationOf("other/v1/station/thon-2/state"));
        assertEquals(Optional.empty(), topics.stationOf("loalang/v1/station/BAD ID/state"));
        assertEquals("event", Topics.leaf("loalang/v1/station/thon-2/event"));
    }

    @Test
    void refusesARootThatWouldWidenABrokerAccessList() {
        // The root goes into Mosquitto's acl file line by line: a newline there would add rules of its own.
        for (String root : java.util.List.of("loalang/v1\nuser x", "loalang v1", "loalang//v1", "loalang/#", "/loalang")) {
            assertThrows(IllegalArgumentException.class, () -> new Topics(root), root);
        }
    }

    @Test
    void refusesIdsThatWouldBreakTheTree() {
        assertThrows(IllegalArgumentException.class, () -> topics.schedule("a/b"));
        assertThrows(IllegalArgumentException.class, () -> topics.schedule("+"));
        assertThrows(IllegalArgumentException.class, () -> topics.zoneAlert("#", "a-1"));
        assertThrows(IllegalArgumentException.class, () -> topics.zoneAlert("thon-1", "a/+"));
        assertThrows(IllegalArgumentException.class, () -> topics.schedule(""));
        assertThrows(IllegalArgumentException.class, () -> new Topics("loalang/#"));
        assertThrows(IllegalArgumentException.class, () -> new Topics("/loalang"));
    }
}
