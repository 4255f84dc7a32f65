package vn.loalang.controller.api;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vn.loalang.controller.testing.ApiClient.Answer;
import vn.loalang.protocol.Topics;
import vn.loalang.protocol.signing.Ed25519Keys;
import vn.loalang.protocol.signing.EnvelopeVerifier;
import vn.loalang.protocol.signing.MessageType;
import vn.loalang.protocol.signing.RejectedMessageException;
import vn.loalang.protocol.signing.ReleaseSignature;
import vn.loalang.protocol.station.Command;
import vn.loalang.protocol.station.CommandAction;
import vn.loalang.protocol.station.Release;

import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A technician offers a signed agent release: to one station, to a village, to all. Each station gets
 * its own UPDATE, signed by the controller, carrying the release unchanged (the controller cannot sign
 * a release: only pass on one signed where the build is made). Nothing goes out by omission.
 */
class UpdateRolloutApiTest {
    private static final String ADMIN_PASSWORD = "admin-password-1";
    private static final String SHA = "3b1f6a1c0065eeb08041daf5b029b610c3886169b315efec9627602e2cfb0fa6";

    @TempDir
    Path dir;
    private ApiFixture fixture;
    private String admin;
    private final KeyPair releaseKey = Ed25519Keys.generate();
    private Release release;

    @BeforeEach
    void start() throws Exception {
        fixture = new ApiFixture(dir, Clock.systemUTC(), ADMIN_PASSWORD);
        admin = fixture.api.login("admin", ADMIN_PASSWORD);
        release = new Release("1.4.0", "https://dieu-khien.xa-an-binh.vn:8443/releases/agent-1.4.0.jar", 24_000_000,
                SHA, "release-2026", ReleaseSignature.sign(releaseKey.getPrivate(), "1.4.0", SHA, 24_000_000));
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
        assertEquals("UPDATE", one.json().get("action").asText());
        assertEquals(List.of("thon-dong-1"), updatesSentTo());

        Answer village = fixture.api.call("POST", "/api/updates", admin, Map.of("release", release, "village", "thon-tay"));
        assertEquals(201, village.status(), village.json().toString());
        assertEquals(1, village.json().size());
        assertEquals(List.of("thon-dong-1", "thon-tay-1"), updatesSentTo());

        Answer all = fixture.api.call("POST", "/api/updates", admin, Map.of("release", release, "all", true));
        assertEquals(201, all.status(), all.json().toString());
        assertEquals(List.of("thon-dong-1", "thon-tay-1"), stationsOf(all.json()));
        assertEquals(List.of("thon-dong-1", "thon-tay-1", "thon-dong-1", "thon-tay-1"), updatesSentTo());
    }

    @Test
    void nothingGoesOutByOmission() throws Exception {
        assertEquals(400, fixture.api.call("POST", "/api/updates", admin, Map.of("release", release)).status(),
                "neither a village nor all");
        assertEquals(400, fixture.api.call("POST", "/api/updates", admin, Map.of("release", release, "village",
                "thon-tay", "all", true)).status(), "both");
        assertEquals(400, fixture.api.call("POST", "/api/updates", admin, Map.of("village", "thon-tay")).status(),
                "no release");
        Answer noRelease = fixture.api.call("POST", "/api/stations/thon-dong-1/commands", admin, Map.of("action", "UPDATE"));
        assertEquals(400, noRelease.status());
        assertEquals("release", noRelease.json().get("field").asText());
        assertEquals(404, fixture.api.call("POST", "/api/updates", admin, Map.of("release", release, "village",
                "thon-khong-co")).status());
        assertEquals(List.of(), updatesSentTo());
    }

    /** The stations each published UPDATE was for, verified as a station verifies it, with the release intact. */
    private List<String> updatesSentTo() throws RejectedMessageException {
        EnvelopeVerifier verifier = new EnvelopeVerifier(Map.of("k1", fixture.signingKey.getPublic()), Clock.systemUTC(),
                Duration.ofMinutes(5));
        List<String> stations = new java.util.ArrayList<>();
        for (Map.Entry<String, byte[]> e : fixture.commandsPublished) {
            Command c = verifier.verify(e.getKey(), MessageType.COMMAND, e.getValue(), Command.class).payload();
            assertEquals(Topics.defaults().command(c.stationId()), e.getKey());
            assertEquals(CommandAction.UPDATE, c.actionCode());
            assertEquals(release, c.release());
            stations.add(c.stationId());
        }
        return stations;
    }

    private static List<String> stationsOf(JsonNode sent) {
        return java.util.stream.StreamSupport.stream(sent.spliterator(), false).map(s -> s.get("stationId").asText()).toList();
    }

}
