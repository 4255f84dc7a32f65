package vn.loalang.agent.trust;

import vn.loalang.protocol.LogText;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import vn.loalang.agent.events.EventOutbox;
import vn.loalang.protocol.signing.EnvelopeVerifier;
import vn.loalang.protocol.signing.MessageType;
import vn.loalang.protocol.signing.RejectReason;
import vn.loalang.protocol.signing.RejectedMessageException;
import vn.loalang.protocol.signing.ReplayGuard;
import vn.loalang.protocol.Json;
import vn.loalang.protocol.signing.SignedEnvelope;
import vn.loalang.protocol.station.ControllerClock;
import vn.loalang.protocol.station.EventReason;
import vn.loalang.protocol.station.EventType;
import vn.loalang.protocol.station.StationEvent;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.EnumSet;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Everything the controller sends passes here before the station acts on it: signature, key,
 * target, validity and replay. A refused message is logged and reported to the controller as a
 * MESSAGE_REJECTED event, and changes nothing on the station.
 */
public final class TrustGate implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(TrustGate.class);

    private final String stationId;
    private final EnvelopeVerifier verifier;
    private final ReplayGuard replays;
    private final ReplayGuardFile replayFile;
    private final EventOutbox events;
    /**
     * The same refusal (message type, topic, reason) is reported at most once in this time, with a
     * count of the ones in between: a station clock far behind would otherwise refuse every receipt
     * of its own refusal reports, at network speed, and an attacker could flood the journal.
     */
    static final Duration REPORT_EVERY = Duration.ofMinutes(1);
    /** Refusals remembered for {@link #REPORT_EVERY}: a sender that varies every message must not grow this map. */
    static final int MAX_KEYS = 256;

    private record Refusal(String what, Instant reportedAt, int since) {
    }

    /**
     * What the controller signs at the moment it sends and never retains: a receipt for the station's events,
     * a technician's command. Their signing time is a recent lower bound of the controller's time; schedules
     * and alerts are retained and published again as they were signed, days before.
     */
    private static final Set<MessageType> SIGNED_WHEN_SENT = EnumSet.of(MessageType.EVENT_ACK, MessageType.COMMAND);

    private final Clock clock;
    private final Map<String, Refusal> lastReported = new HashMap<>();
    private volatile Consumer<Instant> controllerTime = signedAt -> {
    };
    private volatile Consumer<Instant> signedWhenSent = signedAt -> {
    };

    public TrustGate(String stationId, EnvelopeVerifier verifier, Path stateDir, EventOutbox events) throws IOException {
        this(stationId, verifier, stateDir, events, Clock.systemUTC());
    }

    public TrustGate(String stationId, EnvelopeVerifier verifier, Path stateDir, EventOutbox events, Clock clock)
            throws IOException {
        this.stationId = stationId;
        this.verifier = verifier;
        this.events = events;
        this.clock = clock;
        Files.createDirectories(stateDir);
        this.replayFile = new ReplayGuardFile(stationId, stateDir.resolve("replay-guard.json"));
        this.replays = new ReplayGuard(replayFile.read());
    }

    /**
     * The verified payload, or empty when the message was refused (reported) or is a duplicate of
     * one already accepted (ignored quietly: retained copies come back after every reconnect).
     */
    public <T> Optional<EnvelopeVerifier.Verified<T>> admit(String topic, MessageType type, byte[] raw, Class<T> payload) {
        try {
            Checked<T> checked = verify(topic, type, raw, payload);
            EnvelopeVerifier.Verified<T> verified = checked.verified();
            if (replays.check(topic, verified.seq()) == ReplayGuard.Verdict.DUPLICATE) {
                log.debug("Station {} ignores a copy of {} seq {} it already holds", stationId, topic, verified.seq());
                return Optional.empty();
            }
            controllerTime.accept(verified.issuedAt());
            if (SIGNED_WHEN_SENT.contains(type) && !checked.timeTold()) {
                signedWhenSent.accept(verified.issuedAt());
            }
            return Optional.of(verified);
        } catch (RejectedMessageException e) {
            // Only NOT_YET_VALID: nobody can sign ahead of the controller, but anyone can replay an old
            // message, so an EXPIRED one may be a recording and would make the station look ahead.
            if (e.reason() == RejectReason.NOT_YET_VALID) {
                e.signedIssuedAt().ifPresent(controllerTime);
            }
            report(topic, type, e);
            return Optional.empty();
        }
    }

    /**
     * Verifies the message. One signed when sent that the station clock finds "not yet valid" first gives its
     * signing time to {@link #onTimeSignedWhenSent} and is verified once more by the clock as it then is: a
     * station that booted on the controller's retained time, minutes old, is set right by the receipt of its
     * first events, and takes that receipt rather than refusing it (decision 0021, "Closing the gaps").
     */
    private <T> Checked<T> verify(String topic, MessageType type, byte[] raw, Class<T> payload)
            throws RejectedMessageException {
        try {
            return new Checked<>(verifier.verify(topic, type, raw, payload), false);
        } catch (RejectedMessageException e) {
            if (e.reason() != RejectReason.NOT_YET_VALID || e.signedIssuedAt().isEmpty()
                    || !SIGNED_WHEN_SENT.contains(type)) {
                throw e;
            }
            signedWhenSent.accept(e.signedIssuedAt().get());
            return new Checked<>(verifier.verify(topic, type, raw, payload), true);
        }
    }

    /** A verified message, and whether its signing time was already told on the way. */
    private record Checked<T>(EnvelopeVerifier.Verified<T> verified, boolean timeTold) {
    }

    /**
     * The controller's signed time ({@link vn.loalang.protocol.station.ControllerPresence#clock()}, delivered on
     * {@code topic}): its signing time once its key, signature and target are right and it is not older than
     * one already seen; else empty (a refusal is reported). Its validity is not judged by the station clock:
     * it is what that clock is set by. The same copy again (the retained one after a reboot) is accepted:
     * while the controller is up it is at most one renewal old.
     */
    public Optional<Instant> controllerTime(String topic, SignedEnvelope clock) {
        try {
            EnvelopeVerifier.Verified<ControllerClock> verified = verifier.verifyRegardlessOfTime(topic,
                    MessageType.CONTROLLER_CLOCK, Json.write(clock), ControllerClock.class);
            if (replays.check(topic, verified.seq()) == ReplayGuard.Verdict.NEW) {
                accepted(topic, verified.seq());
            }
            return Optional.of(verified.issuedAt());
        } catch (RejectedMessageException e) {
            report(topic, MessageType.CONTROLLER_CLOCK, e);
            return Optional.empty();
        }
    }

    private synchronized void report(String topic, MessageType type, RejectedMessageException e) {
        // Refusals about time differ in their text at every message (the times in it): one key for them all.
        // Others keep their text in the key, so that two different malformed messages are both reported.
        boolean aboutTime = e.reason() == RejectReason.NOT_YET_VALID || e.reason() == RejectReason.EXPIRED
                || e.reason() == RejectReason.REPLAYED;
        String key = type.wire() + " " + topic + " " + e.reason() + (aboutTime ? "" : " " + e.getMessage());
        Instant now = clock.instant();
        if (!lastReported.containsKey(key) && lastReported.size() >= MAX_KEYS) {
            lastReported.values().removeIf(r -> !now.isBefore(r.reportedAt().plus(REPORT_EVERY)) || now.isBefore(r.reportedAt()));
            if (lastReported.size() >= MAX_KEYS) {
                // Many different refusals at once (alert ids and texts are the sender's choice): one key for them all.
                key = type.wire() + " " + e.reason();
            }
        }
        Refusal last = lastReported.get(key);
        if (last != null && now.isBefore(last.reportedAt().plus(REPORT_EVERY)) && !now.isBefore(last.reportedAt())) {
            lastReported.put(key, new Refusal(key, last.reportedAt(), last.since() + 1));
            return;
        }
        String more = last == null || last.since() == 0 ? "" : " (and " + last.since() + " more like it since "
                + last.reportedAt() + ")";
        lastReported.put(key, new Refusal(key, now, 0));
        log.warn("Station {} refused a {} on {}: {} ({}){}", stationId, type.wire(), LogText.of(topic, 200),
                LogText.of(e.getMessage(), LogText.SENTENCE), e.reason(), more);
        events.record(StationEvent.of(EventType.MESSAGE_REJECTED).reason(EventReason.of(e.reason()))
                .detail(type.wire() + " on " + topic + " refused: " + e.getMessage() + more));
    }

    /**
     * Tells {@code listener} the controller's signing time of every message new from it: those that
     * verify and pass the replay guard, and those refused only because the station clock is too far
     * behind. Duplicates are left out: a retained copy after a reconnect may be days old.
     */
    public void onControllerTime(Consumer<Instant> listener) {
        controllerTime = listener;
    }

    /**
     * Tells {@code listener} the signing time of every receipt and command that verifies, or that the station
     * clock alone finds not yet valid (then before it is verified again): messages the controller signs as it
     * sends them and never retains, so each is a recent lower bound of the controller's time.
     */
    public void onTimeSignedWhenSent(Consumer<Instant> listener) {
        signedWhenSent = listener;
    }

    /** Records that the message was acted on, so that the same or an older one is never acted on again. */
    public void accepted(String topic, long seq) {
        replays.accept(topic, seq);
        replayFile.save(replays::snapshot);
    }

    /** Waits for the replay guard's last write. */
    @Override
    public void close() {
        replayFile.close();
    }
}
