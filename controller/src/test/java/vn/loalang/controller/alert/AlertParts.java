package vn.loalang.controller.alert;

import vn.loalang.controller.audit.AuditLog;
import vn.loalang.controller.directory.Commune;
import vn.loalang.controller.directory.Directory;
import vn.loalang.controller.store.Store;
import vn.loalang.protocol.SchemaVersion;
import vn.loalang.protocol.Topics;
import vn.loalang.protocol.alert.Alert;
import vn.loalang.protocol.alert.AlertPriority;
import vn.loalang.protocol.signing.Ed25519Keys;
import vn.loalang.protocol.signing.EnvelopeSigner;
import vn.loalang.protocol.signing.EnvelopeVerifier;
import vn.loalang.protocol.signing.MessageType;
import vn.loalang.protocol.station.EventType;
import vn.loalang.protocol.station.StationEvent;
import vn.loalang.protocol.testing.ManualClock;

import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The alert path's parts on a real SQLite store, for the tests of one part each: a commune of two
 * villages (thon-dong with one station, thon-tay with two), a signer, and a publisher that keeps
 * what it was given (or refuses it while {@link #brokerDown} is set).
 */
final class AlertParts implements AutoCloseable {
    static final Instant T0 = Instant.parse("2026-11-30T14:00:00Z");
    static final Topics TOPICS = Topics.defaults();

    record Sent(String topic, byte[] payload, boolean retained) {
    }

    final ManualClock clock = new ManualClock(T0);
    final KeyPair keys = Ed25519Keys.generate();
    final List<Sent> sent = new CopyOnWriteArrayList<>();
    final AtomicBoolean brokerDown = new AtomicBoolean();
    final Store store;
    final AuditLog audit = new AuditLog(clock);
    final Directory directory;
    final AlertStore alerts;
    final AlertDispatcher dispatcher;
    final DeliveryTracker tracker;
    private long seq;

    AlertParts(Path dir) {
        store = Store.open(dir.resolve("loalang.db"));
        Commune seed = new Commune(new Commune.Settings("xa-an-binh", "Xã An Bình", null, null, null),
                List.of(new Commune.Village("thon-dong", "Thôn Đông", null),
                        new Commune.Village("thon-tay", "Thôn Tây", null)),
                List.of(new Commune.Station("thon-dong-1", null, "thon-dong"),
                        new Commune.Station("thon-tay-1", null, "thon-tay"),
                        new Commune.Station("thon-tay-2", null, "thon-tay")),
                List.of(), null);
        directory = Directory.open(store, audit, clock, null, seed, null);
        alerts = new AlertStore(store, audit, directory::current);
        dispatcher = new AlertDispatcher(alerts, clock, directory::current, TOPICS,
                new EnvelopeSigner("k1", keys.getPrivate(), clock), (topic, payload, retained) -> {
                    if (brokerDown.get()) {
                        throw new IllegalStateException("the broker is not connected");
                    }
                    sent.add(new Sent(topic, payload, retained));
                });
        tracker = new DeliveryTracker(alerts, clock);
    }

    /** An alert {@code id} for {@code villages}, stored with every station of them PENDING, as the trigger stores it. */
    Alert stored(String id, List<String> villages) {
        Alert a = new Alert(SchemaVersion.CURRENT, id, villages.get(0), AlertPriority.EMERGENCY, "Nước lũ", "lũ về đêm", clock.instant(),
                clock.instant().plus(Duration.ofMinutes(20)), null, List.of(), 2, 10, false);
        List<String> stations = directory.current().stations().stream().filter(s -> villages.contains(s.village()))
                .map(Commune.Station::id).toList();
        alerts.add("van.thu", a, villages, dispatcher.sign(a, villages, false), stations, "nuoc-lu");
        return a;
    }

    void event(String station, EventType type, String session, String reason) {
        tracker.onEvent(new StationEvent(SchemaVersion.CURRENT, station, "boot-1", ++seq, clock.instant(), type, session,
                null, null, reason, null, null));
    }

    Map<String, String> statuses(String id) {
        Map<String, String> out = new java.util.TreeMap<>();
        alerts.status(id).orElseThrow().deliveries().forEach(d -> out.put(d.stationId(), d.status()));
        return out;
    }

    Alert verify(Sent s) throws Exception {
        EnvelopeVerifier verifier = new EnvelopeVerifier(Map.of("k1", keys.getPublic()), clock, Duration.ofMinutes(5));
        return verifier.verify(s.topic(), MessageType.ALERT, s.payload(), Alert.class).payload();
    }

    /** The audit log's newest entries, as "actor action target". */
    List<String> auditActions() {
        return store.query(c -> audit.latest(c, 200)).stream().map(e -> e.actor() + " " + e.action() + " " + e.target())
                .toList();
    }

    @Override
    public void close() {
        store.close();
    }
}
