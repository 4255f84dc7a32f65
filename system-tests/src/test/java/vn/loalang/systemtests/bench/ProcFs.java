package vn.loalang.systemtests.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What Linux tells about a running process in {@code /proc}: resident memory and CPU time. */
final class ProcFs {
    /** One look at a process: resident set now and at its peak (kB), CPU time so far (clock ticks). */
    record Sample(Instant at, long rssKb, long peakRssKb, long cpuTicks) {
    }

    private ProcFs() {
    }

    static Sample sample(long pid) throws BenchException {
        try {
            Instant at = Instant.now();
            String status = Files.readString(Path.of("/proc", Long.toString(pid), "status"), StandardCharsets.US_ASCII);
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"), StandardCharsets.US_ASCII);
            return new Sample(at, statusKb(status, "VmRSS"), statusKb(status, "VmHWM"), cpuTicks(stat));
        } catch (NoSuchFileException e) {
            throw new BenchException("process " + pid + " has no /proc entry: it has exited, or this is not Linux");
        } catch (IOException e) {
            throw new BenchException("cannot read /proc for process " + pid + ": " + e.getMessage());
        }
    }

    /** A "Name:   1234 kB" line of /proc/PID/status, in kB. */
    static long statusKb(String status, String field) throws BenchException {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(field) + ":\\s+(\\d+) kB$").matcher(status);
        if (!m.find()) {
            throw new BenchException("/proc status has no " + field + " line");
        }
        return Long.parseLong(m.group(1));
    }

    /**
     * User plus system time of all the process's threads, fields 14 and 15 of /proc/PID/stat. They
     * are counted after the ')' that closes field 2, the command name, which may itself hold
     * spaces and parentheses.
     */
    static long cpuTicks(String stat) throws BenchException {
        int close = stat.lastIndexOf(')');
        String[] rest = close < 0 ? new String[0] : stat.substring(close + 1).trim().split("\\s+");
        // rest[0] is field 3 (state), so field n is rest[n - 3].
        if (rest.length < 13) {
            throw new BenchException("/proc stat line is too short to hold utime and stime: " + stat.strip());
        }
        return Long.parseLong(rest[11]) + Long.parseLong(rest[12]);
    }

    /** The kernel's clock ticks per second, the unit of /proc/PID/stat times (100 on most systems). */
    static long ticksPerSecond() throws BenchException {
        String out = Tools.output("getconf", "CLK_TCK").strip();
        try {
            return Long.parseLong(out);
        } catch (NumberFormatException e) {
            throw new BenchException("getconf CLK_TCK answered '" + out + "', not a number");
        }
    }
}
