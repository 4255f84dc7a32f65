package vn.loalang.controller.update;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vn.loalang.controller.audit.AuditLog;
import vn.loalang.controller.directory.Commune;
import vn.loalang.controller.store.Store;
import vn.loalang.controller.testing.ReleaseFiles;
import vn.loalang.protocol.signing.Ed25519Keys;
import vn.loalang.protocol.station.EventReason;
import vn.loalang.protocol.station.EventType;
import vn.loalang.protocol.station.Presence;
import vn.loalang.protocol.station.Release;
import vn.loalang.protocol.station.StationEvent;
import vn.loalang.protocol.station.StationState;

import java.net.URI;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A rollout on a real SQLite store, over a village of six stations: how many UPDATEs it has in flight,
 * what it does with stations that already run the release or are off, a station that never answers,
 * and that a restart of the controller forgets neither a halt nor what was sent.
 */
class RolloutsTest {
    @TempDir
    Path dir;
    private final KeyPair releaseKey = Ed25519Keys.generate();
    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-06T08:00:00Z"));
    private final List<String> sent = new CopyOnWriteArrayList<>();
    private final List<String> commandIds = new CopyOnWriteArrayList<>();
    private final Map<String, StationState> states = new ConcurrentHashMap<>();
    private Store store;
    private Rollouts rollouts;

    @BeforeEach
    void open() throws Exception {
        store = Store.open(dir.resolve("loalang.db"));
        rollouts = rollouts();
        ReleaseFiles.trust(dir.resolve("keys/releases"), "release", releaseKey);
        Path jar = ReleaseFiles.jar(dir.resolve("agent.jar"), "2.0.0");
        rollouts.releases().upload("ky.thuat", jar, ReleaseFiles.sign(jar, "2.0.0", "release", releaseKey));
    }

    @AfterEach
    void close() {
        rollouts.close();
        store.close();
    }

    private Rollouts rollouts() {
        AuditLog audit = new AuditLog(clock);
        List<Commune.Station> stations = IntStream.rangeClosed(1, 6)
                .mapToObj(i -> new Commune.Station("thon-dong-" + i, "Cụm " + i, "thon-dong")).toList();
        Commune commune = new Commune(new Commune.Settings("xa-an-binh", "Xã An Bình", null, null, null),
                List.of(new Commune.Village("thon-dong", "Thôn Đông", null, null, List.of("99999"))), stations, List.of(),
                new Commune.Program(List.of(), List.of()));
        return new Rollouts(store, audit, clock, () -> commune,
                new AgentReleases(store, audit, clock, ReleaseKeys.in(dir), dir.resolve("releases")),
                () -> URI.create("https://192.168.1.10:8443"), id -> Optional.ofNullable(states.get(id)),
                (actor, station, release) -> {
                    assertEquals("https://192.168.1.10:8443/content/" + release.sha256(), release.url());
                    sent.add(station);
                    String id = "c-" + commandIds.size();
                    commandIds.add(id);
                    return id;
                });
    }

    @Test
    void oneFirstThenAsManyAtOnceAsHaveAdoptedIt() {
        Rollouts.View r = rollouts.start("ky.thuat", "2.0.0", Rollouts.Scope.VILLAGE, "thon-dong");
        assertEquals(List.of("thon-dong-1"), sent);
        adopted(0, "thon-dong-1");
        assertEquals(List.of("thon-dong-1", "thon-dong-2"), sent, "one adopted: one at a time still");
        adopted(1, "thon-dong-2");
        assertEquals(List.of("thon-dong-1", "thon-dong-2", "thon-dong-3", "thon-dong-4"), sent, "two adopted: two at once");
        adopted(2, "thon-dong-3");
        assertEquals(6, sent.size(), "three adopted, one in flight: two more go");
        assertEquals(Rollouts.Status.RUNNING, rollouts.find(r.id()).status());
        adopted(3, "thon-dong-4");
        adopted(4, "thon-dong-5");
        adopted(5, "thon-dong-6");
        assertEquals(Rollouts.Status.DONE, rollouts.find(r.id()).status());
    }

    @Test
    void aStationOnTrialShowsAsSuchAndOneThatRunsItOrIsOffIsNotSentTo() {
        states.put("thon-dong-1", state("thon-dong-1", Presence.ONLINE, "2.0.0"));
        states.put("thon-dong-2", state("thon-dong-2", Presence.OFFLINE, "1.0.0"));
        states.put("thon-dong-3", state("thon-dong-3", Presence.ONLINE, "1.0.0"));
        Rollouts.View r = rollouts.start("ky.thuat", "2.0.0", Rollouts.Scope.VILLAGE, "thon-dong");
        assertEquals(List.of("thon-dong-3"), sent);
        assertEquals(Rollouts.State.ADOPTED, r.stations().get(0).state(), "it already runs 2.0.0");
        assertEquals(Rollouts.State.SKIPPED, r.stations().get(1).state());
        assertTrue(r.stations().get(1).detail().contains("offline"), r.stations().get(1).detail());
        assertEquals("INSTALLING", r.stations().get(2).phase());
        states.put("thon-dong-3", state("thon-dong-3", Presence.ONLINE, "2.0.0"));
        assertEquals("ON_TRIAL", rollouts.find(r.id()).stations().get(2).phase(), "it restarted into the new version");
    }

    @Test
    void aStationThatNeverAnswersHaltsItAndARestartForgetsNeitherTheHaltNorWhatWasSent() {
        Rollouts.View r = rollouts.start("ky.thuat", "2.0.0", Rollouts.Scope.ALL, null);
        clock.advance(Rollouts.ANSWER_WITHIN.minusMinutes(1));
        rollouts.checkAnswers();
        assertEquals(Rollouts.Status.RUNNING, rollouts.find(r.id()).status());
        clock.advance(Duration.ofMinutes(2));
        rollouts.checkAnswers();
        Rollouts.View halted = rollouts.find(r.id());
        assertEquals(Rollouts.Status.HALTED, halted.status());
        assertEquals(Rollouts.State.NO_ANSWER, halted.stations().get(0).state());
        assertTrue(halted.reason().contains("did not answer"), halted.reason());

        rollouts.close();
        rollouts = rollouts(); // as after a controller restart, on the same store
        assertEquals(Rollouts.Status.HALTED, rollouts.find(r.id()).status());
        assertEquals(List.of("thon-dong-1"), sent, "nothing more sent");
        rollouts.resume("ky.thuat", r.id());
        assertEquals(List.of("thon-dong-1", "thon-dong-2"), sent);
        // A late answer from the silent station changes nothing: its row is settled.
        rollouts.onEvent(StationEvent.of(EventType.COMMAND_DONE).session("c-0").reason(EventReason.ROLLED_BACK)
                .numbered("thon-dong-1", "s-1", 1, clock.instant()));
        assertEquals(Rollouts.Status.RUNNING, rollouts.find(r.id()).status());
    }

    private void adopted(int n, String station) {
        rollouts.onEvent(StationEvent.of(EventType.COMMAND_DONE).session(commandIds.get(n))
                .detail("UPDATE: agent 2.0.0 installed; it connected, reported and passed its self-test")
                .numbered(station, "s-1", n + 1, clock.instant()));
    }

    private StationState state(String station, Presence presence, String version) {
        return new StationState(vn.loalang.protocol.SchemaVersion.CURRENT, station, presence, "boot-1", 1, version,
                clock.instant());
    }

    private static final class MutableClock extends Clock {
        private volatile Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
