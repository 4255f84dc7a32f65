package vn.loalang.systemtests.bench;

import org.junit.jupiter.api.Test;
import vn.loalang.audio.Pcm;
import vn.loalang.audio.PcmFormat;
import vn.loalang.systemtests.support.MarkerSignal;
import vn.loalang.systemtests.support.ToneDetector;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The live bench's own arithmetic: the streaming marker detector finds what {@link MarkerSignal#find}
 * finds, markers are matched to the right capture or counted lost, only markers the recorder sent are
 * awaited, and the light process's lines read back as written.
 */
class LiveBenchTest {
    @Test
    void theStreamingDetectorFindsWhatTheWholeFileDetectorFinds() {
        Pcm pcm = MarkerSignal.pcm(Duration.ofSeconds(27), 44_100);
        List<MarkerSignal.Marker> whole = MarkerSignal.find(new ToneDetector(pcm), MarkerSignal.THRESHOLD_DB);

        MarkerDetector streaming = new MarkerDetector(44_100, 1, MarkerSignal.THRESHOLD_DB);
        byte[] bytes = pcm.data();
        // In odd pieces, as a line's writes come: windows span writes.
        for (int off = 0; off < bytes.length; off += 1234) {
            streaming.accept(bytes, off, Math.min(1234, bytes.length - off));
        }
        List<MarkerDetector.Onset> onsets = streaming.onsets();

        assertEquals(9, whole.size(), "a marker every 3 s for 27 s");
        assertEquals(whole.size(), onsets.size());
        for (int i = 0; i < whole.size(); i++) {
            assertEquals(whole.get(i).index(), onsets.get(i).index(), "marker " + i);
            assertEquals(whole.get(i).at().toNanos() / 1000, onsets.get(i).frame() * 1_000_000L / 44_100, 1, "marker " + i);
            assertEquals(i % MarkerSignal.FREQUENCIES.length, onsets.get(i).index());
        }
    }

    @Test
    void stereoIsAveragedLikeTheWholeFileDetector() {
        Pcm mono = MarkerSignal.pcm(Duration.ofSeconds(7), 22_050);
        byte[] m = mono.data();
        byte[] stereo = new byte[m.length * 2];
        for (int i = 0; i < m.length; i += 2) {
            System.arraycopy(m, i, stereo, 2 * i, 2);
            System.arraycopy(m, i, stereo, 2 * i + 2, 2);
        }
        MarkerDetector d = new MarkerDetector(22_050, 2, MarkerSignal.THRESHOLD_DB);
        d.accept(stereo, 0, stereo.length);
        assertEquals(List.of(0, 1, 2), d.onsets().stream().map(MarkerDetector.Onset::index).toList());
        assertEquals(new PcmFormat(22_050, 2).frameBytes(), 4);
    }

    @Test
    void eachCaptureIsMatchedToTheFirstOnsetOfItsFrequencyAfterItAndAMissingOneIsLost() {
        long t0 = 1_000_000_000_000L;
        List<MarkerLatency.Capture> captures = List.of(new MarkerLatency.Capture(1, t0, 0),
                new MarkerLatency.Capture(1, t0 + 3_000_000, 1), new MarkerLatency.Capture(1, t0 + 6_000_000, 2));
        Map<String, List<MarkerSink.Heard>> heard = Map.of(
                // all three, 800 ms, 900 ms and 1000 ms late; an earlier round of marker 0 (24 s before) is not it
                "loa-0001", List.of(new MarkerSink.Heard(t0 - 24_000_000 + 800_000, 0), new MarkerSink.Heard(t0 + 800_000, 0),
                        new MarkerSink.Heard(t0 + 3_900_000, 1), new MarkerSink.Heard(t0 + 7_000_000, 2)),
                // marker 1 never played; marker 2 only 21 s later: past the horizon, lost too
                "loa-0002", List.of(new MarkerSink.Heard(t0 + 700_000, 0), new MarkerSink.Heard(t0 + 27_000_000, 2)));

        MarkerLatency.Result r = MarkerLatency.match(captures, heard);

        assertEquals(List.of(800.0, 900.0, 1000.0), r.latencies().get("loa-0001"));
        assertEquals(List.of(700.0), r.latencies().get("loa-0002"));
        assertEquals(java.util.Set.of(800.0, 700.0), java.util.Set.copyOf(r.heardLatency(captures.get(0))));
        assertEquals(List.of(900.0), r.heardLatency(captures.get(1)));
        assertEquals(2, r.lost().size());
        assertTrue(r.lost().stream().allMatch(l -> l.stationId().equals("loa-0002")));
        assertEquals(List.of(1, 2), r.lost().stream().map(l -> l.capture().index()).toList());
        Percentiles p = r.percentiles();
        assertEquals(4, p.count());
        assertEquals(800.0, p.p50(), 1e-6);
        assertEquals(1000.0, p.p99(), 1e-6);
    }

