package vn.loalang.provisioning.broker;

import org.junit.jupiter.api.Test;
import vn.loalang.protocol.Topics;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The rules model both brokers are given: what a rule lets a client subscribe to and publish on. */
class TopicRuleTest {
    @Test
    void aSubscriptionIsGrantedOnlyWhenTheRuleCoversEveryTopicItCouldMatch() {
        TopicRule alerts = TopicRule.read("loalang/v1/zone/thon-dong/alert/+");
        assertTrue(alerts.permitsRead("loalang/v1/zone/thon-dong/alert/+"));
        assertTrue(alerts.permitsRead("loalang/v1/zone/thon-dong/alert/a-1"));
        for (String wider : List.of("loalang/v1/zone/+/alert/+", "loalang/v1/zone/thon-dong/alert/#", "loalang/v1/#", "#",
                "+/v1/zone/thon-dong/alert/+", "loalang/v1/zone/thon-dong/alert", "loalang/v1/zone/thon-dong/alert/a/b", "")) {
            assertFalse(alerts.permitsRead(wider), wider);
        }
        assertFalse(alerts.permitsWrite("loalang/v1/zone/thon-dong/alert/a-1"), "a read rule writes nothing");
    }

    @Test
    void aMultiLevelRuleCoversItsParentAndEverythingBelow() {
        TopicRule all = TopicRule.readWrite("loalang/v1/#");
        for (String t : List.of("loalang/v1", "loalang/v1/#", "loalang/v1/+/x", "loalang/v1/station/a/state")) {
            assertTrue(all.permitsRead(t), t);
            assertTrue(all.permitsWrite(t), t);
        }
        for (String t : List.of("loalang", "loalang/v2/x", "#", "+/v1/x", "$SYS/broker")) {
            assertFalse(all.permitsRead(t), t);
        }
    }

    @Test
    void aStationWritesItsOwnReportsOnly() {
        AccessList access = new AccessList(Topics.defaults());
        List<TopicRule> rules = access.rulesOf(BrokerAccount.station("thon-dong-1", MosquittoPassword.hash("s-s-s-s-s-s"),
                List.of("thon-dong")));
        for (String own : List.of("state", "telemetry", "event")) {
            String t = "loalang/v1/station/thon-dong-1/" + own;
            assertTrue(rules.stream().anyMatch(r -> r.permitsWrite(t)), t);
        }
        for (String t : List.of("loalang/v1/station/thon-tay-1/state", "loalang/v1/station/thon-dong-1/schedule",
                "loalang/v1/station/+/state", "loalang/v1/zone/thon-dong/alert/x", "loalang/v1/controller/state")) {
            assertFalse(rules.stream().anyMatch(r -> r.permitsWrite(t)), t);
        }
        assertEquals("topic write loalang/v1/station/thon-dong-1/event", rules.get(rules.size() - 1).mosquittoLine(),
                "the Mosquitto file is rendered from the same rules");
    }
}
