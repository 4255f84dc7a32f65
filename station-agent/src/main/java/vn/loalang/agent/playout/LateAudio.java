package vn.loalang.agent.playout;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import vn.loalang.agent.content.ContentCache;
import vn.loalang.protocol.schedule.Item;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Audio of a program that is not in the cache yet when its turn on the line comes, but may still
 * arrive ({@link Program.LateContent}: an alert's clip fetched while the station's own siren
 * sounds). The line waits for it in silence, amplifiers on, polling the cache; the wait is bounded
 * here whatever the late content says — never past the window, never longer than
 * {@link #LATE_AUDIO_WAIT} — and a stop or a higher priority ends it. An item that does not come is
 * replaced, once per program, by the program's stand-in (the built-in announcement).
 */
final class LateAudio {
    /** How often the line looks in the cache for late audio: silence this long is not heard as a gap. */
    static final Duration ARRIVAL_POLL = Duration.ofMillis(50);
    /** The longest the line waits, amplifiers on, for audio still being fetched (the alert keeper gives up at 10 s). */
    static final Duration LATE_AUDIO_WAIT = Duration.ofSeconds(15);

    private static final Logger log = LoggerFactory.getLogger(LateAudio.class);

    /** The line as the wait sees it: its audio clock, silence written to it, whether it must stop waiting. */
    interface Line {
        Instant now();

        /** False once a stop or a higher priority ends the program: the wait ends too. */
        boolean open();

        /** Silence on the line (the sound card paces the wait); a stop may end it early. */
        void silence(Duration d) throws IOException;

        /** Out of silence, as at a program's first sample: no click. */
        void fadeIn();
    }

    /**
     * What to play for an item that was not in the cache: its file, arrived meanwhile; or the stand-in
     * to say instead; or neither (the item fails as missing).
     */
    record Outcome(Optional<Path> file, Optional<Item> standIn) {
        static Outcome nothing() {
            return new Outcome(Optional.empty(), Optional.empty());
        }
    }

    private final String stationId;
    private final ContentCache cache;
    private final Program program;
    /** The stand-in replaces one missing item, not each. */
    private boolean standInSaid;

    /** For one play of {@code program}, whose {@link Program#late()} is not null. */
    LateAudio(String stationId, ContentCache cache, Program program) {
        this.stationId = stationId;
        this.cache = cache;
        this.program = program;
    }

    /**
     * Waits on {@code line} while {@code item} may still arrive. When the wait ended because the line
     * closed (a stop, a higher priority), the outcome is to be ignored: the caller stops.
     */
    Outcome await(Item item, Line line) throws IOException {
        Program.LateContent late = program.late();
        Optional<Path> file = Optional.empty();
        boolean logged = false;
        Instant giveUp = line.now().plus(LATE_AUDIO_WAIT);
        while (file.isEmpty() && line.open() && late.stillComing(item)
                && line.now().plus(SessionPlayer.FADE_OUT).isBefore(program.end()) && line.now().isBefore(giveUp)) {
            if (!logged) {
                log.info("Station {} waits on the line for {}, still being fetched", stationId, item.contentId());
                logged = true;
            }
            line.silence(ARRIVAL_POLL);
            file = cache.verified(item);
        }
        if (logged) {
            line.fadeIn();
        }
        if (file.isEmpty()) {
            file = cache.verified(item);
        }
        if (file.isPresent() || !line.open()) {
            return new Outcome(file, Optional.empty());
        }
        Optional<Item> standIn = standInSaid ? Optional.empty() : late.standIn();
        if (standIn.isEmpty()) {
            return Outcome.nothing();
        }
        standInSaid = true;
        log.warn("Station {} says {} in place of {} in {}: its audio did not arrive", stationId,
                standIn.get().contentId(), item.contentId(), program.id());
        return new Outcome(Optional.empty(), standIn);
    }
}
