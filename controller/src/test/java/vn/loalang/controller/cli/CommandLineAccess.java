package vn.loalang.controller.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** Lets tests in other packages run the package-private command-line tools with captured output. */
public final class CommandLineAccess {
    private CommandLineAccess() {
    }

    public static int alert(String[] args, ByteArrayOutputStream out, ByteArrayOutputStream err) {
        return AlertCommand.run(args, print(out), print(err));
    }

    public static int station(String[] args, ByteArrayOutputStream out, ByteArrayOutputStream err) {
        return StationCommand.run(args, print(out), print(err));
    }

    private static PrintStream print(ByteArrayOutputStream to) {
        return new PrintStream(to, true, StandardCharsets.UTF_8);
    }
}
