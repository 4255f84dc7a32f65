package vn.loalang.protocol.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A program's {@code main} run as a person runs it: in a JVM of its own (it may call {@code System.exit}),
 * on this test's class path, with nothing on its standard input. What it printed and how it ended.
 */
public record JavaMain(int code, String out, String err) {

    /** Runs {@code main} with {@code args}; fails the test if it has not ended within a minute. */
    public static JavaMain run(Class<?> main, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx64m", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"), main.getName()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).start();
        p.getOutputStream().close();
        // Both are small (a usage, a refusal): read one after the other without filling a pipe.
        byte[] out = p.getInputStream().readAllBytes();
        byte[] err = p.getErrorStream().readAllBytes();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(main.getName() + " did not end within a minute");
        }
        return new JavaMain(p.exitValue(), new String(out, StandardCharsets.UTF_8), new String(err, StandardCharsets.UTF_8));
    }
}
