package vn.loalang.systemtests.security;

import vn.loalang.agent.audio.AudioConfig;
import vn.loalang.agent.link.ReconnectConfig;
import vn.loalang.agent.relay.GpioConfig;
import vn.loalang.agent.relay.RelayConfig;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vn.loalang.agent.AgentConfig;
import vn.loalang.controller.server.Controller;
import vn.loalang.controller.server.ControllerConfig;
import vn.loalang.controller.testing.ApiClient;
import vn.loalang.controller.users.PasswordHasher;
import vn.loalang.systemtests.support.Closing;
import vn.loalang.systemtests.support.Ports;
import vn.loalang.systemtests.support.SimulatedStation;
import vn.loalang.systemtests.support.TestCommune;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The controller with its embedded broker bound to every address (0.0.0.0; reached here through
 * 127.0.0.1, the decision is the bind address's): the controller logs in with its own account, a
 * client without a password is refused, and a real agent enrolled through the API connects with its
 * password and plays its schedule, until its account is revoked.
 */
class EmbeddedBrokerBeyondLoopbackTest {
    static final String ADMIN_PASSWORD = "mat-khau-quan-tri";

    @TempDir
    Path dir;
    Controller controller;
    SimulatedStation station;
    MqttClient probe;

    @AfterEach
    void stop() throws Exception {
        if (probe != null) {
            probe.close();
        }
        Closing.inOrder(station, controller);
    }

    @Test
    void onlyTheControllerAndEnrolledStationsGetIn() throws Exception {
        ControllerConfig config = ControllerConfig.of(TestCommune.write(dir.resolve("commune")), dir.resolve("controller"))
                .withEmbeddedBroker("0.0.0.0", Ports.free()).withHttp("127.0.0.1", Ports.free(), null);
        controller = Controller.start(config, Clock.systemUTC(), new PasswordHasher(1000), () -> ADMIN_PASSWORD,
                new PrintStream(OutputStream.nullOutputStream()));
        await("the controller connected with its own account").atMost(Duration.ofSeconds(20)).until(controller::connected);

        probe = new MqttClient(controller.brokerUrl(), "loalang-station-thon-dong-1", new MemoryPersistence());
        MqttConnectOptions anonymous = options();
        MqttException refused = assertThrows(MqttException.class, () -> probe.connect(anonymous));
        assertEquals(MqttException.REASON_CODE_FAILED_AUTHENTICATION, refused.getReasonCode(), refused.toString());

        ApiClient api = new ApiClient(controller.contentPort());
        String token = api.login("admin", ADMIN_PASSWORD);
        ApiClient.Answer issued = api.call("POST", "/api/stations/thon-dong-1/credentials", token, Map.of());
        assertEquals(201, issued.status(), String.valueOf(issued.json()));
        String password = issued.json().get("password").asText();

        Path stationDir = dir.resolve("station");
        AgentConfig agent = new AgentConfig("thon-dong-1", controller.brokerUrl(), "thon-dong-1", password, null, stationDir,
                Map.of(controller.keyId(), controller.publicKeyPem()),
                new GpioConfig("mock", List.of(new RelayConfig("amp", 17, true))),
                AudioConfig.wavFiles(stationDir.resolve("rendered")), 500L, 200L, null,
                new ReconnectConfig(100L, 1000L), 2000L);
        station = new SimulatedStation(agent, Clock.systemUTC()).start();
        await("the enrolled station connected with its password and holds its schedule").atMost(Duration.ofSeconds(30))
                .until(() -> station.agent().schedule().isPresent());

        ApiClient.Answer revoked = api.call("DELETE", "/api/stations/thon-dong-1/credentials", token, null);
        assertEquals(204, revoked.status(), String.valueOf(revoked.json()));
        await("the revoked station is off the broker").atMost(Duration.ofSeconds(20)).until(() -> !station.agent().connected());
        station.close();
        station = null;
        MqttConnectOptions withOldPassword = options();
        withOldPassword.setUserName("thon-dong-1");
        withOldPassword.setPassword(password.toCharArray());
        MqttException again = assertThrows(MqttException.class, () -> probe.connect(withOldPassword));
        assertEquals(MqttException.REASON_CODE_FAILED_AUTHENTICATION, again.getReasonCode(), again.toString());
    }

    /** MQTT 3.1.1 only: Paho's default would try 3.1 again after a refusal, and report that attempt's failure. */
    private static MqttConnectOptions options() {
        MqttConnectOptions o = new MqttConnectOptions();
        o.setConnectionTimeout(10);
        o.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
        return o;
    }
}
