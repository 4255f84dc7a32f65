package vn.loalang.agent.systemd;

import java.io.IOException;

/** Sends one state line to the service manager, e.g. {@code READY=1} or {@code WATCHDOG=1}. */
@FunctionalInterface
public interface Notifier {
    void send(String state) throws IOException;
}
