package vn.loalang.agent.update;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vn.loalang.agent.link.TestBroker;
import vn.loalang.protocol.Json;
import vn.loalang.protocol.Topics;
import vn.loalang.protocol.signing.Ed25519Keys;
import vn.loalang.protocol.signing.EnvelopeSigner;
import vn.loalang.protocol.signing.MessageType;
import vn.loalang.protocol.signing.ReleaseSignature;
import vn.loalang.protocol.station.Command;
import vn.loalang.protocol.station.EventReason;
import vn.loalang.protocol.station.EventType;
import vn.loalang.protocol.station.Release;
import vn.loalang.protocol.station.StationEvent;
import vn.loalang.protocol.station.Telemetry;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An update over the air with real agent builds, each in its own JVM as systemd runs it: before
 * every start the unit's start script ({@code loalang-update boot}, the very file installed on a
 * Pi), then {@code java -jar /opt/loalang/loalang-station-agent.jar}, again whenever it ends
 * (Restart=always). Version 1.0.0 is installed as the .deb installs it; 2.0.0, a good build, is
 * offered and adopted; 3.0.0, a build that cannot start, is offered and the station goes back to
 * 2.0.0 by itself, which answers the command with ROLLED_BACK and reports again. A release signed
 * by another key is refused without a restart. The relays stay OFF in every report.
 */
class UpdateRollbackTest {
    private static final String STATION = "thon-dong-1";
    private static final Path UPDATE_TOOL = Path.of("../provisioning/src/main/dist/pi/loalang-update.sh").toAbsolutePath();
    private static final Topics TOPICS = new Topics(Topics.DEFAULT_ROOT);

    @TempDir
    Path dir;
    private TestBroker broker;
    private HttpServer releases;
    private MqttClient controller;
    private ServiceLoop service;
    private final KeyPair controllerKey = Ed25519Keys.generate();
    private final KeyPair releaseKey = Ed25519Keys.generate();
    private final List<Telemetry> reports = new CopyOnWriteArrayList<>();
    private final List<StationEvent> events = new CopyOnWriteArrayList<>();
    private EnvelopeSigner signer;

    @BeforeEach
    void setUp() throws Exception {
        broker = TestBroker.onFreePort().start();
        releases = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        releases.createContext("/releases/", exchange -> {
            Path file = dir.resolve("releases").resolve(Path.of(exchange.getRequestURI().getPath()).getFileName().toString());
            if (!Files.isRegularFile(file)) {
                exchange.sendResponseHeaders(404, -1);
            } else {
                exchange.sendResponseHeaders(200, Files.size(file));
                try (var out = exchange.getResponseBody()) {
                    Files.copy(file, out);
                }
            }
            exchange.close();
        });
        releases.start();
        controller = new MqttClient(broker.url(), "controller-test", new MemoryPersistence());
        MqttConnectOptions options = new MqttConnectOptions();
        options.setCleanSession(true);
        controller.connect(options);
        controller.subscribe(TOPICS.telemetry(STATION), 1, (t, m) -> reports.add(Json.read(m.getPayload(), Telemetry.class)));
        controller.subscribe(TOPICS.event(STATION), 1, (t, m) -> events.add(Json.read(m.getPayload(), StationEvent.class)));
        signer = new EnvelopeSigner("commune-k1", controllerKey.getPrivate(), Clock.systemUTC());
    }

