package vn.loalang.controller.live;

import org.junit.jupiter.api.Test;
import vn.loalang.protocol.schedule.EndRule;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A kept recording waits for the stations' reports of its slot: a station whose ITEM_FINISHED arrives a few
 * seconds after the recording is kept must not be judged as having missed the relay it played.
 */
class RelayPlanJudgementsTest {
    private static final Instant END = Instant.parse("2026-11-23T22:55:00Z");
    private static final RelayPlan.Slot SLOT = new RelayPlan.Slot("vov1", "VOV1", END.minusSeconds(900), END,
            EndRule.FIXED, 10);
    private static final RelayPlan.Slot LATER = new RelayPlan.Slot("tinh", "Đài tỉnh", END.minusSeconds(600),
            END.plusSeconds(30), EndRule.FIXED, 10);

    @Test
    void aRecordingKeptAtTheSlotsEndIsHandedOnOnlyOnceTheGraceIsOverAndOnce() {
        RelayPlan.Judgements judgements = new RelayPlan.Judgements(RelayPlan.REPORT_GRACE);
        judgements.kept(SLOT, "rec-vov1-20261124-0540", END.plusMillis(400));
        judgements.kept(LATER, "rec-tinh-20261124-0545", END.plusSeconds(31));

        assertEquals(List.of(), judgements.due(END.plusSeconds(2)), "kept a second after the end: not yet");
        assertEquals(List.of(), judgements.due(END.plusSeconds(60)), "the grace runs from when the slot ended");
        List<RelayPlan.Judgements.Kept> due = judgements.due(END.plusSeconds(61));
        assertEquals(List.of("rec-vov1-20261124-0540"), due.stream().map(RelayPlan.Judgements.Kept::recordingId).toList());
        assertEquals(SLOT, due.get(0).slot());
        assertEquals(List.of(), judgements.due(END.plusSeconds(62)), "each recording once");
        assertEquals(List.of("rec-tinh-20261124-0545"), judgements.due(END.plusSeconds(600)).stream()
                .map(RelayPlan.Judgements.Kept::recordingId).toList());
    }

    @Test
    void withoutGraceARecordingIsHandedOnAtOnce() {
        RelayPlan.Judgements judgements = new RelayPlan.Judgements(Duration.ZERO);
        judgements.kept(SLOT, "rec-vov1-20261124-0540", END);
        assertEquals(1, judgements.due(END).size());
    }
}
