package vn.loalang.systemtests.bench;

import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The benchmark reads /proc and jstat as text; these are the lines it has to understand. */
class BenchParsingTest {
    static final String STATUS = """
            Name:\tjava
            VmPeak:\t 2984112 kB
            VmHWM:\t  131072 kB
            VmRSS:\t  120320 kB
            RssAnon:\t   98304 kB
            """;

    @Test
    void residentMemoryIsReadFromItsStatusLine() throws Exception {
        assertEquals(120_320, ProcFs.statusKb(STATUS, "VmRSS"));
        assertEquals(131_072, ProcFs.statusKb(STATUS, "VmHWM"));
        assertThrows(BenchException.class, () -> ProcFs.statusKb(STATUS, "VmSwap"));
    }

    @Test
    void cpuTimeIsUserPlusSystemCountedAfterTheCommandName() throws Exception {
        // A command name with a space and a ')' must not shift the fields: utime 1234, stime 56.
        String stat = "4242 (weird) name) S 1 4242 4242 0 -1 4194560 5000 0 0 0 1234 56 0 0 20 0 30 0 1000 3000000000 30000";
        assertEquals(1290, ProcFs.cpuTicks(stat));
        assertThrows(BenchException.class, () -> ProcFs.cpuTicks("4242 (java) S 1 2"));
    }

    @Test
    void heapIsTheSumOfSurvivorEdenAndOldByColumnName() throws Exception {
        String header = "    S0C         S1C         S0U         S1U          EC           EU           OC           OU"
                + "          MC         MU       CCSC      CCSU     YGC     YGCT     FGC    FGCT     CGC    CGCT       GCT   ";
        String line = "        0.0      1024.0         0.0       512.0      12288.0       3072.0      52224.0       4096.0"
                + "     8448.0     8172.1    1088.0     968.0      7     0.021     1     0.006     0     0.000     0.027";
        HeapSampler.Sample s = HeapSampler.parse(header, line, Instant.EPOCH);
        assertEquals(7.5, s.usedMb(), 1e-9);
        assertEquals(64.0, s.committedMb(), 1e-9);
        assertEquals(7, s.youngCollections());
        assertEquals(1, s.fullCollections());
        assertEquals(0.027, s.gcSeconds(), 1e-9);
        assertThrows(BenchException.class, () -> HeapSampler.parse(header, "0.0 1024.0", Instant.EPOCH));
    }
}
