package vn.loalang.agent.systemd;

/** Whether the agent can still do its work; systemd's watchdog is fed only while it says so. */
@FunctionalInterface
public interface Liveness {
    boolean alive();
}
