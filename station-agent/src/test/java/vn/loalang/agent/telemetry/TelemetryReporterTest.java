package vn.loalang.agent.telemetry;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import vn.loalang.protocol.SchemaVersion;
import vn.loalang.protocol.station.Telemetry;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Telemetry on a metered SIM: whole snapshots, but only when the interval is over or something a
 * technician acts on changed; readings that drift (load, temperature) wait for the interval.
 */
class TelemetryReporterTest {
    private final List<Telemetry> sent = new CopyOnWriteArrayList<>();
    private volatile boolean relayOn;
    private volatile double load = 0.1;
    private volatile List<String> notReady = List.of();
    private TelemetryReporter reporter;

    @AfterEach
    void stop() {
        if (reporter != null) {
            reporter.close();
        }
    }

    private Telemetry snapshot() {
        return new Telemetry(SchemaVersion.CURRENT, "st-1", "boot-1", "1.0", Instant.now(), 10, 50.0, load, 300L, 5000L,
                "cellular", null, 3L, Map.of("amp", relayOn), Map.of(), relayOn ? "playing" : "idle", notReady.isEmpty(),
                notReady, 0, null, null, 7L, 330);
    }

    private TelemetryReporter start(Duration interval, Duration look) {
        reporter = new TelemetryReporter("st-1", this::snapshot, sent::add, interval, look);
        reporter.start();
        return reporter;
    }

    @Test
    void driftingReadingsWaitForTheIntervalAndAChangeATechnicianActsOnGoesAtTheNextLook() {
        start(Duration.ofSeconds(3), Duration.ofMillis(100));
        await("the first snapshot at start").atMost(Duration.ofSeconds(2)).until(() -> sent.size() == 1);

        load = 0.9;
        await("the load alone sends nothing before the interval").during(Duration.ofMillis(1200))
                .atMost(Duration.ofSeconds(2)).until(() -> sent.size() == 1);

        notReady = List.of("s1/gia-lua");
        await("content missing for the next session goes at once").atMost(Duration.ofSeconds(1))
                .until(() -> sent.size() == 2);
        assertEquals(List.of("s1/gia-lua"), sent.get(1).notReady());
        assertEquals(0.9, sent.get(1).load1(), "every snapshot is whole: the load rides along");

        await("the interval brings the next whole snapshot").atMost(Duration.ofSeconds(5)).until(() -> sent.size() == 3);
        assertEquals(3, reporter.sent());
    }

    @Test
    void beingToldOfAChangeSendsAtOnceEvenWhenTheLooksAreRare() {
        start(Duration.ofSeconds(60), Duration.ofSeconds(60));
        await().atMost(Duration.ofSeconds(2)).until(() -> sent.size() == 1);
        relayOn = true;
        reporter.changed();
        await("told: sent at once").atMost(Duration.ofSeconds(1)).until(() -> sent.size() == 2);
        assertEquals(Map.of("amp", true), sent.get(1).relays());
    }

    @Test
    void theLookIsNeverLongerThanTheInterval() {
        TelemetryConfig c = new TelemetryConfig(10L, 60L);
        assertEquals(Duration.ofSeconds(10), c.look());
        assertEquals(Duration.ofSeconds(300), new TelemetryConfig(null).interval(), "the default interval");
        assertEquals(Duration.ofSeconds(30), new TelemetryConfig(null).look(), "the default look");
    }
}
