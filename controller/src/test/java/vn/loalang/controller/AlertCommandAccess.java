package vn.loalang.controller;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** Lets tests in other packages run the package-private alert command with captured output. */
public final class AlertCommandAccess {
    private AlertCommandAccess() {
    }

    public static int run(String[] args, ByteArrayOutputStream out, ByteArrayOutputStream err) {
        return AlertCommand.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }
}
