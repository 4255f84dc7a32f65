package vn.loalang.protocol.fuzz;

import net.jqwik.api.AfterFailureMode;
import net.jqwik.api.FixedSeedMode;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.lifecycle.AroundPropertyHook;
import net.jqwik.api.lifecycle.PropertyAttributes;
import net.jqwik.api.lifecycle.PropertyExecutionResult;
import net.jqwik.api.lifecycle.PropertyExecutor;
import net.jqwik.api.lifecycle.PropertyLifecycleContext;

import java.security.SecureRandom;
import java.time.Duration;

/**
 * The difference between a test run and a long run. In a test run ({@code ./loalang test}) a property
 * runs as annotated: a fixed seed and a small number of tries, the same cases every time. In a long
 * run ({@code ./loalang fuzz --minutes N}, system property {@value Fuzz#SECONDS_PER_PROPERTY}) each
 * property gets a random seed, no limit on tries and a time budget; when the budget is spent the next
 * case ends the property, which then counts as passed.
 */
public final class FuzzBudget implements AroundPropertyHook {
    private static volatile long deadlineNanos = Long.MAX_VALUE;

    /** Thrown by {@link Fuzz#check} once the property's time is up: not a failure. */
    static final class Spent extends RuntimeException {
        Spent() {
            super("the property's fuzzing time is spent", null, false, false);
        }
    }

    static void stopWhenSpent() {
        if (System.nanoTime() - deadlineNanos > 0) {
            throw new Spent();
        }
    }

    /** Added to a class, it applies to the class's properties (jqwik's default would keep it to the class). */
    @Override
    public net.jqwik.api.lifecycle.PropagationMode propagateTo() {
        return net.jqwik.api.lifecycle.PropagationMode.ALL_DESCENDANTS;
    }

    @Override
    public PropertyExecutionResult aroundProperty(PropertyLifecycleContext context, PropertyExecutor property) {
        if (!Fuzz.longRun()) {
            return property.execute();
        }
        Duration budget = Duration.ofSeconds(Long.getLong(Fuzz.SECONDS_PER_PROPERTY));
        PropertyAttributes attributes = context.attributes();
        String seed = Long.toString(new SecureRandom().nextLong());
        attributes.setSeed(seed);
        attributes.setWhenFixedSeed(FixedSeedMode.ALLOW);
        attributes.setAfterFailure(AfterFailureMode.RANDOM_SEED);
        attributes.setTries(Integer.MAX_VALUE);
        attributes.setShrinking(ShrinkingMode.OFF);
        long start = System.nanoTime();
        deadlineNanos = start + budget.toNanos();
        try {
            PropertyExecutionResult result = property.execute();
            String ran = context.extendedLabel() + ": " + result.countTries() + " cases in "
                    + Duration.ofNanos(System.nanoTime() - start).toSeconds() + " s, seed " + seed;
            if (result.status() == PropertyExecutionResult.Status.FAILED
                    && result.throwable().filter(t -> t instanceof Spent && t.getSuppressed().length == 0).isPresent()) {
                System.out.println("[fuzz] " + ran + ": no failure");
                return result.mapToSuccessful();
            }
            System.out.println("[fuzz] " + ran + ": " + result.status());
            return result;
        } finally {
            deadlineNanos = Long.MAX_VALUE;
        }
    }
}
