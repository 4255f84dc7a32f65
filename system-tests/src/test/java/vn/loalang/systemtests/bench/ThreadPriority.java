package vn.loalang.systemtests.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Sets the nice level of this JVM's threads chosen by their Java name. Linux keeps only 15
 * characters of a thread's name, too few to tell {@code MQTT Call: loalang-loa-0001} from
 * {@code MQTT Call: loalang-controller}; the JVM's own thread dump has the whole name beside the
 * kernel's id ({@code nid}). Threads started later by a chosen thread inherit its level.
 */
final class ThreadPriority {
    /** {@code "name" #12 daemon prio=5 os_prio=0 cpu=… tid=0x… nid=0x1f3e …}; Java 19 and later print the nid in decimal. */
    private static final Pattern THREAD = Pattern.compile("^\"(.*)\" .*\\bnid=(0x[0-9a-fA-F]+|\\d+)\\b.*$");

    private ThreadPriority() {
    }

    /** @return how many threads were set */
    static int set(int nice, Predicate<String> javaName, String whose) throws BenchException {
        List<String> command = new ArrayList<>(List.of("renice", "-n", Integer.toString(nice), "-p"));
        int found = 0;
        for (String line : threadDump()) {
            Matcher m = THREAD.matcher(line);
            if (m.matches() && javaName.test(m.group(1))) {
                command.add(Long.toString(kernelId(line)));
                found++;
            }
        }
        if (found == 0) {
            throw new BenchException("found no thread of " + whose + " in the JVM's thread dump");
        }
        Process p = start(command);
        try {
            p.getInputStream().readAllBytes(); // a line per thread: read, or renice blocks on a full pipe
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new BenchException("renice of " + whose + " " + found + " threads to " + nice + " failed"
                        + (nice < 0 ? " (below 0 needs root; or give 0)" : ""));
            }
        } catch (IOException e) {
            throw new BenchException("cannot read renice's answer: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BenchException("interrupted while setting the priority of " + whose + " threads");
        }
        return found;
    }

    /** The kernel's id of the thread a line of {@code jcmd Thread.print} begins, or -1 when it begins none. */
    static long kernelId(String dumpLine) {
        Matcher m = THREAD.matcher(dumpLine);
        if (!m.matches()) {
            return -1;
        }
        String nid = m.group(2);
        return nid.startsWith("0x") ? Long.parseLong(nid.substring(2), 16) : Long.parseLong(nid);
    }

    private static List<String> threadDump() throws BenchException {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        Process p = start(List.of(jcmd.toString(), Long.toString(ProcessHandle.current().pid()), "Thread.print"));
        try {
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new BenchException("jcmd Thread.print failed: " + new String(out, StandardCharsets.UTF_8).strip());
            }
            return new String(out, StandardCharsets.UTF_8).lines().toList();
        } catch (IOException e) {
            throw new BenchException("cannot read jcmd's thread dump: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BenchException("interrupted while reading the thread dump");
        }
    }

    private static Process start(List<String> command) throws BenchException {
        if (!Files.isExecutable(Path.of(command.get(0))) && command.get(0).contains("/")) {
            throw new BenchException(command.get(0) + " is missing: the bench needs a JDK, not only a JRE");
        }
        try {
            return new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new BenchException("cannot run " + command.get(0) + ": " + e.getMessage());
        }
    }
}
