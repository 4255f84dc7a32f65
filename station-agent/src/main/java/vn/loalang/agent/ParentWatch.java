package vn.loalang.agent;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;

/**
 * {@code --exit-with-parent}: the agent's standard input is a pipe from the process that started it
 * (the demo), and the kernel closes that pipe when its parent ends, however it ends, SIGKILL
 * included. Then the agent stops too, instead of playing on as an orphan nobody will stop.
 */
final class ParentWatch {
    private static final Logger log = LoggerFactory.getLogger(ParentWatch.class);

    private ParentWatch() {
    }

    static Thread start(String stationId, InputStream stdin, Runnable stop) {
        Thread t = new Thread(() -> {
            byte[] ignored = new byte[256];
            try {
                while (stdin.read(ignored) >= 0) {
                    // Whatever the parent writes means nothing; only the end of the pipe does.
                }
            } catch (IOException e) {
                log.warn("Station {} cannot read its standard input ({}); taking it as its parent gone", stationId,
                        e.getMessage());
            }
            log.info("Station {}: the process that started it has ended (standard input closed); stopping", stationId);
            stop.run();
        }, "parent-watch-" + stationId);
        t.setDaemon(true);
        t.start();
        return t;
    }
}
