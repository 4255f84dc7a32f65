package vn.loalang.controller.api;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vn.loalang.controller.testing.ApiClient.Answer;
import vn.loalang.controller.testing.ReleaseFiles;
import vn.loalang.controller.update.AgentReleases;
import vn.loalang.protocol.Json;
import vn.loalang.protocol.signing.Ed25519Keys;

import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Clock;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A technician uploads an agent release to the controller over real HTTP: kept only when the commune's
 * release key signed exactly that jar, refused with a sentence saying why otherwise, bounded in size,
 * and only by technicians and administrators.
 */
class ReleaseUploadApiTest {
    private static final String ADMIN_PASSWORD = "admin-password-1";

    @TempDir
    Path dir;
    private ApiFixture fixture;
    private String admin;
    private final KeyPair releaseKey = Ed25519Keys.generate();

    @BeforeEach
    void start() throws Exception {
        fixture = new ApiFixture(dir, Clock.systemUTC(), ADMIN_PASSWORD);
        admin = fixture.api.login("admin", ADMIN_PASSWORD);
    }

    @AfterEach
    void stop() {
        fixture.close();
    }

    @Test
    void aReleaseSignedWithTheCommunesKeyIsKeptAndListed() throws Exception {
        ReleaseFiles.trust(fixture.releaseKeys.dir(), "release", releaseKey);
        Path jar = ReleaseFiles.jar(dir.resolve("agent.jar"), "1.4.0");
        Answer up = fixture.api.uploadRelease(admin, jar, ReleaseFiles.sign(jar, "1.4.0", "release", releaseKey));
        assertEquals(201, up.status(), String.valueOf(up.json()));
        assertEquals("1.4.0", up.json().get("version").asText());
        assertEquals(Files.size(jar), up.json().get("size").asLong());
        assertEquals("admin", up.json().get("uploadedBy").asText());

        Answer again = fixture.api.uploadRelease(admin, jar, ReleaseFiles.sign(jar, "1.4.0", "release", releaseKey));
        assertEquals(201, again.status(), "the same release again is the same release: " + again.json());

        JsonNode listed = fixture.api.call("GET", "/api/releases", admin, null).json();
        assertEquals("release", listed.get("releaseKeys").get(0).asText());
        assertEquals(1, listed.get("releases").size());
        assertEquals(up.json().get("sha256"), listed.get("releases").get(0).get("sha256"));

        // A different build that reports the same version.
        Path rebuilt = ReleaseFiles.jar(dir.resolve("rebuilt.jar"), "1.4.0");
        try (var fs = java.nio.file.FileSystems.newFileSystem(rebuilt)) {
            Files.writeString(fs.getPath("/extra.txt"), "another build");
        }
        Answer conflict = fixture.api.uploadRelease(admin, rebuilt, ReleaseFiles.sign(rebuilt, "1.4.0", "release", releaseKey));
        assertEquals(409, conflict.status(), "one version names one build: " + conflict.json());
        assertEquals(1, fixture.rollouts.releases().all().size());
    }

    @Test
    void theFileTheReleaseCommandWritesIsWhatTheControllerTakes() throws Exception {
        Path key = dir.resolve("build-machine/release-signing.pem");
        Files.createDirectories(key.getParent());
        Path jar = ReleaseFiles.jar(dir.resolve("agent.jar"), "1.5.0");
        Path file = dir.resolve("release-1.5.0.json");
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        assertEquals(0, vn.loalang.controller.cli.ReleaseCommand.run(new String[]{"--jar", jar.toString(), "--key",
                key.toString(), "--key-id", "release-2026", "--out", file.toString()}, new java.io.PrintStream(out, true),
                new java.io.PrintStream(out, true)), out.toString());
        assertFalse(Json.mapper().readTree(file.toFile()).has("url"), "no url: the controller names its own");
        // The public half, copied from the build machine to the commune server.
        Files.createDirectories(fixture.releaseKeys.dir());
        Files.copy(vn.loalang.protocol.signing.Ed25519Keys.publicFileFor(key),
                fixture.releaseKeys.dir().resolve("release-2026.pub.pem"));
        Answer up = fixture.api.uploadRelease(admin, jar, Files.readAllBytes(file));
        assertEquals(201, up.status(), String.valueOf(up.json()));
        assertEquals("release-2026", up.json().get("keyId").asText());
    }

