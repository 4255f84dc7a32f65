package vn.loalang.agent.audio;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * The level set on the sound card's mixer ({@code amixer -c CARD -- sset CONTROL XdB}), so that a quiet
 * session keeps the samples' full resolution. Cheap USB cards' mixers stop at 0 dB, so only the cut goes
 * to the mixer; a boost above 0 dB stays digital, through the soft limiter. When amixer fails (no such
 * card or control, not installed) the whole level is left to the samples and the failure is logged: the
 * session still plays at its level, never at the mixer's last one.
 */
public final class AlsaMixerLevel implements OutputLevel {
    private static final Logger log = LoggerFactory.getLogger(AlsaMixerLevel.class);
    private static final long TIMEOUT_SECONDS = 5;

    private final String stationId;
    private final String program;
    private final String card;
    private final String control;
    /** The mixer's level as last set; null until then (the card's own, unknown). */
    private Double current;

    public AlsaMixerLevel(String stationId, String card, String control) {
        this(stationId, "amixer", card, control);
    }

    /** With another amixer (tests: a fake that records its arguments). */
    AlsaMixerLevel(String stationId, String program, String card, String control) {
        this.stationId = stationId;
        this.program = program;
        this.card = card;
        this.control = control;
    }

    @Override
    public synchronized double set(double db) {
        double cut = Math.min(db, 0.0);
        double boost = db - cut;
        if (current != null && current == cut) {
            return boost;
        }
        List<String> command = new ArrayList<>(List.of(program, "-c", card, "--", "sset", control,
                String.format(Locale.ROOT, "%.1fdB", cut)));
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            p.getOutputStream().close();
            if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return failed(db, command, "it did not answer within " + TIMEOUT_SECONDS + " s");
            }
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (p.exitValue() != 0) {
                return failed(db, command, "it exited with " + p.exitValue() + ": "
                        + out.lines().findFirst().orElse(""));
            }
        } catch (IOException e) {
            return failed(db, command, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return failed(db, command, "interrupted");
        }
        current = cut;
        log.info("Station {} set mixer {}/{} to {} dB", stationId, card, control, String.format(Locale.ROOT, "%.1f", cut));
        return boost;
    }

    private double failed(double db, List<String> command, String why) {
        current = null;
        log.warn("Station {} could not set its mixer ({} failed: {}); the level {} dB is applied to the samples instead",
                stationId, String.join(" ", command), why, String.format(Locale.ROOT, "%.1f", db));
        return db;
    }

    @Override
    public String describe() {
        return "alsa mixer " + card + "/" + control;
    }
}