    @AfterEach
    void tearDown() throws Exception {
        if (service != null) {
            service.close();
        }
        if (controller != null && controller.isConnected()) {
            controller.disconnect();
        }
        if (releases != null) {
            releases.stop(0);
        }
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void aGoodBuildIsAdoptedAndABrokenOneRolledBackToIt() throws Exception {
        Path opt = dir.resolve("opt");
        AgentBuilds.good(opt.resolve("loalang-station-agent.jar"), "1.0.0"); // as the .deb installs it: a plain file
        Release good = publish(AgentBuilds.good(dir.resolve("releases").resolve("agent-2.0.0.jar"), "2.0.0"), "2.0.0",
                releaseKey);
        Release broken = publish(AgentBuilds.broken(dir.resolve("releases").resolve("agent-3.0.0.jar"), "3.0.0"), "3.0.0",
                releaseKey);
        Release forged = publish(dir.resolve("releases").resolve("agent-2.0.0.jar"), "2.0.0", Ed25519Keys.generate());
        service = new ServiceLoop(UPDATE_TOOL, opt, config(), dir.resolve("data").resolve("update"), dir.resolve("agent.log"));
        service.start();
        await("1.0.0 reports").atMost(Duration.ofSeconds(60)).until(() -> reportsVersion("1.0.0"));

        // Signed by a key that is not the release key: refused, nothing downloaded, no restart.
        send(Command.update("c-forged", STATION, forged, Instant.now(), Instant.now().plusSeconds(600)));
        StationEvent refused = await().atMost(Duration.ofSeconds(30)).until(() -> done("c-forged"), Optional::isPresent).get();
        assertEquals(EventReason.RELEASE_REFUSED.name(), refused.reason(), refused.detail());
        assertEquals(1, service.starts(), "no restart for a refused release");

        // A good build: downloaded, installed beside, started on trial, kept.
        send(Command.update("c-up-2", STATION, good, Instant.now(), Instant.now().plusSeconds(600)));
        StationEvent installed = await("2.0.0 passes its trial").atMost(Duration.ofSeconds(90))
                .until(() -> done("c-up-2"), Optional::isPresent).get();
        assertEquals(null, installed.reason(), installed.detail());
        await("2.0.0 reports").atMost(Duration.ofSeconds(30)).until(() -> reportsVersion("2.0.0"));
        assertEquals("versions/2.0.0/loalang-station-agent.jar", Files.readSymbolicLink(opt.resolve("loalang-station-agent.jar")).toString());
        assertTrue(Files.isRegularFile(opt.resolve("versions/package/loalang-station-agent.jar")), "1.0.0 kept to go back to");
        // 2.0.0 got its own class-data archive when it was installed, and it is the one its starts map.
        assertEquals("versions/2.0.0/loalang-station-agent.jsa", Files.readSymbolicLink(opt.resolve("loalang-station-agent.jsa")).toString());
        assertTrue(Files.size(opt.resolve("versions/2.0.0/loalang-station-agent.jsa")) > 1_000_000, "a real archive");
        assertArchiveMatchesTheJar(opt);

        // A build that cannot start: installed, fails, and the start script goes back to 2.0.0 by itself.
        int startsBefore = service.starts();
        // Noted before the command: 2.0.0's first report after the rollback can arrive before its
        // ROLLED_BACK answer is seen here, and the next one only minutes later. A start is known by its boot id.
        Set<String> startsSeen = reports.stream().map(Telemetry::bootId).collect(Collectors.toSet());
        send(Command.update("c-up-3", STATION, broken, Instant.now(), Instant.now().plusSeconds(600)));
        StationEvent rolledBack = await("the station rolls back").atMost(Duration.ofSeconds(120))
                .until(() -> done("c-up-3"), Optional::isPresent).get();
        assertEquals(EventReason.ROLLED_BACK.name(), rolledBack.reason(), rolledBack.detail());
        assertTrue(rolledBack.detail().contains("rolled back to 2.0.0"), rolledBack.detail());
        assertTrue(service.starts() >= startsBefore + 2, "3.0.0 started once and failed, then 2.0.0 again");
        assertTrue(service.exitCodes().stream().anyMatch(c -> c != 0), "the broken build ended with an error: " + service.exitCodes());
        await("2.0.0 reports again, from a new start").atMost(Duration.ofSeconds(60))
                .until(() -> reports.stream().anyMatch(t -> t.agentVersion().equals("2.0.0")
                        && !startsSeen.contains(t.bootId())));
        assertEquals("versions/2.0.0/loalang-station-agent.jar", Files.readSymbolicLink(opt.resolve("loalang-station-agent.jar")).toString());
        assertFalse(Files.exists(opt.resolve("versions/3.0.0")), "the failed version is removed");
        assertEquals("versions/2.0.0/loalang-station-agent.jsa", Files.readSymbolicLink(opt.resolve("loalang-station-agent.jsa")).toString(),
                "2.0.0 starts with its own archive again");
        assertArchiveMatchesTheJar(opt);
        assertFalse(reports.stream().anyMatch(t -> t.agentVersion().equals("3.0.0")), "3.0.0 never reported");
        assertTrue(reports.stream().allMatch(t -> t.relays().values().stream().noneMatch(on -> on)),
                "every relay OFF in every report");
    }

    /** -Xshare:on makes a JVM that cannot map and validate the archive for this jar refuse to start. */
    private void assertArchiveMatchesTheJar(Path opt) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of(ServiceLoop.javaBin()));
        command.addAll(ServiceLoop.JVM_OPTIONS);
        command.addAll(List.of("-Xshare:on", "-XX:SharedArchiveFile=" + opt.resolve("loalang-station-agent.jsa"),
                "-jar", opt.resolve("loalang-station-agent.jar").toString(), "--version"));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), "the archive maps for the jar the link names: " + out);
    }

    private boolean reportsVersion(String version) {
        return reports.stream().anyMatch(t -> t.agentVersion().equals(version));
    }

    private Optional<StationEvent> done(String commandId) {
        return events.stream().filter(e -> e.type() == EventType.COMMAND_DONE && commandId.equals(e.sessionId())).findFirst();
    }

    private void send(Command c) throws Exception {
        controller.publish(TOPICS.command(STATION), signer.sign(MessageType.COMMAND, TOPICS.command(STATION), c,
                c.expiresAt()), 1, false);
    }

    private Release publish(Path jar, String version, KeyPair key) throws Exception {
        byte[] bytes = Files.readAllBytes(jar);
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        return new Release(version, "http://127.0.0.1:" + releases.getAddress().getPort() + "/releases/"
                + jar.getFileName(), bytes.length, sha, "release-k1",
                ReleaseSignature.sign(key.getPrivate(), version, sha, bytes.length));
    }

    private Path config() throws IOException {
        Path data = dir.resolve("data");
        ObjectNode cfg = Json.mapper().createObjectNode();
        cfg.put("stationId", STATION).put("brokerUrl", broker.url()).put("dataDir", data.toString());
        cfg.putObject("trustedKeys").put("commune-k1", Ed25519Keys.publicPem(controllerKey.getPublic()));
        cfg.putObject("gpio").put("provider", "mock").putArray("relays").addObject().put("name", "amp").put("pin", 17)
                .put("activeLow", true);
        cfg.putObject("audio").put("sink", "wav").put("wavDir", data.resolve("rendered").toString());
        cfg.putObject("reconnect").put("minMillis", 250).put("maxMillis", 1000);
        cfg.putObject("update").put("trialSeconds", 30).putObject("releaseKeys")
                .put("release-k1", Ed25519Keys.publicPem(releaseKey.getPublic()));
        Path file = dir.resolve("station.json");
        Files.write(file, Json.mapper().writeValueAsBytes(cfg));
        return file;
    }
}
