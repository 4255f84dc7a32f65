package vn.loalang.controller.content;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import vn.loalang.controller.priority.BackgroundThreads;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The library's upkeep, on a thread of its own ({@value #THREAD}): each minute its disk is checked
 * (said once when it runs low, and when it has room again); each hour the expired spoken alert clips
 * are swept (the sweep is the alert package's: it knows which clips a live alert still plays).
 */
public final class LibraryUpkeep implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LibraryUpkeep.class);
    public static final String THREAD = "library-upkeep";
    static final Duration SWEEP_EVERY = Duration.ofHours(1);

    private final LibraryCatalog library;
    private final Runnable sweepSpokenClips;
    private final ScheduledExecutorService upkeep = Executors.newSingleThreadScheduledExecutor(
            BackgroundThreads.named(THREAD));

    public LibraryUpkeep(LibraryCatalog library, Runnable sweepSpokenClips) {
        this.library = library;
        this.sweepSpokenClips = sweepSpokenClips;
    }

    /** Starts the timers: the first disk check and the first sweep a second from now. */
    public void start() {
        upkeep.scheduleWithFixedDelay(this::checkDisk, 1, 60, TimeUnit.SECONDS);
        upkeep.scheduleWithFixedDelay(this::sweep, 1, SWEEP_EVERY.toSeconds(), TimeUnit.SECONDS);
    }

    private void checkDisk() {
        try {
            library.checkDisk();
        } catch (RuntimeException e) {
            log.error("Library upkeep failed to check the disk ({}); trying again in a minute", e.toString(), e);
        }
    }

    private void sweep() {
        try {
            sweepSpokenClips.run();
        } catch (RuntimeException e) {
            log.error("Library upkeep failed to sweep the expired spoken clips ({}); trying again in an hour",
                    e.toString(), e);
        }
    }

    @Override
    public void close() {
        upkeep.shutdownNow();
    }
}
