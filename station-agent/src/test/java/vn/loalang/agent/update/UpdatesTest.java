package vn.loalang.agent.update;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vn.loalang.protocol.signing.Ed25519Keys;
import vn.loalang.protocol.signing.ReleaseSignature;
import vn.loalang.protocol.station.Command;
import vn.loalang.protocol.station.EventReason;
import vn.loalang.protocol.station.Release;
import vn.loalang.protocol.station.StationEvent;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The agent's half of an update, on its real files: a version on trial that does not pass its
 * self-test ends itself at the bound (for the start script to roll back) and never marks itself
 * healthy; one that passes marks itself and answers the UPDATE; the start script's verdict is
 * answered by the version that runs next; releases that must not be installed are refused at once.
 */
class UpdatesTest {
    private static final String SHA = "3b1f6a1c0065eeb08041daf5b029b610c3886169b315efec9627602e2cfb0fa6";

    @TempDir
    Path dir;
    private final KeyPair releaseKey = Ed25519Keys.generate();
    private final List<StationEvent.Draft> recorded = new CopyOnWriteArrayList<>();
    private final AtomicLong restartedAt = new AtomicLong();
    private volatile List<String> selfTest = List.of();
    private volatile boolean supervised = true;
    private Updates updates;

    private Updates updates(String version) {
        UpdateConfig config = new UpdateConfig(Map.of("release-k1", Ed25519Keys.publicPem(releaseKey.getPublic())), 30L);
        updates = new Updates("thon-dong-1", version, new UpdateFiles(dir), config, null, new Updates.Station() {
            @Override
            public void record(StationEvent.Draft event) {
                recorded.add(event);
            }

            @Override
            public boolean connected() {
                return true;
            }

            @Override
            public boolean reported() {
                return true;
            }

            @Override
            public List<String> selfTest() {
                return selfTest;
            }

            @Override
            public boolean supervised() {
                return supervised;
            }

            @Override
            public void restart() {
                restartedAt.set(System.nanoTime());
            }
        });
        return updates;
    }

    @AfterEach
    void close() {
        if (updates != null) {
            updates.close();
        }
    }

    @Test
    void aVersionThatFailsItsSelfTestEndsItselfAtTheBoundAndIsNeverMarkedHealthy() throws Exception {
        Files.writeString(dir.resolve("trial"), "2.0.0\n");
        selfTest = List.of("relay amp is ON while nothing plays");
        long started = System.nanoTime();
        updates("2.0.0").start();

        await("the trial ends").atMost(Duration.ofSeconds(45)).until(() -> restartedAt.get() != 0);
        assertTrue(Duration.ofNanos(restartedAt.get() - started).toSeconds() >= 29, "not before update.trialSeconds");
        assertFalse(Files.exists(dir.resolve("healthy")));
        assertEquals(List.of(), recorded, "the UPDATE is answered by the version the station goes back to");
    }

    @Test
    void aVersionThatPassesMarksItselfHealthyAndAnswersTheUpdate() throws Exception {
        Files.writeString(dir.resolve("trial"), "2.0.0\n");
        Files.writeString(dir.resolve("pending"), "c-up-2\n");
        updates("2.0.0").start();

        await().until(() -> Files.exists(dir.resolve("healthy")));
        assertEquals("2.0.0", Files.readString(dir.resolve("healthy")).strip());
        await().until(() -> !recorded.isEmpty());
        assertEquals("c-up-2", recorded.get(0).sessionId());
        assertEquals(null, recorded.get(0).reason());
        assertFalse(Files.exists(dir.resolve("pending")));
        assertEquals(0, restartedAt.get());
    }

    @Test
    void theStartScriptsRollbackIsAnsweredByTheVersionItWentBackTo() throws Exception {
        Files.writeString(dir.resolve("result"), "ROLLED_BACK 3.0.0 2.0.0\n");
        Files.writeString(dir.resolve("pending"), "c-up-3\n");
        updates("2.0.0").start();

        assertEquals(1, recorded.size());
        assertEquals("c-up-3", recorded.get(0).sessionId());
        assertEquals(EventReason.ROLLED_BACK.name(), recorded.get(0).reason());
        assertTrue(recorded.get(0).detail().contains("rolled back to 2.0.0"), recorded.get(0).detail());
        assertFalse(Files.exists(dir.resolve("result")) || Files.exists(dir.resolve("pending")), "answered once");
    }

    @Test
    void releasesThatMustNotBeInstalledAreRefusedAtOnce() {
        updates("2.0.0");
        updates.offer(update("c-1", "2.1.0", "another-key", releaseKey));
        updates.offer(update("c-2", "2.1.0", "release-k1", Ed25519Keys.generate()));
        updates.offer(update("c-3", "2.0.0", "release-k1", releaseKey));
        supervised = false;
        updates.offer(update("c-4", "2.1.0", "release-k1", releaseKey));

        assertEquals(List.of("c-1 RELEASE_REFUSED", "c-2 RELEASE_REFUSED", "c-3 RELEASE_REFUSED", "c-4 NOT_SUPERVISED"),
                recorded.stream().map(e -> e.sessionId() + " " + e.reason()).toList());
        assertFalse(Files.exists(dir.resolve("staged")));
        assertEquals(0, restartedAt.get());
    }

    private static Command update(String id, String version, String keyId, KeyPair signer) {
        Release r = new Release(version, "http://127.0.0.1:9/agent.jar", 100, SHA, keyId,
                ReleaseSignature.sign(signer.getPrivate(), version, SHA, 100));
        return Command.update(id, "thon-dong-1", r, Instant.now(), Instant.now().plusSeconds(60));
    }
}
