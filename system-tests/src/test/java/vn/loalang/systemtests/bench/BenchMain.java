package vn.loalang.systemtests.bench;

import vn.loalang.protocol.config.OptionException;
import vn.loalang.protocol.config.OptionText;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * What every benchmark's {@code main} does: print its {@code --help} (made from its options), read the
 * options, run, say why it failed, and exit with 0, 1 (it failed) or 2 (the options were wrong).
 */
final class BenchMain {
    /** Reads the command line; a wrong option is an {@link IllegalArgumentException} with what to fix. */
    interface Parser<O> {
        O parse(String[] argv) throws IOException;
    }

    interface Body<O> {
        void run(O options) throws BenchException, IOException;
    }

    private BenchMain() {
    }

    static <O> void run(String[] argv, Benches.Bench bench, Parser<O> parser, Body<O> body) {
        if (List.of(argv).contains("--help")) {
            System.out.print(bench.usage());
            System.exit(0);
            return;
        }
        O options;
        try {
            options = parser.parse(argv);
        } catch (OptionException e) {
            // A value that breaks its option's rule: said as every program of Loa Làng says it.
            System.err.println(OptionText.refusal("./loalang bench " + bench.name(), e));
            System.exit(2);
            return;
        } catch (IllegalArgumentException | IOException e) {
            System.err.println(e.getMessage());
            System.err.print(bench.usage());
            System.exit(2);
            return;
        }
        int code = 1;
        try {
            body.run(options);
            code = 0;
        } catch (BenchException | IOException e) {
            System.err.println("The " + bench.name() + " benchmark failed: " + e.getMessage());
        } catch (RuntimeException e) {
            System.err.println("The " + bench.name() + " benchmark failed unexpectedly:");
            e.printStackTrace();
        }
        // Everything the benchmark started is stopped by now; exit does not wait for stragglers.
        System.exit(code);
    }

    /** {@code --work}: a directory that is empty or not there yet, so that no run reads another's files. */
    static Path emptyWorkDir(Path work) throws IOException {
        if (work == null || (Files.exists(work) && !isEmptyDirectory(work))) {
            throw new IllegalArgumentException("--work must name a directory that is empty or does not exist yet: "
                    + work);
        }
        return work.toAbsolutePath();
    }

    private static boolean isEmptyDirectory(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return false;
        }
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.findAny().isEmpty();
        }
    }
}