    @Test
    void onlyMarkersInsideARecordersRunAreAwaitedAndTheRunsPairWithTheTalks() throws BenchException {
        List<LiveBench.Talk> talks = LiveBench.talks(List.of("t-a", "t-b"), List.of(10_000.0, 40_000.0, 50_000.0, 80_000.0));
        assertEquals(30.0, talks.get(0).seconds(), 1e-9);
        List<TalkBrowser.Mark> marks = List.of(
                new TalkBrowser.Mark(0, 9_000, 9_001),     // before the recorder: never sent
                new TalkBrowser.Mark(1, 10_100, 10_101),   // in the lead-in: may be cut
                new TalkBrowser.Mark(2, 12_000, 12_001),   // awaited, talk 1
                new TalkBrowser.Mark(3, 39_700, 39_701),   // in the lead-out
                new TalkBrowser.Mark(4, 45_000, 45_001),   // between talks
                new TalkBrowser.Mark(5, 60_000, 60_001));  // awaited, talk 2
        List<MarkerLatency.Capture> awaited = LiveBench.awaited(marks, talks, LiveBench.LEAD_IN_MICROS);
        assertEquals(List.of(new MarkerLatency.Capture(1, 12_000_000, 2), new MarkerLatency.Capture(2, 60_000_000, 5)),
                awaited);
        assertEquals(List.of(new MarkerLatency.Capture(2, 60_000_000, 5)),
                LiveBench.awaited(marks, talks, LiveBench.FULL_AGENT_LEAD_IN_MICROS), "the full agents' lead-in is longer");
        assertThrows(BenchException.class, () -> LiveBench.talks(List.of("t-a"), List.of(1.0)));
    }

    @Test
    void theLightProcessLinesReadBackAsWritten() {
        LightLiveStations.Report r = new LightLiveStations.Report("loa-0007", 123_456, 2, 3,
                List.of(new MarkerSink.Heard(1_765_000_000_123_456L, 4), new MarkerSink.Heard(1_765_000_003_000_001L, 5)));
        assertEquals(r, LightLiveStations.Report.parse(r.line()));
        LightLiveStations.Report none = new LightLiveStations.Report("loa-0008", 0, 0, 0, List.of());
        assertEquals("loa-0008 0 0 0 -", none.line());
        assertEquals(none, LightLiveStations.Report.parse(none.line()));
        LightLiveStations.Account a = new LightLiveStations.Account("loa-0001", "thon-01", "loa-0001", "s3cr3t");
        assertEquals(a, LightLiveStations.Account.parse(a.line()));
        assertThrows(IllegalArgumentException.class, () -> LightLiveStations.Account.parse("loa-0001 thon-01"));
    }

    @Test
    void aSignedTalkMessageIsReadAsTheLightStationsReadIt() {
        // warmUp signs a LiveTalk as the controller does and fails when the light stations' reading cannot read it.
        LightLiveStations.warmUp();
        assertTrue(LightLiveStations.read(new byte[0]).isEmpty(), "a cleared retained talk is no talk");
        assertTrue(LightLiveStations.read("{\"body\":\"bm90IGpzb24\"}".getBytes()).isEmpty(), "nor is a damaged one");
    }

    @Test
    void kilobitsPerSecondAndTheMedian() {
        assertEquals(32.0, MarkerLatency.kbps(120_000, 30), 1e-9);
        assertEquals(2.0, MarkerLatency.median(List.of(3.0, 1.0, 2.0)), 1e-9);
        assertThrows(IllegalArgumentException.class, () -> MarkerLatency.kbps(1, 0));
    }
}
