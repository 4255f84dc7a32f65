package vn.loalang.agent.fuzz;

import vn.loalang.agent.trust.SignedInbox;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.Tag;
import vn.loalang.agent.alert.AlertKeeper;
import vn.loalang.agent.alert.BuiltinClips;
import vn.loalang.agent.command.CommandHandler;
import vn.loalang.agent.content.ContentCache;
import vn.loalang.agent.events.EventOutbox;
import vn.loalang.agent.playout.Program;
import vn.loalang.agent.schedule.ScheduleKeeper;
import vn.loalang.agent.trust.TrustGate;
import vn.loalang.audio.PcmFormat;
import vn.loalang.audio.Tones;
import vn.loalang.protocol.Topics;
import vn.loalang.protocol.fuzz.FuzzProperties;
import vn.loalang.protocol.fuzz.FuzzTarget;
import vn.loalang.protocol.fuzz.Goldens;
import vn.loalang.protocol.fuzz.Mutations;
import vn.loalang.protocol.fuzz.Resigning;
import vn.loalang.protocol.signing.EnvelopeSigner;
import vn.loalang.protocol.signing.EnvelopeVerifier;
import vn.loalang.protocol.signing.MessageType;
import vn.loalang.protocol.station.EventAck;
import vn.loalang.protocol.testing.ManualClock;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.BiConsumer;
import java.util.stream.Stream;

/**
 * What reaches a station on its topics (wired in {@code StationAgent}): its schedule
 * ({@code ScheduleKeeper}), technicians' commands ({@code CommandHandler}), its village's alerts
 * ({@code AlertKeeper}) and the controller's receipts for its events ({@code EventReceipts}). Envelopes are mutated as
 * bytes (refused by the signature) and as signed bodies signed again with the commune's key (so
 * that the handlers behind the signature are fuzzed too).
 * <p>
 * Each case meets a station that has forgotten which sequence numbers it accepted (its replay file
 * removed): otherwise every re-signed copy of a golden would stop at the replay guard as a duplicate.
 * Each case writes files with fsync (the schedule, the replay guard, the journal), so a test run keeps to
 * about a hundred cases per handler; a long run goes on. The outbox is acknowledged every hundred events, as a controller would, so that it does not grow for
 * the length of a long run.
 */
@Tag("fuzz")
@net.jqwik.api.lifecycle.AddLifecycleHook(vn.loalang.protocol.fuzz.FuzzBudget.class)
class AgentMessagesFuzzTest extends FuzzProperties {
    static final Instant NOW = Instant.parse("2026-12-05T22:00:00Z");
    static final String STATION = "thon-1";
    static final String ZONE = "thon-1";
    static final Topics TOPICS = Topics.defaults();
    static final KeyPair KEYS = Goldens.communeKeys();
    static final PcmFormat OUTPUT = new PcmFormat(22_050, 1);

    static final Map<String, Callable<FuzzTarget>> TARGETS = Map.of(
            "agent-schedule", () -> new StationTarget(Topic.SCHEDULE),
            "agent-command", () -> new StationTarget(Topic.COMMAND),
            "agent-alert", () -> new StationTarget(Topic.ALERT),
            "agent-ack", () -> new StationTarget(Topic.ACK));

    enum Topic { SCHEDULE, COMMAND, ALERT, ACK }

    /** The parts of a station its topic handlers use, on real files in a temporary directory. */
    static final class StationTarget implements FuzzTarget {
        final Topic topic;
        final Path dir = Files.createTempDirectory("loalang-fuzz-agent");
        final ManualClock clock = new ManualClock(NOW);
        final EnvelopeVerifier verifier = new EnvelopeVerifier(Map.of("commune", KEYS.getPublic()), clock,
                Duration.ofMinutes(5));
        final EventOutbox events = new EventOutbox(dir.resolve("events"), STATION, clock, Duration.ofHours(1));
        final ContentCache cache = new ContentCache(STATION, dir.resolve("cache"));
        final BuiltinClips builtins = BuiltinClips.prepare(STATION, cache, Tones.siren(OUTPUT), Tones.alertChime(OUTPUT));

        StationTarget(Topic topic) throws IOException {
            this.topic = topic;
        }

