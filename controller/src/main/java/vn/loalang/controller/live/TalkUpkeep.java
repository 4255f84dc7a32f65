package vn.loalang.controller.live;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The live talks' upkeep, on a thread of its own ({@value #THREAD}), once a second: idle and overlong talks
 * end, speakers' pages get their progress, unsent messages go again, and talks past their late window
 * leave the broker ({@link TalkService#tick()}). Closing it ends every talk still running.
 */
public final class TalkUpkeep implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(TalkUpkeep.class);
    public static final String THREAD = "talk-upkeep";
    static final long EVERY_MILLIS = 1000;

    private final TalkService talks;
    private final ScheduledExecutorService upkeep = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, THREAD);
        t.setDaemon(true);
        return t;
    });

    public TalkUpkeep(TalkService talks) {
        this.talks = talks;
    }

    public void start() {
        upkeep.scheduleWithFixedDelay(this::tick, EVERY_MILLIS, EVERY_MILLIS, TimeUnit.MILLISECONDS);
    }

    private void tick() {
        try {
            talks.tick();
        } catch (RuntimeException e) {
            log.error("Talk upkeep failed ({}); trying again in {} ms", e.toString(), EVERY_MILLIS, e);
        }
    }

    @Override
    public void close() {
        upkeep.shutdownNow();
        talks.close();
    }
}
