package vn.loalang.controller.api;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vn.loalang.controller.testing.ApiClient.Answer;
import vn.loalang.controller.testing.ReleaseFiles;
import vn.loalang.protocol.Topics;
import vn.loalang.protocol.signing.Ed25519Keys;
import vn.loalang.protocol.signing.EnvelopeVerifier;
import vn.loalang.protocol.signing.MessageType;
import vn.loalang.protocol.signing.RejectedMessageException;
import vn.loalang.protocol.signing.ReleaseSignature;
import vn.loalang.protocol.station.Command;
import vn.loalang.protocol.station.CommandAction;
import vn.loalang.protocol.station.EventReason;
import vn.loalang.protocol.station.EventType;
import vn.loalang.protocol.station.Release;
import vn.loalang.protocol.station.StationEvent;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A technician uploads a release signed with the commune's release key, then rolls it out: to one
 * station, to a village, to all. Each station gets its own UPDATE, signed by the controller, carrying
 * the release's own signature and naming the controller's content server, which serves the jar over
 * real HTTP. A rollout halts itself when a station rolls back. Nothing goes out by omission.
 */
class UpdateRolloutApiTest {
    private static final String ADMIN_PASSWORD = "admin-password-1";

    @TempDir
    Path dir;
    private ApiFixture fixture;
    private String admin;
    private final KeyPair releaseKey = Ed25519Keys.generate();
    private Path jar;
    private Release release;

    @BeforeEach
    void start() throws Exception {
        fixture = new ApiFixture(dir, Clock.systemUTC(), ADMIN_PASSWORD);
        admin = fixture.api.login("admin", ADMIN_PASSWORD);
        ReleaseFiles.trust(fixture.releaseKeys.dir(), "release-2026", releaseKey);
        jar = ReleaseFiles.jar(dir.resolve("agent-1.4.0.jar"), "1.4.0");
        Answer up = fixture.api.uploadRelease(admin, jar, ReleaseFiles.sign(jar, "1.4.0", "release-2026", releaseKey));
        assertEquals(201, up.status(), String.valueOf(up.json()));
        release = fixture.rollouts.releases().byVersion("1.4.0").map(r -> vn.loalang.controller.update.AgentReleases
                .offer(r, fixture.api.uri("/"))).orElseThrow();
    }

    @AfterEach
    void stop() {
        fixture.close();
    }

    @Test
    void oneStationThenAVillageThenAll() throws Exception {
        Answer one = fixture.api.call("POST", "/api/stations/thon-dong-1/commands", admin,
                Map.of("action", "UPDATE", "release", release));
        assertEquals(201, one.status(), one.json().toString());
        assertEquals("STATION", one.json().get("scope").asText());
        assertEquals(List.of("thon-dong-1"), updatesSentTo());
        answer(1, null);

        Answer village = fixture.api.call("POST", "/api/updates", admin, Map.of("version", "1.4.0", "village", "thon-tay"));
        assertEquals(201, village.status(), village.json().toString());
        assertEquals(1, village.json().get("stations").size());
        assertEquals(List.of("thon-dong-1", "thon-tay-1"), updatesSentTo());
        answer(2, null);

        Answer all = fixture.api.call("POST", "/api/updates", admin, Map.of("release", release, "all", true));
        assertEquals(201, all.status(), all.json().toString());
        assertEquals(List.of("thon-dong-1", "thon-tay-1"), stationsOf(all.json()));
        assertEquals(List.of("thon-dong-1", "thon-tay-1", "thon-dong-1"), updatesSentTo(), "one station first");
        // The station already runs it and says so: counted as adopted, and the next one goes.
        answer(3, "agent 1.4.0 already runs here; nothing to install");
        assertEquals(List.of("thon-dong-1", "thon-tay-1", "thon-dong-1", "thon-tay-1"), updatesSentTo());
        answer(4, null);
        JsonNode done = fixture.api.call("GET", "/api/updates/" + all.json().get("id").asText(), admin, null).json();
        assertEquals("DONE", done.get("status").asText(), done.toString());
    }

    @Test
    void theStationDownloadsTheJarFromTheControllerAsItDownloadsAudio() throws Exception {
        fixture.api.call("POST", "/api/updates", admin, Map.of("version", "1.4.0", "village", "thon-dong"));
        Release sent = sentCommands().get(0).release();
        assertTrue(sent.url().startsWith("http://127.0.0.1:" + fixture.server.port() + "/content/"), sent.url());
        HttpResponse<byte[]> got = fixture.api.getBytes(java.net.URI.create(sent.url()).getPath());
        assertEquals(200, got.statusCode());
        assertArrayEquals(Files.readAllBytes(jar), got.body(), "the very bytes signed");
        assertEquals(sent.size(), got.body().length);
        assertTrue(ReleaseSignature.verify(releaseKey.getPublic(), sent.version(), sent.sha256(), sent.size(),
                sent.signature()), "the release key's signature travels unchanged");
        assertEquals(404, fixture.api.getBytes("/content/" + "0".repeat(64)).statusCode());
    }

