package vn.loalang.controller.station;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import vn.loalang.controller.link.ControllerLink;
import vn.loalang.controller.link.PublishException;
import vn.loalang.protocol.Json;
import vn.loalang.protocol.signing.EnvelopeSigner;
import vn.loalang.protocol.signing.MessageType;
import vn.loalang.protocol.signing.SignedEnvelope;
import vn.loalang.protocol.station.ControllerClock;
import vn.loalang.protocol.station.ControllerPresence;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The controller's presence on {@code {root}/controller/state}, retained: its Last Will, and its birth
 * carrying the controller's time, signed. A Pi on a pole has no battery clock and may have no NTP
 * (a private APN): it sets its time by this (docs/decisions/0021-clock-trust.md). The birth is signed
 * afresh at every connect and published again every {@link #EVERY}, so that the retained copy a
 * station receives when it connects is never older than that while the controller is up; when it is
 * down the broker's Last Will, which carries no time, replaces it.
 */
public final class PresenceBeacon implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PresenceBeacon.class);
    /**
     * How often the signed time is renewed. Each renewal reaches every station (a 541-byte message, about
     * 0.65 kB with the headers): at 10 minutes, about 90 kB a day per station, and a station that boots
     * sets its clock at most 10 minutes behind until the next one.
     */
    public static final Duration EVERY = Duration.ofMinutes(10);
    /** A signed time is valid for three renewals: one missed renewal does not leave stations with an expired one. */
    static final Duration VALID = EVERY.multipliedBy(3);

    private final ControllerLink link;
    private final EnvelopeSigner signer;
    private final String topic;
    private final String bootId;
    private final Supplier<String> commune;
    private final Clock clock;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "presence-beacon");
        t.setDaemon(true);
        return t;
    });

    public PresenceBeacon(ControllerLink link, EnvelopeSigner signer, String topic, String bootId,
                          Supplier<String> commune, Clock clock) {
        this.link = link;
        this.signer = signer;
        this.topic = topic;
        this.bootId = bootId;
        this.commune = commune;
        this.clock = clock;
        // Set before the first connect: the Last Will is part of the connection.
        link.presence(topic, this::online, Json.write(ControllerPresence.offline(bootId)));
    }

    /** The birth as it is now: the commune and the controller's time, signed at this instant. */
    public byte[] online() {
        byte[] signed = signer.sign(MessageType.CONTROLLER_CLOCK, topic, new ControllerClock(bootId),
                clock.instant().plus(VALID));
        return Json.write(ControllerPresence.online(bootId, commune.get(), parse(signed)));
    }

    private static SignedEnvelope parse(byte[] envelope) {
        try {
            return Json.read(envelope, SignedEnvelope.class);
        } catch (vn.loalang.protocol.MalformedMessageException e) {
            throw new IllegalStateException("the signer wrote an envelope this version cannot read", e);
        }
    }

    /** Renews the retained birth every {@link #EVERY} while the link is up (each connect publishes one too). */
    public void start() {
        timer.scheduleWithFixedDelay(this::renew, EVERY.toSeconds(), EVERY.toSeconds(), TimeUnit.SECONDS);
    }

    private void renew() {
        if (!link.isConnected()) {
            return;
        }
        try {
            link.publish(topic, online(), true);
        } catch (PublishException | RuntimeException e) {
            log.warn("Controller could not renew its signed time on {} ({}); trying again in {} min", topic,
                    e.getMessage(), EVERY.toMinutes());
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
