package vn.loalang.agent.systemd;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * Notifies systemd through its {@code systemd-notify} program: Java 17 cannot send the Unix
 * datagram itself. Since systemd 246 the program waits until systemd has taken the message, so it
 * is not lost when the short-lived process is gone before systemd looks at it; the unit needs
 * {@code NotifyAccess=all} because the sender is a child of the agent, not the agent.
 */
public final class SystemdNotify implements Notifier {
    private static final long TIMEOUT_SECONDS = 10;

    private final String program;

    public SystemdNotify() {
        this("systemd-notify");
    }

    /** @param program the {@code systemd-notify} executable, by name on the PATH or by path */
    public SystemdNotify(String program) {
        this.program = program;
    }

    @Override
    public void send(String state) throws IOException {
        Process process;
        try {
            process = new ProcessBuilder(program, "--pid=" + ProcessHandle.current().pid(), state)
                    .redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new IOException("cannot run " + program + " to tell systemd " + state + ": " + e.getMessage()
                    + " (is systemd installed?)", e);
        }
        try (InputStream out = process.getInputStream()) {
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IOException(program + " did not finish telling systemd " + state + " within "
                        + TIMEOUT_SECONDS + " s");
            }
            if (process.exitValue() != 0) {
                String said = new String(out.readAllBytes(), StandardCharsets.UTF_8).strip();
                throw new IOException(program + " could not tell systemd " + state + " (exit " + process.exitValue()
                        + (said.isEmpty() ? "" : ": " + said) + ")");
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while telling systemd " + state, e);
        }
    }
}
