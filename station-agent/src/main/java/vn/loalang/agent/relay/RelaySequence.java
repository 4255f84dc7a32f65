package vn.loalang.agent.relay;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * When each relay channel goes on before a session's first sample. Channels are switched one after
 * another, {@code stagger} apart, so their amplifiers' inrush currents do not add up on a weak
 * supply; the sequence starts early enough that every channel still gets its own warm-up:
 * channel {@code i} goes on at {@code lead − i × stagger} before the first sample, and
 * {@code lead = max(warmup_i + i × stagger)}.
 */
public record RelaySequence(List<Duration> warmups, Duration stagger) {
    public RelaySequence {
        warmups = List.copyOf(warmups);
        Objects.requireNonNull(stagger, "stagger");
        if (warmups.isEmpty()) {
            throw new IllegalArgumentException("a relay sequence needs at least one channel");
        }
    }

    /** Every one of {@code channels} with the same warm-up, switched together. */
    public static RelaySequence together(int channels, Duration warmup) {
        return new RelaySequence(java.util.Collections.nCopies(channels, warmup), Duration.ZERO);
    }

    public int channels() {
        return warmups.size();
    }

    /** From the first channel on to the first sample. */
    public Duration lead() {
        Duration lead = Duration.ZERO;
        for (int i = 0; i < warmups.size(); i++) {
            Duration needed = warmups.get(i).plus(stagger.multipliedBy(i));
            if (needed.compareTo(lead) > 0) {
                lead = needed;
            }
        }
        return lead;
    }

    /** When channel {@code i} goes on, counted from the first channel. */
    public Duration onAfter(int channel) {
        return stagger.multipliedBy(channel);
    }
}
