package vn.loalang.systemtests.bench;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The benchmarks read /proc, jstat and their own log as text; these are the lines they have to understand. */
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
    void threadsAreNamedAsLinuxKeepsThemAndRankedByTheirCpuInTheWindow() {
        assertEquals("weird) name", AgentThreads.name("4242 (weird) name) S 1 4242"));
        Instant t0 = Instant.parse("2026-12-06T08:00:00Z");
        List<AgentThreads.Snapshot> snapshots = List.of(
                new AgentThreads.Snapshot(t0.minusSeconds(2), java.util.Map.of("playout-bench-1", 0L)),
                new AgentThreads.Snapshot(t0, java.util.Map.of("playout-bench-1", 100L, "C1 CompilerThre", 50L)),
                new AgentThreads.Snapshot(t0.plusSeconds(10), java.util.Map.of("playout-bench-1", 113L,
                        "C1 CompilerThre", 51L, "MQTT Rec: loala", 2L)),
                new AgentThreads.Snapshot(t0.plusSeconds(20), java.util.Map.of("playout-bench-1", 500L)));
        // 13 ticks of 100 per second in 10 s: 1.3 % of a core; a thread born in the window counts from zero.
        assertEquals("playout-bench-1 1.30 %, MQTT Rec: loala 0.20 %, C1 CompilerThre 0.10 %",
                AgentThreads.busiest(snapshots, t0, t0.plusSeconds(15), 100, 6));
        assertEquals("playout-bench-1 1.30 %", AgentThreads.busiest(snapshots, t0, t0.plusSeconds(15), 100, 1));
        assertEquals("", AgentThreads.busiest(snapshots, t0.plusSeconds(1), t0.plusSeconds(15), 100, 6));
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

    @Test
    void tcpCountersAreFoundByNameInTheirGroupsTwoLines() throws Exception {
        String netstat = """
                TcpExt: SyncookiesSent ListenOverflows ListenDrops
                TcpExt: 0 171 172
                IpExt: InNoRoutes ListenOverflows
                IpExt: 0 99
                """;
        assertEquals(171, ProcFs.counter(netstat, "TcpExt", "ListenOverflows"));
        assertEquals(172, ProcFs.counter(netstat, "TcpExt", "ListenDrops"));
        assertThrows(BenchException.class, () -> ProcFs.counter(netstat, "TcpExt", "RetransSegs"));
    }

    @Test
    void establishedConnectionsAreCountedByLocalPortAndState() {
        // Port 8080 is 1F90: two established (01), one in TIME_WAIT (06), one the other way round (remote 8080).
        String tcp = """
                  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
                   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1
                   1: 0100007F:1F90 0100007F:D431 01 00000000:00000000 00:00000000 00000000     0        0 2
                   2: 0100007F:1F90 0100007F:D432 01 00000000:00000000 00:00000000 00000000     0        0 3
                   3: 0100007F:1F90 0100007F:D433 06 00000000:00000000 00:00000000 00000000     0        0 4
                   4: 0100007F:D434 0100007F:1F90 01 00000000:00000000 00:00000000 00000000     0        0 5
                """;
        assertEquals(2, ProcFs.established(tcp, 8080));
        String tcp6 = """
                  sl  local_address                         remote_address                        st
                   0: 0000000000000000FFFF00000100007F:1F90 0000000000000000FFFF00000100007F:D435 01 0
                """;
        assertEquals(1, ProcFs.established(tcp6, 8080), "an IPv6 socket of 127.0.0.1");
    }

    @Test
    void percentilesAreByNearestRankSoThatTheyAreValuesMeasured() {
        double[] thousand = new double[1000];
        for (int i = 0; i < thousand.length; i++) {
            thousand[i] = i + 1;
        }
        assertEquals(990, Percentiles.rank(thousand, 99));
        assertEquals(500, Percentiles.rank(thousand, 50));
        double[] fifty = Arrays.copyOf(thousand, 50);
        assertEquals(50, Percentiles.rank(fifty, 99), "of 50 values, p99 is the largest");
        assertEquals(25, Percentiles.rank(fifty, 50));
        Percentiles p = Percentiles.ofNanos(List.of(3_000_000L, 1_000_000L, 2_000_000L));
        assertEquals(2.0, p.p50(), 1e-9);
        assertEquals(3.0, p.max(), 1e-9);
    }

    @Test
    void aWriteHasSoundWhenAnyByteOfItIsNotZero() {
        byte[] pcm = new byte[8];
        assertFalse(FirstSampleSink.hasSound(pcm, 0, pcm.length));
        pcm[5] = 1; // the high byte of the third 16-bit sample
        assertTrue(FirstSampleSink.hasSound(pcm, 0, pcm.length));
        assertFalse(FirstSampleSink.hasSound(pcm, 0, 4), "only what was written counts");
    }

    @Test
    void theAgentsLogLinesGiveEachStepOfEachStationAndHowTheAlertEnded() {
        StationLog log = StationLog.parse(List.of(
                "2026-12-01 09:24:15.100000 INFO [MQTT Call: loalang-station-loa-0001] AlertKeeper: Station loa-0001"
                        + " follows the alerts of village thon-bao-dong",
                "2026-12-01 09:24:15.400000 INFO [MQTT Call: loalang-station-loa-0001] ContentCache: Station loa-0001"
                        + " cached content canh-bao-lu (16684 bytes)",
                "2026-12-01 09:24:15.500000 INFO [MQTT Call: loalang-station-loa-0001] AlertKeeper: Station loa-0001"
                        + " received emergency alert a-1 'Lũ' (1 item(s), 1 time(s), until 2026-12-01T02:34:15Z)",
                "2026-12-01 09:24:15.750000 INFO [alerts-loa-0001] ContentCache: Station loa-0001 cached content"
                        + " canh-bao-lu (16684 bytes)",
                "2026-12-01 09:24:15.750100 INFO [alerts-loa-0001] PlayoutScheduler: Station loa-0001 received"
                        + " emergency a-1 (2 item(s), 2026-12-01T02:24:15.750Z to 2026-12-01T02:34:15Z)",
                "2026-12-01 09:24:15.760000 INFO [playout-loa-0001] SessionPlayer: Station loa-0001 starts emergency"
                        + " a-1 (2 item(s) from item 1, first sample due at 2026-12-01T02:24:15.760Z)",
                "\tat a.stack.Trace(Line.java:1)",
                "2026-12-01 09:24:22.000000 INFO [playout-loa-0001] SessionPlayer: Station loa-0001 finished a-1:"
                        + " 2 played, 0 not played",
                "2026-12-01 09:24:22.000000 INFO [playout-loa-0002] SessionPlayer: Station loa-0002 finished a-1:"
                        + " 1 played, 1 not played (OUTPUT_FAILED)",
                "2026-12-01 09:24:16.000000 ERROR [alerts-loa-0003] AlertKeeper: Station loa-0003 cannot fetch the audio"
                        + " of alert a-1 (canh-bao-lu: not fetched within 10 s); it says its built-in announcement instead"));
        assertEquals(Set.of("loa-0001"), log.following("thon-bao-dong"));
        var steps = log.stages("a-1", "canh-bao-lu").get("loa-0001");
        assertEquals(StationLog.instant("2026-12-01 09:24:15.500000"), steps.get(StationLog.Stage.RECEIVED));
        assertEquals(StationLog.instant("2026-12-01 09:24:15.750000"), steps.get(StationLog.Stage.FETCHED),
                "a fetch before the alert came is another one");
        assertEquals(StationLog.instant("2026-12-01 09:24:15.750100"), steps.get(StationLog.Stage.SUBMITTED));
        assertEquals(StationLog.instant("2026-12-01 09:24:15.760000"), steps.get(StationLog.Stage.RELAY_ON));
        assertEquals(new StationLog.Finished(2, 0, null), log.finished("a-1").get("loa-0001"));
        assertEquals(new StationLog.Finished(1, 1, "OUTPUT_FAILED"), log.finished("a-1").get("loa-0002"));
        assertEquals(Set.of("loa-0003"), log.fellShort("a-1"));
    }

    @Test
    void aLightStationReadsTheAlertItNamesFromTheSignedBody() {
        String body = "{\"type\":\"alert\",\"payload\":{\"id\":\"a-1\",\"cancelled\":false,\"items\":"
                + "[{\"url\":\"http://127.0.0.1:1/content/ab\",\"sha256\":\"ab\"}]}}";
        String envelope = "{\"schema\":1,\"keyId\":\"k\",\"body\":\"" + Base64.getUrlEncoder().withoutPadding()
                .encodeToString(body.getBytes(StandardCharsets.UTF_8)) + "\",\"signature\":\"x\"}";
        assertEquals(Optional.of(new LightStations.Announced("a-1", false, "http://127.0.0.1:1/content/ab", "ab")),
                LightStations.Announced.read(envelope.getBytes(StandardCharsets.UTF_8)));
        assertEquals(Optional.empty(), LightStations.Announced.read(new byte[0]), "a cleared retained alert");
        assertEquals(Optional.empty(), LightStations.Announced.read("not json".getBytes()));
    }

    @Test
    void theAgentsJvmIsReadFromItsUnitAsSystemdExpandsIt() throws Exception {
        AgentJvm jvm = AgentJvm.parse("""
                [Service]
                Environment="OPTS=-XX:+UseSerialGC -Xmx64m  -XX:SharedArchiveFile=/opt/loalang/a.jsa" MALLOC_ARENA_MAX=2
                Environment=ONE=-Xss256k
                ExecStart=/usr/bin/java $OPTS ${ONE} -jar /opt/loalang/agent.jar --config /etc/loalang/station.json
                ExecStopPost=/usr/bin/java -Xmx32m -jar /opt/loalang/agent.jar --relays-off
                """);

        assertEquals(List.of("-XX:+UseSerialGC", "-Xmx64m", "-XX:SharedArchiveFile=/opt/loalang/a.jsa", "-Xss256k"),
                jvm.options());
        assertEquals("2", jvm.environment().get("MALLOC_ARENA_MAX"));
        assertEquals(Optional.of("/opt/loalang/a.jsa"), jvm.archive());
        assertEquals("-XX:SharedArchiveFile=" + java.nio.file.Path.of("/tmp/b.jsa"),
                jvm.withArchive(java.nio.file.Path.of("/tmp/b.jsa")).options().get(2));
        assertThrows(BenchException.class, () -> AgentJvm.parse("ExecStart=/usr/bin/java $NOPE -jar a.jar"));
        assertThrows(BenchException.class, () -> AgentJvm.parse("ExecStart=/usr/bin/java -Xmx64m a.jar"));
    }

    @Test
    void theShippedUnitIsOneTheBenchCanRead() throws Exception {
        AgentJvm jvm = AgentJvm.fromUnit(java.nio.file.Path.of("../station-agent/src/main/dist/loalang-agent.service"));

        assertTrue(jvm.options().contains("-XX:+UseSerialGC"), jvm.options().toString());
        assertTrue(jvm.archive().isPresent(), "the bench builds and uses a class-data archive as the Pi does");
    }

    @Test
    void aThreadDumpLineGivesTheKernelsIdOfItsThreadInJava17sHexAndJava21sDecimal() {
        assertEquals(0x1f3e, ThreadPriority.kernelId("\"MQTT Call: loalang-loa-0001\" #123 daemon prio=5 os_prio=0"
                + " cpu=12.50ms elapsed=30.01s tid=0x00007f2c4c01e800 nid=0x1f3e waiting on condition  [0x00007f2c]"));
        assertEquals(8003, ThreadPriority.kernelId("\"alerts-loa-0001\" #40 daemon prio=5 os_prio=0 cpu=1.00ms"
                + " elapsed=3.00s tid=0x00007f2c4c01e800 nid=8003 waiting on condition  [0x00007f2c]"));
        assertEquals(-1, ThreadPriority.kernelId("   java.lang.Thread.State: WAITING (parking)"));
    }
}
