package vn.loalang.protocol.fuzz;

import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.Tag;
import vn.loalang.protocol.Topics;
import vn.loalang.protocol.alert.Alert;
import vn.loalang.protocol.schedule.Schedule;
import vn.loalang.protocol.signing.EnvelopeSigner;
import vn.loalang.protocol.signing.EnvelopeVerifier;
import vn.loalang.protocol.signing.MessageType;
import vn.loalang.protocol.signing.RejectedMessageException;
import vn.loalang.protocol.station.Command;
import vn.loalang.protocol.station.EventAck;
import vn.loalang.protocol.testing.ManualClock;

import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** The signed-envelope verifier: every mutated envelope verifies or is refused with a reason, nothing else. */
@Tag("fuzz")
@net.jqwik.api.lifecycle.AddLifecycleHook(vn.loalang.protocol.fuzz.FuzzBudget.class)
class EnvelopeVerifierFuzzTest extends FuzzProperties {
    static final Instant NOW = Instant.parse("2026-12-05T22:00:00Z");
    static final String STATION = "thon-1";
    static final Topics TOPICS = Topics.defaults();
    static final KeyPair KEYS = Goldens.communeKeys();

    static final Map<String, Callable<FuzzTarget>> TARGETS = Map.of("envelope-verifier", VerifierTarget::new);

    /** Verifies as each of the four message types, as the agent does on each of its topics. */
    static final class VerifierTarget implements FuzzTarget {
        final EnvelopeVerifier verifier = new EnvelopeVerifier(Map.of("commune", KEYS.getPublic()),
                new ManualClock(NOW), Duration.ofMinutes(5));

        @Override
        public void accept(byte[] input) {
            verify(TOPICS.schedule(STATION), MessageType.SCHEDULE, input, Schedule.class);
            verify(TOPICS.command(STATION), MessageType.COMMAND, input, Command.class);
            verify(TOPICS.zoneAlert("thon-1", "lu-1"), MessageType.ALERT, input, Alert.class);
            verify(TOPICS.ack(STATION), MessageType.EVENT_ACK, input, EventAck.class);
        }

        private <T> void verify(String topic, MessageType type, byte[] input, Class<T> payload) {
            try {
                verifier.verify(topic, type, input, payload);
            } catch (RejectedMessageException refused) {
                // The verifier's answer to a bad envelope: a reason the gate reports.
            }
        }
    }

    @Provide
    Arbitrary<byte[]> envelopes() {
        EnvelopeSigner signer = new EnvelopeSigner("commune", KEYS.getPrivate(), new ManualClock(NOW));
        Instant until = NOW.plus(Duration.ofHours(1));
        return Mutations.of(List.of(
                signer.sign(MessageType.SCHEDULE, TOPICS.schedule(STATION), Goldens.schedule(STATION, "thon-1", 3, NOW), until),
                signer.sign(MessageType.COMMAND, TOPICS.command(STATION), Goldens.command(STATION, "TEST_TONE", NOW), until),
                signer.sign(MessageType.ALERT, TOPICS.zoneAlert("thon-1", "lu-1"), Goldens.alert("thon-1", NOW, false), until),
                signer.sign(MessageType.EVENT_ACK, TOPICS.ack(STATION), Goldens.ack(STATION, "s1", 4), until)),
                Resigning.with("commune", KEYS.getPrivate()));
    }

    @Property(tries = 150, seed = "1402", shrinking = ShrinkingMode.OFF)
    void envelopesAreVerifiedOrRefused(@ForAll("envelopes") byte[] input) {
        fuzz("envelope-verifier", TARGETS.get("envelope-verifier"), input);
    }
}
