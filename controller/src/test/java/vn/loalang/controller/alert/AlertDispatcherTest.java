package vn.loalang.controller.alert;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vn.loalang.controller.change.ChangeException;
import vn.loalang.protocol.SchemaVersion;
import vn.loalang.protocol.alert.Alert;
import vn.loalang.protocol.station.EventType;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static vn.loalang.controller.alert.AlertParts.T0;
import static vn.loalang.controller.alert.AlertParts.TOPICS;

/** What goes on the broker for an alert, and again, and when it stops. */
class AlertDispatcherTest {
    @TempDir
    Path dir;
    private AlertParts parts;

    @BeforeEach
    void parts() {
        parts = new AlertParts(dir);
    }

    @AfterEach
    void close() {
        parts.close();
    }

    private Alert published(List<String> villages) {
        Alert a = parts.stored("a-20261130-140000-1a2b", villages);
        Map<String, byte[]> signed = new LinkedHashMap<>();
        villages.forEach(v -> signed.put(v, parts.alerts.signed(a.id(), v).orElseThrow()));
        parts.dispatcher.publish(a.id(), signed);
        return a;
    }

    private List<String> topicsSent(int from) {
        return parts.sent.subList(from, parts.sent.size()).stream().map(AlertParts.Sent::topic).toList();
    }

    @Test
    void onlyTheVillagesWhereAStationHasNotSaidItReceivedItAreSentItAgainEachInterval() throws Exception {
        Alert a = published(List.of("thon-dong", "thon-tay"));
        assertEquals(List.of(TOPICS.zoneAlert("thon-dong", a.id()), TOPICS.zoneAlert("thon-tay", a.id())), topicsSent(0));
        assertTrue(parts.sent.stream().allMatch(AlertParts.Sent::retained));
        parts.event("thon-dong-1", EventType.ALERT_RECEIVED, a.id(), null);
        parts.event("thon-tay-1", EventType.ALERT_RECEIVED, a.id(), null);

        parts.clock.set(T0.plus(AlertDispatcher.RESEND_AFTER).minusMillis(1));
        parts.dispatcher.tick();
        assertEquals(2, parts.sent.size(), "not before the interval");
        parts.clock.set(T0.plus(AlertDispatcher.RESEND_AFTER));
        parts.dispatcher.tick();
        assertEquals(List.of(TOPICS.zoneAlert("thon-tay", a.id())), topicsSent(2),
                "thon-tay-2 has not answered; everyone in thon-dong has");
        assertArrayEquals(parts.sent.get(1).payload(), parts.sent.get(2).payload(), "the stored bytes: a duplicate");
        parts.dispatcher.tick();
        assertEquals(3, parts.sent.size(), "not again within the interval");

        parts.event("thon-tay-2", EventType.SESSION_STARTED, a.id(), null);
        parts.clock.set(T0.plus(AlertDispatcher.RESEND_AFTER.multipliedBy(3)));
        parts.dispatcher.tick();
        assertEquals(3, parts.sent.size(), "past PENDING, nothing is sent again");
    }

    @Test
    void anAlertNotPublishedWhileTheBrokerWasAwayGoesOutWithTheNextRoundsAndAfterAReconnect() {
        parts.brokerDown.set(true);
        Alert a = published(List.of("thon-tay"));
        assertEquals(0, parts.sent.size());
        parts.brokerDown.set(false);
        parts.clock.set(T0.plus(AlertDispatcher.RESEND_AFTER));
        parts.dispatcher.tick();
        assertEquals(List.of(TOPICS.zoneAlert("thon-tay", a.id())), topicsSent(0));
        parts.dispatcher.republishActive();
        assertEquals(2, parts.sent.size(), "a broker that restarted empty is given every live alert again");
    }

    @Test
    void aCancelIsPublishedAtOnceAndAgainEachMinuteUntilTheAlertWouldHaveExpiredThenCleared() throws Exception {
        Alert a = published(List.of("thon-dong", "thon-tay"));
        Alert cancel = new Alert(SchemaVersion.CURRENT, a.id(), a.zone(), a.priority(), a.title(), a.reason(),
                parts.clock.instant(), a.expiresAt(), a.preamble(), a.items(), a.repeats(), a.intervalSeconds(), true);
        parts.dispatcher.withdraw("van.thu", a.id(), cancel, List.of("thon-dong", "thon-tay"));
        assertEquals(4, parts.sent.size());
        assertTrue(parts.verify(parts.sent.get(2)).cancelled() && parts.verify(parts.sent.get(3)).cancelled());
        assertThrows(ChangeException.class, () -> parts.dispatcher.withdraw("van.thu", a.id(), cancel,
                List.of("thon-dong", "thon-tay")), "a cancel of an alert no longer active");
        assertEquals(4, parts.sent.size(), "a refused cancel sends nothing");

        parts.clock.set(T0.plus(AlertDispatcher.RESEND_CANCEL_AFTER));
        parts.dispatcher.tick();
        assertEquals(6, parts.sent.size(), "to every village, whatever its stations said");
        assertTrue(parts.verify(parts.sent.get(5)).cancelled());

        parts.clock.set(a.expiresAt());
        parts.dispatcher.tick();
        assertEquals(List.of(TOPICS.zoneAlert("thon-dong", a.id()), TOPICS.zoneAlert("thon-tay", a.id())), topicsSent(6));
        assertTrue(parts.sent.subList(6, 8).stream().allMatch(s -> s.payload().length == 0 && s.retained()),
                "an empty retained message removes it from the broker");
        parts.clock.set(a.expiresAt().plus(Duration.ofHours(1)));
        parts.dispatcher.tick();
        assertEquals(8, parts.sent.size(), "cleared once; nothing after");
        assertEquals("CANCELLED", parts.alerts.status(a.id()).orElseThrow().state(), "a cancelled alert stays cancelled");
    }

    @Test
    void anActiveAlertPastItsExpiryEndsAsExpiredAudited() {
        Alert a = published(List.of("thon-tay"));
        parts.clock.set(a.expiresAt());
        parts.dispatcher.tick();
        assertEquals("EXPIRED", parts.alerts.status(a.id()).orElseThrow().state());
        assertEquals(0, parts.sent.get(parts.sent.size() - 1).payload().length);
        assertTrue(parts.auditActions().contains("system alert.expire " + a.id()), parts.auditActions().toString());
        assertEquals(List.of(), parts.alerts.live());
    }
}
