package vn.loalang.controller.station;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tinylog.Level;
import vn.loalang.controller.store.Store;
import vn.loalang.controller.testing.CapturedLog;
import vn.loalang.protocol.Json;
import vn.loalang.protocol.Topics;
import vn.loalang.protocol.station.EventType;
import vn.loalang.protocol.station.Presence;
import vn.loalang.protocol.station.StationEvent;
import vn.loalang.protocol.station.StationState;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StationMonitorTest {
    private static final String DONG = "thon-dong-1";
    private static final String TAY = "thon-tay-1";
    private static final Instant T0 = Instant.parse("2026-11-23T22:30:00Z");

    record Ack(String stationId, String stream, long upTo) {
    }

    private final Topics topics = new Topics("xa-an-binh/v1");
    private final List<Ack> acks = new CopyOnWriteArrayList<>();
    private final List<StationEvent> heard = new CopyOnWriteArrayList<>();
    private final java.util.Map<StationMonitor, List<StationEvent>> taken = new java.util.IdentityHashMap<>();

    private final List<Store> stores = new ArrayList<>();
    private Store store;

    @TempDir
    Path data;

    @AfterEach
    void closeStores() {
        stores.forEach(Store::close);
    }

    // ---- the play log: each event once --------------------------------------------------------

    @Test
    void takesANewEventAcknowledgesItAndTellsTheListeners() throws IOException {
        StationMonitor m = monitor();
        StationEvent e = event(DONG, "sd-a", 1, EventType.ITEM_FINISHED);

        m.handleEvent(topics.event(DONG), Json.write(e));

        assertEquals(List.of(e), taken(m));
        assertEquals(List.of(e), heard);
        assertEquals(List.of(new Ack(DONG, "sd-a", 1)), acks);
        assertEquals(new StationMonitor.Totals(1, 0, 0, 0, 0, 0), m.totals());
    }

    @Test
    void dropsAndCountsADuplicateButAcknowledgesItAgain() throws IOException {
        StationMonitor m = monitor();

        send(m, DONG, "sd-a", 1, 2, 2, 1);

        assertEquals(List.of(1L, 2L), seqs(taken(m)));
        assertEquals(List.of(1L, 2L), seqs(heard), "listeners hear an event once");
        assertEquals(List.of(1L, 2L, 2L, 2L), upTos(), "the station re-sent because it missed the receipt: answer again");
        assertEquals(2, m.totals().duplicatesDropped());
    }

    @Test
    void keepsAnEventAheadOfAGapButAcknowledgesOnlyWhatIsHeldWithoutAGap() throws IOException {
        StationMonitor m = monitor();

        send(m, DONG, "sd-a", 1, 3);

        assertEquals(List.of(1L, 3L), seqs(taken(m)), "the event after the gap is kept");
        assertEquals(1, m.totals().gaps());
        assertEquals(List.of(1L, 1L), upTos(), "the receipt must not cover the missing event 2");
    }

    @Test
    void whenTheMissingEventsArriveTheReceiptJumpsPastEveryHeldEvent() throws IOException {
        StationMonitor m = monitor();

        send(m, DONG, "sd-a", 1, 4, 5, 3);
        assertEquals(List.of(1L, 1L, 1L, 1L), upTos());

        send(m, DONG, "sd-a", 2);
        assertEquals(5, last().upTo());

        send(m, DONG, "sd-a", 4);
        assertEquals(5, last().upTo());
        assertEquals(List.of(1L, 4L, 5L, 3L, 2L), seqs(taken(m)));
        assertEquals(new StationMonitor.Totals(5, 0, 0, 1, 3, 0), m.totals());
    }

    @Test
    void aNewJournalStreamStartsAfreshAndIsNotTakenForDuplicates() throws IOException {
        StationMonitor m = monitor();
        send(m, DONG, "sd-a", 1, 2, 3);

        send(m, DONG, "sd-b", 1, 2);
        send(m, DONG, "sd-b", 2);

        assertEquals(List.of(1L, 2L, 3L, 1L, 2L), seqs(taken(m)));
        assertEquals(new Ack(DONG, "sd-b", 2), last());
        assertEquals(1, m.totals().duplicatesDropped());
    }

    @Test
    void keepsTheJournalsOfTwoStationsApart() throws IOException {
        StationMonitor m = monitor();

        send(m, DONG, "sd-a", 1, 2);
        send(m, TAY, "sd-t", 1);
        send(m, DONG, "sd-a", 3);

        assertEquals(List.of(1L, 2L, 3L), seqs(m.eventLog().events(DONG)));
        assertEquals(List.of(1L), seqs(m.eventLog().events(TAY)));
        assertEquals(List.of(new Ack(DONG, "sd-a", 1), new Ack(DONG, "sd-a", 2), new Ack(TAY, "sd-t", 1),
                new Ack(DONG, "sd-a", 3)), acks);
        assertEquals(0, m.totals().duplicatesDropped());
    }

    @Test
    void countsPlayedFailedAndRejected() throws IOException {
        StationMonitor m = monitor();
        List<EventType> types = List.of(EventType.SESSION_STARTED, EventType.ITEM_STARTED, EventType.ITEM_FINISHED,
                EventType.ITEM_FAILED, EventType.MESSAGE_REJECTED, EventType.ITEM_FINISHED, EventType.SESSION_FINISHED);
        for (int i = 0; i < types.size(); i++) {
            m.handleEvent(topics.event(DONG), Json.write(event(DONG, "sd-a", i + 1, types.get(i))));
        }

        assertEquals(new StationMonitor.Totals(2, 1, 1, 0, 0, 0), m.totals());
    }

    // ---- messages that must be ignored ---------------------------------------------------------------

    @Test
    void ignoresAStationThatIsNotInTheDirectory() throws IOException {
        StationMonitor m = monitor();
        int before = CapturedLog.lines(RefusalLog.class, Level.WARN, "station thon-bac-1 is not in the commune's directory").size();

        m.handleEvent(topics.event("thon-bac-1"), Json.write(event("thon-bac-1", "sd-x", 1, EventType.ITEM_FINISHED)));

        assertNothingTaken(m);
        assertEquals(before + 1, CapturedLog.lines(RefusalLog.class, Level.WARN, "station thon-bac-1 is not in the commune's directory").size());
    }

    @Test
    void ignoresAnEventWhoseStationIsNotTheOneOfItsTopic() throws IOException {
        StationMonitor m = monitor();

        m.handleEvent(topics.event(DONG), Json.write(event(TAY, "sd-t", 1, EventType.ITEM_FINISHED)));

        assertNothingTaken(m);
        assertTrue(m.eventLog().events(TAY).isEmpty());
    }

    @Test
    void ignoresAMessageOnATopicThatIsNotAStationEvent() throws IOException {
        StationMonitor m = monitor();
        byte[] e = Json.write(event(DONG, "sd-a", 1, EventType.ITEM_FINISHED));

        m.handleEvent(topics.telemetry(DONG), e);
        m.handleEvent("another-commune/v1/station/" + DONG + "/event", e);
        m.handleEvent(topics.root() + "/zone/thon-dong/alert", e);

        assertNothingTaken(m);
    }

    @Test
    void logsAndIgnoresMalformedEventsWithoutThrowing() throws IOException {
        StationMonitor m = monitor();
        List<String> payloads = List.of("not json at all", "", "null", "{}", "[1,2,3]",
                "{\"schema\":1,\"stationId\":\"thon-dong-1\",\"stream\":\"sd-a\",\"seq\":0,\"at\":\"2026-11-23T22:30:00Z\",\"type\":\"ITEM_FINISHED\"}",
                "{\"schema\":1,\"stationId\":\"thon-tay-1\",\"stream\":\"sd-a\",\"seq\":1,\"at\":\"2026-11-23T22:30:00Z\",\"type\":\"DANCED\"}",
                "{\"schema\":9,\"stationId\":\"thon-dong-1\",\"stream\":\"sd-a\",\"at\":\"2026-11-23T22:30:00Z\",\"type\":\"ITEM_FINISHED\"}");
        String told = "Station thon-dong-1: refused a message (UNREADABLE)";
        int before = CapturedLog.lines(RefusalLog.class, Level.WARN, told).size();

        for (String p : payloads) {
            assertDoesNotThrow(() -> m.handleEvent(topics.event(DONG), p.getBytes(StandardCharsets.UTF_8)), p);
        }

        assertNothingTaken(m);
        assertEquals(payloads.size(), m.refused(DONG), "each malformed event is counted");
        assertEquals(before + 1, CapturedLog.lines(RefusalLog.class, Level.WARN, told).size(),
                "and told once: a station that floods must not flood the log");
        send(m, DONG, "sd-a", 1);
        assertEquals(List.of(1L), seqs(taken(m)), "the station's next good event is taken");
    }

    @Test
    void aListenerThatThrowsDoesNotUndoTheEventItWasToldAbout() throws IOException {
        StationMonitor m = monitor();
        m.onEvent(e -> {
            throw new IllegalStateException("a broken listener");
        });

        try {
            send(m, DONG, "sd-a", 1);
        } catch (IllegalStateException expected) {
            // ControllerLink catches what a handler throws; what matters is what was recorded.
        }

        assertEquals(List.of(1L), seqs(taken(m)));
        assertEquals(1, m.eventLog().events().size());
        send(m, DONG, "sd-a", 1);
        assertEquals(1, m.totals().duplicatesDropped());
    }

    // ---- the play log in the store --------------------------------------------------------------

    @Test
    void storesEveryNewEventInThePlayLogOnce() throws IOException {
        StationMonitor m = monitor();
        send(m, DONG, "sd-a", 1, 2, 2, 4);
        send(m, TAY, "sd-t", 1);

        List<StationEvent> stored = m.eventLog().events();

        assertEquals(4, stored.size(), "the duplicate is not written");
        assertEquals(taken(m), stored);
        assertEquals(data.resolve("loalang.db").toString(), m.eventLog().where());
    }

    @Test
    void aRestartedControllerReadsThePlayLogAndStillDropsDuplicates() throws IOException {
        StationMonitor before = monitor();
        send(before, DONG, "sd-a", 1, 2, 3);
        send(before, TAY, "sd-t", 1);

        StationMonitor after = restarted();
        acks.clear();
        send(after, DONG, "sd-a", 2, 3);
        send(after, TAY, "sd-t", 1);

        assertEquals(List.of(), taken(after), "nothing new in this run");
        assertEquals(3, after.totals().duplicatesDropped());
        assertEquals(List.of(new Ack(DONG, "sd-a", 3), new Ack(DONG, "sd-a", 3), new Ack(TAY, "sd-t", 1)), acks);
        assertEquals(4, after.eventLog().events().size());

        send(after, DONG, "sd-a", 4);
        assertEquals(List.of(4L), seqs(taken(after)));
        assertEquals(new Ack(DONG, "sd-a", 4), last());
        assertEquals(5, after.eventLog().events().size());
    }

    @Test
    void aRestartedControllerStillHoldsTheEventsAheadOfAGap() throws IOException {
        StationMonitor before = monitor();
        send(before, DONG, "sd-a", 1, 2, 4, 5);

        StationMonitor after = restarted();
        acks.clear();
        send(after, DONG, "sd-a", 3);
        send(after, DONG, "sd-a", 4);

        assertEquals(List.of(3L), seqs(taken(after)));
        assertEquals(List.of(5L, 5L), upTos());
    }

    @Test
    void aRestartedControllerFollowsTheLatestJournalOfAStation() throws IOException {
        StationMonitor before = monitor();
        send(before, DONG, "sd-a", 1, 2);
        send(before, DONG, "sd-b", 1);

        StationMonitor after = restarted();
        send(after, DONG, "sd-b", 1, 2);

        assertEquals(List.of(2L), seqs(taken(after)));
        assertEquals(new Ack(DONG, "sd-b", 2), last());
    }

    @Test
    void aRestartedControllerRemembersTheNumberOfAnEventItCouldNotRead() throws IOException {
        StationMonitor before = monitor();
        send(before, DONG, "sd-a", 1);
        before.handleEvent(topics.event(DONG), unknownType(DONG, "sd-a", 2));

        StationMonitor after = restarted();
        send(after, DONG, "sd-a", 3);

        assertEquals(List.of(3L), seqs(taken(after)));
        assertEquals(3, last().upTo(), "2 was counted before the restart: no gap before 3");
        assertEquals(0, after.totals().gaps());
    }

    @Test
    void anEventThatCannotBeStoredIsNotAcknowledgedSoTheStationSendsItAgain() throws IOException {
        StationMonitor before = monitor();
        send(before, DONG, "sd-a", 1);
        // The store goes away under the monitor, as in a controller killed between intake and receipt.
        store.close();
        int errors = CapturedLog.lines(StationMonitor.class, Level.ERROR, "Station thon-dong-1: event 2 could not be stored").size();

        send(before, DONG, "sd-a", 2);

        assertEquals(List.of(1L), seqs(taken(before)), "not taken");
        assertEquals(List.of(1L), upTos(), "no receipt for event 2");
        assertEquals(errors + 1,
                CapturedLog.lines(StationMonitor.class, Level.ERROR, "Station thon-dong-1: event 2 could not be stored").size());

        StationMonitor after = restarted();
        send(after, DONG, "sd-a", 1, 2);
        assertEquals(List.of(2L), seqs(taken(after)), "the station's second try is taken");
        assertEquals(2, last().upTo());
        assertEquals(List.of(1L, 2L), seqs(after.eventLog().events()));
    }

    // ---- presence ---------------------------------------------------------------------------------

    @Test
    void knowsNothingOfAStationBeforeItSpeaks() throws IOException {
        assertTrue(monitor().state(DONG).isEmpty());
    }

    @Test
    void aStationThatComesOnlineIsOnline() throws IOException {
        StationMonitor m = monitor();
        StationState online = state(DONG, Presence.ONLINE, "boot-1", 1, T0);

        m.handleState(topics.state(DONG), Json.write(online));

        assertEquals(online, m.state(DONG).orElseThrow());
    }

    @Test
    void aStaleOfflineWillFromAnOlderConnectionDoesNotMarkTheStationOffline() throws IOException {
        StationMonitor m = monitor();
        m.handleState(topics.state(DONG), Json.write(state(DONG, Presence.ONLINE, "boot-1", 2, T0.plusSeconds(60))));

        // The broker noticed connection 1 was gone only after connection 2 had said hello.
        m.handleState(topics.state(DONG), Json.write(state(DONG, Presence.OFFLINE, "boot-1", 1, T0)));

        StationState now = m.state(DONG).orElseThrow();
        assertEquals(Presence.ONLINE, now.presence());
        assertEquals(2, now.connection());
        assertFalse(CapturedLog.lines(StationMonitor.class, Level.INFO, "Station thon-dong-1: ignored a stale OFFLINE").isEmpty());
    }

    @Test
    void anOfflineWillOfTheCurrentConnectionMarksTheStationOffline() throws IOException {
        StationMonitor m = monitor();
        m.handleState(topics.state(DONG), Json.write(state(DONG, Presence.ONLINE, "boot-1", 2, T0)));

        m.handleState(topics.state(DONG), Json.write(state(DONG, Presence.OFFLINE, "boot-1", 2, T0)));

        assertEquals(Presence.OFFLINE, m.state(DONG).orElseThrow().presence());
    }

    @Test
    void aNewerConnectionBringsTheStationBackOnline() throws IOException {
        StationMonitor m = monitor();
        m.handleState(topics.state(DONG), Json.write(state(DONG, Presence.ONLINE, "boot-1", 1, T0)));
        m.handleState(topics.state(DONG), Json.write(state(DONG, Presence.OFFLINE, "boot-1", 1, T0.plusSeconds(5))));

        m.handleState(topics.state(DONG), Json.write(state(DONG, Presence.ONLINE, "boot-1", 2, T0.plusSeconds(9))));

        assertEquals(Presence.ONLINE, m.state(DONG).orElseThrow().presence());
    }

    @Test
    void afterARebootTheLaterStateWinsAndALateWillOfTheOldBootIsIgnored() throws IOException {
        StationMonitor m = monitor();
        m.handleState(topics.state(DONG), Json.write(state(DONG, Presence.ONLINE, "boot-1", 7, T0)));
        m.handleState(topics.state(DONG), Json.write(state(DONG, Presence.ONLINE, "boot-2", 1, T0.plusSeconds(120))));

        m.handleState(topics.state(DONG), Json.write(state(DONG, Presence.OFFLINE, "boot-1", 7, T0.plusSeconds(30))));

        StationState now = m.state(DONG).orElseThrow();
        assertEquals(Presence.ONLINE, now.presence());
        assertEquals("boot-2", now.bootId());
    }

    @Test
    void ignoresStatesOfUnknownStationsOfTheWrongStationAndMalformedOnes() throws IOException {
        StationMonitor m = monitor();

        m.handleState(topics.state("thon-bac-1"), Json.write(state("thon-bac-1", Presence.ONLINE, "b", 1, T0)));
        m.handleState(topics.state(DONG), Json.write(state(TAY, Presence.ONLINE, "b", 1, T0)));
        assertDoesNotThrow(() -> m.handleState(topics.state(DONG), "{\"presence\":".getBytes(StandardCharsets.UTF_8)));
        assertDoesNotThrow(() -> m.handleState(topics.state(DONG), "{\"schema\":1}".getBytes(StandardCharsets.UTF_8)));

        assertAll(
                () -> assertTrue(m.state("thon-bac-1").isEmpty()),
                () -> assertTrue(m.state(DONG).isEmpty()),
                () -> assertTrue(m.state(TAY).isEmpty()),
                () -> assertEquals(3, m.refused(DONG), "the wrong station's state and the two malformed ones"),
                () -> assertEquals(1, m.refused("(none)"), "the unknown station's, counted under one name"));
    }

    // ---- helpers ------------------------------------------------------------------------------------

    @Test
    void atFirstContactTheStationSaysWhatItStillHoldsSoEarlierUnsentEventsAreWaitedFor() throws IOException {
        StationMonitor m = monitor();

        // The station holds 3..5; 5 arrives first (3 and 4 went to a broker that restarted).
        sendHolding(m, DONG, "sd-a", 3, 5);
        assertEquals(List.of(2L), upTos(), "3 and 4 are still owed");
        sendHolding(m, DONG, "sd-a", 3, 3, 4);

        assertEquals(List.of(5L, 3L, 4L), seqs(taken(m)), "nothing dropped as a duplicate");
        assertEquals(5, last().upTo());
        assertEquals(0, m.totals().duplicatesDropped());
    }

    @Test
    void eventsTheStationNoLongerHoldsAreGivenUpSoReceiptsGoOn() throws IOException {
        StationMonitor m = monitor();
        send(m, DONG, "sd-a", 1, 2);

        // The controller never saw 3..6 and the station has forgotten them (acknowledged by a previous controller).
        sendHolding(m, DONG, "sd-a", 7, 7, 8);

        assertEquals(8, last().upTo(), "the receipt moves past what can never come");
        assertEquals(1, m.totals().gaps(), "the loss is counted and logged");
    }

    @Test
    void anEventOfATypeThisControllerDoesNotKnowIsCountedSoTheReceiptsDoNotStall() throws IOException {
        StationMonitor m = monitor();
        send(m, DONG, "sd-a", 1);
        String future = new String(Json.write(event(DONG, "sd-a", 2, EventType.ITEM_FINISHED)))
                .replace("ITEM_FINISHED", "AMPLIFIER_TOO_HOT");

        m.handleEvent(topics.event(DONG), future.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        send(m, DONG, "sd-a", 3);

        assertEquals(List.of(1L, 3L), seqs(taken(m)), "the unreadable event is not in the play log");
        assertEquals(3, last().upTo(), "but its number is acknowledged");
    }

    private void sendHolding(StationMonitor m, String station, String stream, long pendingFrom, long... seqs) {
        for (long seq : seqs) {
            m.handleEvent(topics.event(station),
                    Json.write(event(station, stream, seq, EventType.ITEM_FINISHED).sentWith(pendingFrom)));
        }
    }

    /** A monitor on the store in use, opened on first use. */
    private StationMonitor monitor() {
        if (store == null) {
            store = open();
        }
        StationMonitor m = new StationMonitor(topics, Set.of(DONG, TAY),
                new SqliteEventLog(store, Clock.fixed(T0.plusSeconds(600), ZoneOffset.UTC)));
        m.onAcknowledge((station, stream, upTo) -> acks.add(new Ack(station, stream, upTo)));
        m.onEvent(heard::add);
        List<StationEvent> mine = new CopyOnWriteArrayList<>();
        m.onEvent(mine::add);
        taken.put(m, mine);
        return m;
    }

    /** What one monitor took as new in its run, in order: what its listeners were told. */
    private List<StationEvent> taken(StationMonitor m) {
        return List.copyOf(taken.get(m));
    }

    /** The controller killed and started again: the store closed under the old monitor, opened anew. */
    private StationMonitor restarted() {
        store.close();
        store = open();
        return monitor();
    }

    private Store open() {
        Store s = Store.open(data.resolve("loalang.db"));
        stores.add(s);
        return s;
    }

    private static byte[] unknownType(String station, String stream, long seq) {
        return new String(Json.write(event(station, stream, seq, EventType.ITEM_FINISHED)), StandardCharsets.UTF_8)
                .replace("ITEM_FINISHED", "AMPLIFIER_TOO_HOT").getBytes(StandardCharsets.UTF_8);
    }

    private void send(StationMonitor m, String station, String stream, long... seqs) {
        for (long seq : seqs) {
            m.handleEvent(topics.event(station), Json.write(event(station, stream, seq, EventType.ITEM_FINISHED)));
        }
    }

    private static StationEvent event(String station, String stream, long seq, EventType type) {
        return StationEvent.of(type).session("2026-11-24.morning").content("gia-lua")
                .numbered(station, stream, seq, T0.plusSeconds(seq));
    }

    private static StationState state(String station, Presence presence, String boot, long connection, Instant at) {
        return new StationState(1, station, presence, boot, connection, "0.1.0", at);
    }

    private void assertNothingTaken(StationMonitor m) throws IOException {
        assertEquals(List.of(), taken(m));
        assertEquals(List.of(), heard);
        assertEquals(List.of(), acks, "no receipt for what was not taken");
        assertEquals(List.of(), m.eventLog().events(), "nothing in the play log");
    }

    private List<Long> upTos() {
        return acks.stream().map(Ack::upTo).toList();
    }

    private Ack last() {
        return acks.get(acks.size() - 1);
    }

    private static List<Long> seqs(List<StationEvent> events) {
        return events.stream().map(StationEvent::seq).toList();
    }
}
