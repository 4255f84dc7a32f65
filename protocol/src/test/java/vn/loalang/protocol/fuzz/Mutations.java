package vn.loalang.protocol.fuzz;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

import java.util.List;
import java.util.Random;
import java.util.function.BiFunction;

/** jqwik's view of the {@link Mutator}: inputs made from golden messages, each reproducible from the property's seed. */
public final class Mutations {
    private Mutations() {
    }

    /** The goldens themselves now and then, mostly mutated ones, and some bytes of nothing in particular. */
    public static Arbitrary<byte[]> of(List<byte[]> goldens) {
        return of(goldens, Mutator::mutate);
    }

    /**
     * As {@link #of(List)} with a mutation of one's own, for inputs that need more than bytes changed
     * (a signed envelope whose payload is mutated and then signed again, to reach past the signature).
     */
    public static Arbitrary<byte[]> of(List<byte[]> goldens, BiFunction<byte[], Random, byte[]> mutation) {
        if (goldens.isEmpty()) {
            throw new IllegalArgumentException("a fuzz property needs at least one golden message");
        }
        Arbitrary<byte[]> mutated = Combinators.combine(Arbitraries.integers().between(0, goldens.size() - 1).withoutEdgeCases(),
                Arbitraries.longs().withoutEdgeCases()).as((i, seed) -> mutation.apply(goldens.get(i), new Random(seed)));
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(1, Arbitraries.of(goldens).map(byte[]::clone)),
                net.jqwik.api.Tuple.of(17, mutated),
                net.jqwik.api.Tuple.of(2, Arbitraries.bytes().array(byte[].class).ofMaxSize(2_048)));
    }
}
