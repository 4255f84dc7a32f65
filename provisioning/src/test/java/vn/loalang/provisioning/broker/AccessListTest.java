package vn.loalang.provisioning.broker;

import org.junit.jupiter.api.Test;
import vn.loalang.protocol.Topics;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AccessListTest {
    final AccessList acl = new AccessList(Topics.defaults());
    final String hash = MosquittoPassword.hash("secret-secret");

    @Test
    void aStationReadsItsOwnTopicsItsVillagesAlertsAndTalksAndLiveStatesAndWritesItsOwnReportsOnly() {
        assertEquals(List.of(
                "topic read loalang/v1/station/thon-dong-1/schedule",
                "topic read loalang/v1/station/thon-dong-1/command",
                "topic read loalang/v1/station/thon-dong-1/ack",
                "topic read loalang/v1/controller/state",
                "topic read loalang/v1/zone/thon-dong/alert/+",
                "topic read loalang/v1/live/+/state",
                "topic read loalang/v1/zone/thon-dong/talk/+",
                "topic write loalang/v1/station/thon-dong-1/state",
                "topic write loalang/v1/station/thon-dong-1/telemetry",
                "topic write loalang/v1/station/thon-dong-1/event"),
                acl.rules(BrokerAccount.station("thon-dong-1", hash, List.of("thon-dong"))));
    }

    @Test
    void anObserverReadsEverythingAndWritesNothing() {
        assertEquals(List.of("topic read loalang/v1/#"), acl.rules(BrokerAccount.observer("bot", hash)));
    }

    @Test
    void theFileNamesEveryUserAndNoPatterns() {
        String file = acl.render(List.of(BrokerAccount.station("b-1", hash, List.of("b")),
                BrokerAccount.controller("controller", hash), BrokerAccount.station("a-1", hash, List.of("a"))));
        assertTrue(file.contains("user controller\ntopic readwrite loalang/v1/#\n"), file);
        assertTrue(file.indexOf("user controller") < file.indexOf("user a-1") && file.indexOf("user a-1") < file.indexOf("user b-1"),
                "the controller first, then stations by id: a stable file that diffs well");
        assertTrue(file.lines().noneMatch(l -> l.startsWith("pattern")), file);
    }

    @Test
    void aStationIdThatCouldWidenItsRightsIsRefused() {
        for (String id : List.of("+", "#", "a/b", "x y", "a:b")) {
            assertThrows(IllegalArgumentException.class, () -> BrokerAccount.station(id, hash, List.of("v")), id);
        }
        assertThrows(IllegalArgumentException.class, () -> BrokerAccount.station("st-1", hash, List.of("#")));
        assertThrows(IllegalArgumentException.class, () -> BrokerAccount.station("st-1", "plaintext", List.of("v")));
    }
}