    @Test
    void aReleaseNotSignedByAConfiguredReleaseKeyIsRefusedWithTheReason() throws Exception {
        Path jar = ReleaseFiles.jar(dir.resolve("agent.jar"), "1.4.0");
        Answer noKey = fixture.api.uploadRelease(admin, jar, ReleaseFiles.sign(jar, "1.4.0", "release", releaseKey));
        assertEquals(422, noKey.status());
        assertTrue(noKey.json().get("message").asText().contains("no release key"), noKey.json().toString());
        assertTrue(noKey.json().get("message").asText().contains(fixture.releaseKeys.dir().toString()),
                "says where the key goes: " + noKey.json());

        ReleaseFiles.trust(fixture.releaseKeys.dir(), "release", releaseKey);
        KeyPair stranger = Ed25519Keys.generate();
        Answer unknownKey = fixture.api.uploadRelease(admin, jar, ReleaseFiles.sign(jar, "1.4.0", "other-key", stranger));
        assertEquals(422, unknownKey.status());
        assertTrue(unknownKey.json().get("message").asText().contains("not one of this commune's release keys"),
                unknownKey.json().toString());

        Answer forged = fixture.api.uploadRelease(admin, jar, ReleaseFiles.sign(jar, "1.4.0", "release", stranger));
        assertEquals(422, forged.status());
        assertTrue(forged.json().get("message").asText().contains("did not sign this jar"), forged.json().toString());

        byte[] signedForOther = ReleaseFiles.sign(jar, "1.4.0", "release", releaseKey);
        Path tampered = ReleaseFiles.jar(dir.resolve("tampered.jar"), "1.4.0");
        try (var fs = java.nio.file.FileSystems.newFileSystem(tampered)) {
            Files.writeString(fs.getPath("/backdoor.txt"), "added after signing");
        }
        Answer changed = fixture.api.uploadRelease(admin, tampered, signedForOther);
        assertEquals(422, changed.status(), "a jar changed after signing: " + changed.json());

        Path mislabelled = ReleaseFiles.jar(dir.resolve("mislabelled.jar"), "1.5.0");
        Answer wrongVersion = fixture.api.uploadRelease(admin, mislabelled,
                ReleaseFiles.sign(mislabelled, "1.4.0", "release", releaseKey));
        assertEquals(422, wrongVersion.status());
        assertTrue(wrongVersion.json().get("message").asText().contains("reports version 1.5.0"), wrongVersion.json().toString());

        Answer notJson = fixture.api.uploadRelease(admin, jar, "not json".getBytes(StandardCharsets.UTF_8));
        assertEquals(400, notJson.status());

        assertEquals(0, fixture.rollouts.releases().all().size(), "nothing refused is kept");
        try (var left = Files.list(fixture.rollouts.releases().incomingDir())) {
            assertEquals(0, left.count(), "nor left behind");
        }
    }

    @Test
    void anUploadLargerThanAJarCanBeIsRefusedUnread() throws Exception {
        ReleaseFiles.trust(fixture.releaseKeys.dir(), "release", releaseKey);
        try (Socket s = new Socket("127.0.0.1", fixture.server.port())) {
            s.getOutputStream().write(("POST /api/releases HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + admin
                    + "\r\nContent-Type: multipart/form-data; boundary=x\r\nContent-Length: "
                    + (AgentReleases.MAX_JAR_BYTES + 1024 * 1024) + "\r\n\r\n--x\r\n").getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            String answer = new String(s.getInputStream().readNBytes(12), StandardCharsets.US_ASCII);
            assertEquals("HTTP/1.1 413", answer);
        }
    }

    @Test
    void onlyTechniciansAndAdministratorsSeeOrUploadReleases() throws Exception {
        Answer created = fixture.api.call("POST", "/api/users", admin, Map.of("username", "van.hanh", "displayName",
                "Vận hành", "role", "OPERATOR", "password", "operator-password-1"));
        assertEquals(201, created.status(), String.valueOf(created.json()));
        String operator = fixture.api.login("van.hanh", "operator-password-1");
        ReleaseFiles.trust(fixture.releaseKeys.dir(), "release", releaseKey);
        Path jar = ReleaseFiles.jar(dir.resolve("agent.jar"), "1.4.0");
        assertEquals(403, fixture.api.uploadRelease(operator, jar, ReleaseFiles.sign(jar, "1.4.0", "release", releaseKey))
                .status());
        assertEquals(403, fixture.api.call("GET", "/api/releases", operator, null).status());
        assertEquals(403, fixture.api.call("GET", "/api/updates", operator, null).status());
        assertEquals(403, fixture.api.call("POST", "/api/updates", operator, Json.mapper().createObjectNode()
                .put("version", "1.4.0").put("all", true)).status());
        assertEquals(0, fixture.rollouts.releases().all().size());
    }
}
