package vn.loalang.agent;

import vn.loalang.agent.audio.AudioConfig;
import vn.loalang.agent.link.ReconnectConfig;
import vn.loalang.agent.relay.GpioConfig;
import vn.loalang.agent.relay.RelayConfig;
import com.pi4j.context.Context;
import com.pi4j.io.gpio.digital.DigitalOutput;
import com.pi4j.io.gpio.digital.DigitalState;
import vn.loalang.agent.audio.AudioSink;
import vn.loalang.agent.audio.WavFileSink;
import vn.loalang.agent.content.ContentCache;
import vn.loalang.agent.link.MqttLink;
import vn.loalang.agent.link.TestBroker;
import vn.loalang.agent.playout.Priority;
import vn.loalang.agent.playout.Program;
import vn.loalang.agent.relay.Pi4jRelayBank;
import vn.loalang.agent.relay.RelayBank;
import vn.loalang.agent.systemd.FailSafeExit;
import vn.loalang.audio.PcmFormat;
import vn.loalang.audio.Tones;
import vn.loalang.audio.WavWriter;
import vn.loalang.protocol.schedule.Item;
import vn.loalang.protocol.signing.Ed25519Keys;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A station agent process, run by {@link AgentCrashTest}, that plays with its amplifier relay ON
 * and then meets an error nothing handles on the thread its argument names: {@code playout} (the
 * sound output throws an OutOfMemoryError, the fault the hardware edge can make), {@code mqtt} (a
 * message handler throws a StackOverflowError on Paho's callback thread) or {@code main}. The
 * fail-safe it installs is the one Main installs. It prints each change of the relay's pin, as the
 * mock GPIO sees it, as a line {@code RELAY amp ON|OFF}.
 */
public final class CrashingAgent {
    static final String ID = "st-crash";
    static final RelayConfig AMP = new RelayConfig("amp", 17, false);

    private CrashingAgent() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        String thread = args[1];
        String brokerUrl = thread.equals("mqtt") ? TestBroker.onFreePort().start().url() : "tcp://127.0.0.1:1";
        GpioConfig gpio = new GpioConfig("mock", List.of(AMP));
        AgentConfig config = new AgentConfig(ID, brokerUrl, null, null, null, dir,
                Map.of("k1", Ed25519Keys.publicPem(Ed25519Keys.generate().getPublic())), gpio, null, 200L, 200L, null,
                new ReconnectConfig(100L, 500L), null);

        Context pi4j = Pi4jRelayBank.contextFor("mock");
        RelayBank relays = Pi4jRelayBank.on(ID, pi4j, gpio.relays());
        CountDownLatch on = new CountDownLatch(1);
        pi4j.registry().get(Pi4jRelayBank.outputId(AMP), DigitalOutput.class).addListener(e -> {
            boolean powered = e.state() == DigitalState.HIGH;
            System.out.println("RELAY amp " + (powered ? "ON" : "OFF"));
            System.out.flush();
            if (powered) {
                on.countDown();
            }
        });

        AtomicReference<StationAgent> running = new AtomicReference<>();
        FailSafeExit.install(ID, () -> {
            StationAgent a = running.get();
            if (a != null) {
                a.failSafe();
            }
        });
        Item clip = keepClip(dir, config.audio());
        Clock clock = Clock.systemUTC();
        AudioSink wav = new WavFileSink(dir.resolve("rendered"), clock);
        AudioSink sink = thread.equals("playout") ? failingOnFirstWrite(wav) : wav;
        StationAgent agent = StationAgent.start(config, clock, relays, sink);
        running.set(agent);
        Runtime.getRuntime().addShutdownHook(new Thread(agent::close, "shutdown"));

        Instant now = clock.instant();
        agent.submit(new Program("crash-test", "Thử / test", Priority.WARNING, now, now.plusSeconds(120), List.of(clip)));
        if (!on.await(30, TimeUnit.SECONDS)) {
            System.out.println("the relay never went ON");
            System.exit(3);
        }
        switch (thread) {
            case "main" -> throw new IllegalStateException("simulated: the main thread fails while the relay is ON");
            case "mqtt" -> poisonPahoThread(brokerUrl);
            default -> {
                // The playout thread meets its error on its own.
            }
        }
        new CountDownLatch(1).await();
    }

    /** A second link of this process whose handler throws an Error on Paho's callback thread. */
    private static void poisonPahoThread(String brokerUrl) throws Exception {
        MqttLink probe = new MqttLink("crash-probe", brokerUrl, null, null, new ReconnectConfig(100L, 500L),
                new StationPresence("crash-probe", "probe/state", "test", Clock.systemUTC()));
        probe.subscribe("probe/poison", (topic, payload) -> {
            throw new StackOverflowError("simulated: a handler overflows its stack on Paho's callback thread");
        });
        CountDownLatch connected = new CountDownLatch(1);
        probe.onConnected(connected::countDown);
        probe.start();
        if (!connected.await(30, TimeUnit.SECONDS)) {
            System.out.println("the probe never connected");
            System.exit(3);
        }
        probe.publish("probe/poison", new byte[]{1}, false);
    }

    private static Item keepClip(Path dir, AudioConfig audio) throws IOException {
        Path wav = Files.createTempFile(dir, "clip", ".wav");
        WavWriter.write(wav, Tones.tone(new PcmFormat(audio.sampleRate(), audio.channels()), 440, Duration.ofSeconds(30), 0.1));
        byte[] bytes = Files.readAllBytes(wav);
        String sha = new ContentCache(ID, dir.resolve("cache")).keep(bytes, "clip");
        return new Item("clip", "Clip", sha, URI.create("http://127.0.0.1:1/clip"), bytes.length, 30_000, 0.0);
    }

    private static AudioSink failingOnFirstWrite(AudioSink real) {
        return (format, label) -> {
            AudioSink.Output out = real.open(format, label);
            return new AudioSink.Output() {
                @Override
                public Instant openedAt() {
                    return out.openedAt();
                }

                @Override
                public void write(byte[] buf, int off, int len) {
                    throw new OutOfMemoryError("simulated: the playout thread runs out of memory while the relay is ON");
                }

                @Override
                public void drain() throws IOException {
                    out.drain();
                }

                @Override
                public void close() throws IOException {
                    out.close();
                }
            };
        };
    }
}
