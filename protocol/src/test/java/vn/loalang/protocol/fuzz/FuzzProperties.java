package vn.loalang.protocol.fuzz;

import net.jqwik.api.lifecycle.AfterProperty;
import net.jqwik.api.lifecycle.BeforeProperty;

import java.lang.management.ManagementFactory;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * What every fuzz property class shares: its targets are opened on first use and closed after the
 * property, and the heap the property leaves behind (measured after a full GC while its targets are
 * still open, so that what they keep is counted) stays under {@link #heapBoundBytes()}: a handler
 * that keeps something for every message, however small, fails a long run.
 * <p>
 * A subclass carries {@code @Tag("fuzz")} (what {@code ./loalang fuzz} runs) and
 * {@code @AddLifecycleHook(FuzzBudget.class)} (jqwik does not inherit it from here).
 */
public abstract class FuzzProperties {
    private final Map<String, FuzzTarget> open = new LinkedHashMap<>();
    private long heapBefore;

    /** How much more heap the targets may hold after the property than before it. */
    protected long heapBoundBytes() {
        return 48L << 20;
    }

    @BeforeProperty
    void heapBefore() {
        heapBefore = usedHeapAfterGc();
    }

    /** One case for the target {@code name}, opened by {@code opener} the first time. */
    protected final void fuzz(String name, Callable<FuzzTarget> opener, byte[] input) {
        FuzzTarget target = open.get(name);
        if (target == null) {
            try {
                target = opener.call();
                target.prepare();
            } catch (Exception e) {
                throw new IllegalStateException("fuzz target " + name + " cannot be opened: " + e, e);
            }
            open.put(name, target);
        }
        Fuzz.check(name, input, target);
    }

    @AfterProperty
    void heapAfterAndClose() throws Exception {
        try {
            long grown = usedHeapAfterGc() - heapBefore;
            if (grown > heapBoundBytes()) {
                throw new AssertionError("the targets " + open.keySet() + " hold " + (grown >> 20)
                        + " MB more heap after the property than before (bound " + (heapBoundBytes() >> 20) + " MB)");
            }
        } finally {
            for (FuzzTarget target : open.values()) {
                target.close();
            }
            open.clear();
        }
    }

    static long usedHeapAfterGc() {
        var memory = ManagementFactory.getMemoryMXBean();
        memory.gc();
        memory.gc();
        return memory.getHeapMemoryUsage().getUsed();
    }
}