        @Override
        public void accept(byte[] input) throws IOException {
            Path state = dir.resolve("state");
            Files.deleteIfExists(state.resolve("replay-guard.json"));
            TrustGate gate = new TrustGate(STATION, verifier, state, events, clock);
            SignedInbox inbox = new SignedInbox(STATION, TOPICS, gate, events);
            try {
                switch (topic) {
                    case SCHEDULE -> inbox.schedules(new ScheduleKeeper(STATION, TOPICS.schedule(STATION), verifier,
                            state, events)).accept(TOPICS.schedule(STATION), input);
                    case COMMAND -> inbox.commands(new CommandHandler(STATION, events, clock,
                            builtins.testTones(cache, OUTPUT), builtins.silences(cache, OUTPUT), new Station()))
                            .accept(TOPICS.command(STATION), input);
                    case ALERT -> {
                        try (AlertKeeper keeper = new AlertKeeper(STATION, TOPICS, inbox, cache, builtins, new Line(),
                                new Subscriptions(), events, clock, state.resolve("alert-village"))) {
                            keeper.zone(ZONE);
                            keeper.onMessage(TOPICS.zoneAlert(ZONE, "lu-1"), input);
                        }
                    }
                    case ACK -> inbox.receipts(receipt -> events.acknowledge(receipt.body()))
                            .accept(TOPICS.ack(STATION), input);
                }
            } finally {
                gate.close(); // its replay guard is written behind: done before the next input deletes it
                if (events.pendingCount() > 100) {
                    events.acknowledge(new EventAck(Goldens.S, STATION, events.stream(), events.lastSeq()));
                }
            }
        }

        @Override
        public void close() throws IOException {
            events.close();
            try (Stream<Path> all = Files.walk(dir)) {
                for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    static final class Station implements CommandHandler.Station {
        @Override
        public void submit(Program program) {
        }

        @Override
        public void resync() {
        }

        @Override
        public boolean supervised() {
            return false;
        }

        @Override
        public void restart() {
            throw new AssertionError("an unsupervised station was told to restart");
        }
    }

    static final class Line implements AlertKeeper.Line {
        @Override
        public void submit(Program program) {
        }

        @Override
        public boolean cancel(String programId) {
            return false;
        }
    }

    static final class Subscriptions implements AlertKeeper.Subscriptions {
        @Override
        public void subscribe(String topic, BiConsumer<String, byte[]> handler) {
        }

        @Override
        public void unsubscribe(String topic) {
        }
    }

    private static Arbitrary<byte[]> signed(MessageType type, String topic, Object... payloads) {
        EnvelopeSigner signer = new EnvelopeSigner("commune", KEYS.getPrivate(), new ManualClock(NOW));
        return Mutations.of(Stream.of(payloads).map(p -> signer.sign(type, topic, p, NOW.plus(Duration.ofHours(1))))
                .toList(), Resigning.with("commune", KEYS.getPrivate()));
    }

    @Provide
    Arbitrary<byte[]> schedules() {
        return signed(MessageType.SCHEDULE, TOPICS.schedule(STATION), Goldens.schedule(STATION, ZONE, 3, NOW));
    }

    @Provide
    Arbitrary<byte[]> commands() {
        return signed(MessageType.COMMAND, TOPICS.command(STATION), Goldens.command(STATION, "TEST_TONE", NOW),
                Goldens.command(STATION, "RELAY_TEST", NOW), Goldens.command(STATION, "RESYNC", NOW),
                Goldens.command(STATION, "RESTART", NOW));
    }

    @Provide
    Arbitrary<byte[]> alerts() {
        return signed(MessageType.ALERT, TOPICS.zoneAlert(ZONE, "lu-1"), Goldens.alert(ZONE, NOW, false),
                Goldens.alert(ZONE, NOW, true));
    }

    @Provide
    Arbitrary<byte[]> acks() {
        return signed(MessageType.EVENT_ACK, TOPICS.ack(STATION), Goldens.ack(STATION, "s-1", 4));
    }

    @Property(tries = 60, seed = "1410", shrinking = ShrinkingMode.OFF)
    void schedulesAreTakenOrRefused(@ForAll("schedules") byte[] input) {
        fuzz("agent-schedule", TARGETS.get("agent-schedule"), input);
    }

    @Property(tries = 100, seed = "1411", shrinking = ShrinkingMode.OFF)
    void commandsAreCarriedOutOrRefused(@ForAll("commands") byte[] input) {
        fuzz("agent-command", TARGETS.get("agent-command"), input);
    }

    @Property(tries = 80, seed = "1412", shrinking = ShrinkingMode.OFF)
    void alertsAreTakenOrRefused(@ForAll("alerts") byte[] input) {
        fuzz("agent-alert", TARGETS.get("agent-alert"), input);
    }

    @Property(tries = 100, seed = "1413", shrinking = ShrinkingMode.OFF)
    void acknowledgementsAreTakenOrRefused(@ForAll("acks") byte[] input) {
        fuzz("agent-ack", TARGETS.get("agent-ack"), input);
    }
}
