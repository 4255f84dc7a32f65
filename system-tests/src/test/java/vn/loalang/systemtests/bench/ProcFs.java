package vn.loalang.systemtests.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What Linux tells about a running process in {@code /proc}: resident memory and CPU time. */
final class ProcFs {
    /** One look at a process: resident set now and at its peak (kB), CPU time so far (clock ticks). */
    record Sample(Instant at, long rssKb, long peakRssKb, long cpuTicks) {
    }

    /**
     * The kernel's TCP counters (the whole machine's) that show connections made to wait: a listen
     * queue that overflowed, connection attempts dropped at a listening socket, segments sent again
     * (a dropped SYN is sent again after 1 s, then 3 s, ...).
     */
    record Tcp(long listenOverflows, long listenDrops, long retransmittedSegments) {
        Tcp since(Tcp before) {
            return new Tcp(listenOverflows - before.listenOverflows, listenDrops - before.listenDrops,
                    retransmittedSegments - before.retransmittedSegments);
        }
    }

    private ProcFs() {
    }

    /** The kernel's ids of this process's threads whose name (as Linux keeps it: 15 characters) matches. */
    static java.util.List<Long> threads(java.util.function.Predicate<String> name) throws BenchException {
        java.util.List<Long> ids = new java.util.ArrayList<>();
        try (var tasks = Files.list(Path.of("/proc/self/task"))) {
            for (Path task : (Iterable<Path>) tasks::iterator) {
                try {
                    if (name.test(Files.readString(task.resolve("comm"), StandardCharsets.UTF_8).strip())) {
                        ids.add(Long.parseLong(task.getFileName().toString()));
                    }
                } catch (NoSuchFileException gone) {
                    // The thread ended while the list was read.
                }
            }
        } catch (IOException e) {
            throw new BenchException("cannot list this process's threads in /proc/self/task: " + e.getMessage());
        }
        return ids;
    }

    static Tcp tcp() throws BenchException {
        try {
            String netstat = Files.readString(Path.of("/proc/net/netstat"), StandardCharsets.US_ASCII);
            String snmp = Files.readString(Path.of("/proc/net/snmp"), StandardCharsets.US_ASCII);
            return new Tcp(counter(netstat, "TcpExt", "ListenOverflows"), counter(netstat, "TcpExt", "ListenDrops"),
                    counter(snmp, "Tcp", "RetransSegs"));
        } catch (IOException e) {
            throw new BenchException("cannot read the TCP counters in /proc/net: " + e.getMessage());
        }
    }

    /** This process's soft limit on open files ("Max open files" of /proc/self/limits); -1: unlimited. */
    static long maxOpenFiles() throws BenchException {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/limits"), StandardCharsets.US_ASCII)) {
                if (line.startsWith("Max open files")) {
                    String soft = line.substring("Max open files".length()).trim().split("\\s+")[0];
                    return soft.equals("unlimited") ? -1 : Long.parseLong(soft);
                }
            }
        } catch (IOException | NumberFormatException e) {
            throw new BenchException("cannot read this process's limits in /proc/self/limits: " + e.getMessage());
        }
        throw new BenchException("/proc/self/limits has no line for open files");
    }

    /**
     * Established TCP connections whose local end is {@code port} on this machine: for a server's
     * port, the connections its clients hold open. IPv6 too: Java listens on 127.0.0.1 through an
     * IPv6 socket ({@code ::ffff:127.0.0.1}), listed in /proc/net/tcp6.
     */
    static int established(int port) throws BenchException {
        int n = 0;
        for (String table : new String[]{"/proc/net/tcp", "/proc/net/tcp6"}) {
            try {
                n += established(Files.readString(Path.of(table), StandardCharsets.US_ASCII), port);
            } catch (IOException e) {
                throw new BenchException("cannot read " + table + ": " + e.getMessage());
            }
        }
        return n;
    }

    /** Lines "sl local_address rem_address st ...", addresses as hex "IP:PORT", state 01 = ESTABLISHED. */
    static int established(String table, int port) {
        String local = String.format(Locale.ROOT, ":%04X", port);
        int n = 0;
        for (String line : table.split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length > 3 && f[1].endsWith(local) && f[3].equals("01")) {
                n++;
            }
        }
        return n;
    }

    /** One counter of /proc/net/netstat or /proc/net/snmp: a line of names, then a line of values, both "Group: ...". */
    static long counter(String text, String group, String name) throws BenchException {
        String[] names = null;
        for (String line : text.split("\n")) {
            if (!line.startsWith(group + ": ")) {
                continue;
            }
            String[] fields = line.substring(group.length() + 2).trim().split("\\s+");
            if (names == null) {
                names = fields;
                continue;
            }
            for (int i = 0; i < names.length && i < fields.length; i++) {
                if (names[i].equals(name)) {
                    return Long.parseLong(fields[i]);
                }
            }
            break;
        }
        throw new BenchException("/proc/net has no " + group + " counter " + name);
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
    /** The 1-minute load average, to say how busy the machine was; "unknown" when /proc cannot tell. */
    static String loadAverage() {
        try {
            return java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).split(" ")[0];
        } catch (java.io.IOException | RuntimeException e) {
            return "unknown";
        }
    }

    static long ticksPerSecond() throws BenchException {
        String out = Tools.output("getconf", "CLK_TCK").strip();
        try {
            return Long.parseLong(out);
        } catch (NumberFormatException e) {
            throw new BenchException("getconf CLK_TCK answered '" + out + "', not a number");
        }
    }
}
