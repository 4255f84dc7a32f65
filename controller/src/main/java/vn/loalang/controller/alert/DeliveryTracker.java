package vn.loalang.controller.alert;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import vn.loalang.protocol.alert.AlertId;
import vn.loalang.protocol.alert.DeliveryState;
import vn.loalang.protocol.station.SessionOutcome;
import vn.loalang.protocol.station.StationEvent;

import java.time.Clock;
import java.util.Optional;

/**
 * Each loudspeaker's progress on an alert, from its station's events: PENDING → RECEIVED →
 * RELAY_ON → PLAYING → COMPLETED, or FAILED / CANCELLED, forward only ({@link DeliveryState}).
 * An event names the play of the alert it is about ({@link AlertId}); COMPLETED is the first play
 * heard in full, and what repeats do after it changes nothing a village head needs to see.
 */
final class DeliveryTracker {
    private static final Logger log = LoggerFactory.getLogger(DeliveryTracker.class);

    private final AlertStore store;
    private final Clock clock;

    DeliveryTracker(AlertStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    /** A station's event: its progress on an alert, when the event is about one. Never throws into the intake. */
    void onEvent(StationEvent e) {
        Optional<AlertId.Play> play = AlertId.parse(e.sessionId());
        Optional<DeliveryState> said = said(e);
        if (play.isEmpty() || said.isEmpty()) {
            return;
        }
        String id = play.get().alertId();
        try {
            store.move(id, e.stationId(), said.get(), (e.reason() == null ? "" : e.reason() + ": ")
                    + (e.detail() == null ? "" : e.detail()), clock.instant()).ifPresent(m ->
                    log.debug("Alert {} on station {}: {} → {} (play {})", id, e.stationId(), m.from(), m.to(),
                            play.get().play()));
        } catch (RuntimeException ex) {
            log.error("Progress of alert {} on station {} not recorded ({}): {}", id, e.stationId(), e.type(), ex.toString());
        }
    }

    /** What an event says of the loudspeaker's progress; empty for an event that says nothing of it. */
    static Optional<DeliveryState> said(StationEvent e) {
        return Optional.ofNullable(switch (e.type()) {
            case ALERT_RECEIVED -> DeliveryState.RECEIVED;
            case SESSION_STARTED -> DeliveryState.RELAY_ON;
            case ITEM_STARTED -> DeliveryState.PLAYING;
            case SESSION_FINISHED -> switch (SessionOutcome.of(e)) {
                case COMPLETED -> DeliveryState.COMPLETED;
                case CANCELLED -> DeliveryState.CANCELLED;
                // An alert held back by the station (pre-empted) was not heard: for the village head it failed.
                case HELD_BACK, FAILED -> DeliveryState.FAILED;
            };
            case ALERT_ENDED -> DeliveryState.CANCELLED;
            default -> null;
        });
    }
}
