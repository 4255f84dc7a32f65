package vn.loalang.agent.systemd;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/** systemd as the agent's notices reach it: every state line, in order; it can refuse the next few. */
final class RecordingNotifier implements Notifier {
    private final List<String> sent = new CopyOnWriteArrayList<>();
    private final AtomicInteger refusalsToCome = new AtomicInteger();

    void refuseNext(int n) {
        refusalsToCome.set(n);
    }

    @Override
    public void send(String state) throws IOException {
        if (refusalsToCome.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            throw new IOException("systemd-notify could not tell systemd " + state + " (simulated)");
        }
        sent.add(state);
    }

    List<String> sent() {
        return List.copyOf(sent);
    }

    long watchdogs() {
        return sent.stream().filter("WATCHDOG=1"::equals).count();
    }
}