    @Test
    void aRollbackHaltsTheRolloutUntilATechnicianResumesOrAbandonsIt() throws Exception {
        Answer all = fixture.api.call("POST", "/api/updates", admin, Map.of("version", "1.4.0", "all", true));
        String id = all.json().get("id").asText();
        assertEquals(List.of("thon-dong-1"), updatesSentTo(), "the first station alone");
        answerRolledBack(1);

        JsonNode halted = fixture.api.call("GET", "/api/updates/" + id, admin, null).json();
        assertEquals("HALTED", halted.get("status").asText(), halted.toString());
        assertTrue(halted.get("reason").asText().contains("thon-dong-1 rolled back"), halted.toString());
        assertEquals("ROLLED_BACK", halted.get("stations").get(0).get("state").asText());
        assertEquals("WAITING", halted.get("stations").get(1).get("state").asText());
        assertEquals(List.of("thon-dong-1"), updatesSentTo(), "nothing more went out: thon-tay stays on its version");

        Answer again = fixture.api.call("POST", "/api/updates", admin, Map.of("version", "1.4.0", "village", "thon-tay"));
        assertEquals(409, again.status(), "no new rollout of a halted release");
        assertTrue(again.json().get("message").asText().contains("halted"), again.json().toString());

        JsonNode resumed = fixture.api.call("POST", "/api/updates/" + id + "/resume", admin, null).json();
        assertEquals("RUNNING", resumed.get("status").asText(), resumed.toString());
        assertEquals(List.of("thon-dong-1", "thon-tay-1"), updatesSentTo(), "resumed: the waiting station goes");
        assertEquals("ROLLED_BACK", resumed.get("stations").get(0).get("state").asText(), "not tried again");
        answerRolledBack(2);
        assertEquals("HALTED", fixture.api.call("GET", "/api/updates/" + id, admin, null).json().get("status").asText());

        JsonNode abandoned = fixture.api.call("POST", "/api/updates/" + id + "/abandon", admin, null).json();
        assertEquals("ABANDONED", abandoned.get("status").asText(), abandoned.toString());
        assertEquals(409, fixture.api.call("POST", "/api/updates/" + id + "/resume", admin, null).status());
        assertEquals(201, fixture.api.call("POST", "/api/updates", admin, Map.of("version", "1.4.0", "village",
                "thon-tay")).status(), "once abandoned, the technician may try again");
    }

    @Test
    void nothingGoesOutByOmission() throws Exception {
        assertEquals(400, fixture.api.call("POST", "/api/updates", admin, Map.of("release", release)).status(),
                "neither a station, a village nor all");
        assertEquals(400, fixture.api.call("POST", "/api/updates", admin, Map.of("release", release, "village",
                "thon-tay", "all", true)).status(), "both");
        assertEquals(400, fixture.api.call("POST", "/api/updates", admin, Map.of("village", "thon-tay")).status(),
                "no release");
        Answer noRelease = fixture.api.call("POST", "/api/stations/thon-dong-1/commands", admin, Map.of("action", "UPDATE"));
        assertEquals(400, noRelease.status());
        assertEquals("release", noRelease.json().get("field").asText());
        assertEquals(404, fixture.api.call("POST", "/api/updates", admin, Map.of("release", release, "village",
                "thon-khong-co")).status());
        assertEquals(404, fixture.api.call("POST", "/api/updates", admin, Map.of("version", "9.9.9", "all", true)).status(),
                "a release never uploaded");
        Release elsewhere = new Release("1.4.1", "https://example.org/agent.jar", release.size(),
                "1".repeat(64), "release-2026", ReleaseSignature.sign(releaseKey.getPrivate(), "1.4.1", "1".repeat(64),
                release.size()));
        Answer notUploaded = fixture.api.call("POST", "/api/updates", admin, Map.of("release", elsewhere, "all", true));
        assertEquals(409, notUploaded.status(), "stations download only from the controller");
        assertEquals(List.of(), updatesSentTo());
    }

    /** The n-th UPDATE sent is answered by its station: done (detail null), or refused as already running. */
    private void answer(int n, String alreadyRunning) throws Exception {
        Command c = sentCommands().get(n - 1);
        StationEvent.Draft draft = StationEvent.of(EventType.COMMAND_DONE).session(c.id());
        if (alreadyRunning != null) {
            draft = draft.reason(EventReason.RELEASE_REFUSED).detail("UPDATE: " + alreadyRunning);
        }
        fixture.rollouts.onEvent(draft.numbered(c.stationId(), "s-1", n, Instant.now()));
    }

    private void answerRolledBack(int n) throws Exception {
        Command c = sentCommands().get(n - 1);
        fixture.rollouts.onEvent(StationEvent.of(EventType.COMMAND_DONE).session(c.id()).reason(EventReason.ROLLED_BACK)
                .detail("UPDATE: agent 1.4.0 did not connect, report and pass its self-test in time; rolled back to 1.3.0")
                .numbered(c.stationId(), "s-1", n, Instant.now()));
    }

    /** Each published UPDATE, verified as a station verifies it. */
    private List<Command> sentCommands() throws RejectedMessageException {
        EnvelopeVerifier verifier = new EnvelopeVerifier(Map.of("k1", fixture.signingKey.getPublic()), Clock.systemUTC(),
                Duration.ofMinutes(5));
        List<Command> out = new java.util.ArrayList<>();
        for (Map.Entry<String, byte[]> e : fixture.commandsPublished) {
            Command c = verifier.verify(e.getKey(), MessageType.COMMAND, e.getValue(), Command.class).payload();
            assertEquals(Topics.defaults().command(c.stationId()), e.getKey());
            assertEquals(CommandAction.UPDATE, c.actionCode());
            out.add(c);
        }
        return out;
    }

    /** The stations each published UPDATE was for, with the release as uploaded and served by the controller. */
    private List<String> updatesSentTo() throws RejectedMessageException {
        return sentCommands().stream().peek(c -> assertEquals(release, c.release())).map(Command::stationId).toList();
    }

    private static List<String> stationsOf(JsonNode rollout) {
        return java.util.stream.StreamSupport.stream(rollout.get("stations").spliterator(), false)
                .map(s -> s.get("stationId").asText()).toList();
    }
}
