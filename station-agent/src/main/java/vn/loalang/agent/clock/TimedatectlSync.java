package vn.loalang.agent.clock;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Asks systemd whether the kernel's clock is synchronised ({@code timedatectl show -p NTPSynchronized
 * --value}: "yes" or "no"). It reads the kernel's own flag (adjtimex), so it holds whichever NTP client
 * runs (systemd-timesyncd or chrony). A machine without systemd (a container) cannot tell: the answer
 * is then "not synced" for good, said once in the log, and the command is not run again.
 */
public final class TimedatectlSync implements TimeSync {
    private static final Logger log = LoggerFactory.getLogger(TimedatectlSync.class);
    static final List<String> COMMAND = List.of("timedatectl", "show", "-p", "NTPSynchronized", "--value");
    private static final long TIMEOUT_SECONDS = 5;

    private final String stationId;
    private final List<String> command;
    private volatile boolean unavailable;

    public TimedatectlSync(String stationId) {
        this(stationId, COMMAND);
    }

    /** With another command that prints "yes" or "no" (tests). */
    TimedatectlSync(String stationId, List<String> command) {
        this.stationId = stationId;
        this.command = List.copyOf(command);
    }

    @Override
    public boolean synced() {
        if (unavailable) {
            return false;
        }
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            p.getOutputStream().close();
            if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                log.warn("Station {}: {} did not answer within {} s; NTP counted as not synced", stationId,
                        String.join(" ", command), TIMEOUT_SECONDS);
                return false;
            }
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (p.exitValue() != 0) {
                giveUp("it exited with " + p.exitValue() + ": " + out);
                return false;
            }
            return out.equals("yes");
        } catch (IOException e) {
            giveUp(e.getMessage());
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private void giveUp(String why) {
        unavailable = true;
        log.warn("Station {} cannot ask whether NTP has set its clock ({} failed: {}); it trusts its clock only "
                + "with clock.rtc or once the controller's signed time arrives", stationId, String.join(" ", command),
                why.lines().findFirst().orElse(""));
    }
}
