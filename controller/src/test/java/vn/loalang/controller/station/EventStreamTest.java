package vn.loalang.controller.station;

import org.junit.jupiter.api.Test;
import vn.loalang.protocol.station.WireLimits;

import java.util.List;
import java.util.stream.LongStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static vn.loalang.controller.station.EventStream.Offer.AHEAD;
import static vn.loalang.controller.station.EventStream.Offer.DUPLICATE;
import static vn.loalang.controller.station.EventStream.Offer.NEXT;

class EventStreamTest {

    @Test
    void takesNumbersInOrderAndAdvancesTheContiguousMark() {
        EventStream s = new EventStream("sd-a", 0);

        assertEquals(List.of(NEXT, NEXT, NEXT), offer(s, 1, 2, 3));
        assertEquals(3, s.contiguous());
        assertEquals("sd-a", s.id());
    }

    @Test
    void aNumberAlreadyTakenIsADuplicate() {
        EventStream s = new EventStream("sd-a", 0);

        assertEquals(List.of(NEXT, NEXT, DUPLICATE, DUPLICATE), offer(s, 1, 2, 2, 1));
        assertEquals(2, s.contiguous());
    }

    @Test
    void aNumberAheadOfAGapIsHeldWithoutMovingTheMark() {
        EventStream s = new EventStream("sd-a", 0);

        assertEquals(List.of(NEXT, AHEAD, AHEAD), offer(s, 1, 4, 6));
        assertEquals(1, s.contiguous());
    }

    @Test
    void aHeldNumberOfferedAgainIsADuplicate() {
        EventStream s = new EventStream("sd-a", 0);

        assertEquals(List.of(NEXT, AHEAD, DUPLICATE), offer(s, 1, 3, 3));
        assertEquals(1, s.contiguous());
    }

    @Test
    void fillingTheGapMovesTheMarkPastEveryHeldNumberUpToTheNextGap() {
        EventStream s = new EventStream("sd-a", 0);
        offer(s, 1, 3, 4, 5, 7);

        assertEquals(List.of(NEXT), offer(s, 2));
        assertEquals(5, s.contiguous(), "3, 4 and 5 were held; 6 is still missing");
        assertEquals(List.of(NEXT), offer(s, 6));
        assertEquals(7, s.contiguous());
        assertEquals(List.of(DUPLICATE, DUPLICATE), offer(s, 3, 7));
    }

    @Test
    void startsFromTheMarkItIsGiven() {
        EventStream s = new EventStream("sd-a", 41);

        assertEquals(List.of(DUPLICATE, NEXT, AHEAD), offer(s, 41, 42, 44));
        assertEquals(42, s.contiguous());
    }

    @Test
    void aLongOutOfOrderRunEndsContiguous() {
        EventStream s = new EventStream("sd-a", 0);
        long last = WireLimits.MAX_EVENTS_AHEAD + 1;
        LongStream.rangeClosed(2, last).map(i -> last + 2 - i).forEach(s::offer); // down to 2: as many as may be held

        assertEquals(0, s.contiguous());
        assertEquals(List.of(EventStream.Offer.TOO_FAR), offer(s, last + 1), "one more is beyond what is held ahead");
        assertEquals(List.of(NEXT), offer(s, 1));
        assertEquals(last, s.contiguous());
    }

    @Test
    void givingUpWhatTheStationNoLongerHoldsCostsWhatIsHeldNotTheDistance() {
        EventStream s = new EventStream("sd-a", 0);
        offer(s, 5, 7);

        assertEquals(WireLimits.MAX_SEQ_JUMP - 2, s.forgetBefore(WireLimits.MAX_SEQ_JUMP + 1), "1 to a million lost, but 5 and 7");
        assertEquals(WireLimits.MAX_SEQ_JUMP, s.contiguous());
        assertEquals(false, s.mayForgetBefore(2 * WireLimits.MAX_SEQ_JUMP + 2));
    }

    private static List<EventStream.Offer> offer(EventStream s, long... seqs) {
        return LongStream.of(seqs).mapToObj(s::offer).toList();
    }
}
