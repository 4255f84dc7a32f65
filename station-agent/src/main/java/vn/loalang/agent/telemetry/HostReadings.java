package vn.loalang.agent.telemetry;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * What the Linux host says about itself, read from {@code /proc} and {@code /sys} under a root
 * (the real {@code /}, or a folder laid out the same way in tests). A reading the host does not
 * expose is empty: a PC has no thermal zone, an Ethernet station no wireless link.
 */
public final class HostReadings {
    private final Path root;

    public HostReadings(Path root) {
        this.root = root;
    }

    public static HostReadings system() {
        return new HostReadings(Path.of("/"));
    }

    public Optional<Long> uptimeSeconds() {
        return first("proc/uptime").flatMap(l -> number(l.split("\\s+")[0])).map(Double::longValue);
    }

    public Optional<Double> load1() {
        return first("proc/loadavg").flatMap(l -> number(l.split("\\s+")[0]));
    }

    /** MemAvailable, in MB. */
    public Optional<Long> memoryAvailableMb() {
        return lines("proc/meminfo").stream().filter(l -> l.startsWith("MemAvailable:")).findFirst()
                .flatMap(l -> number(l.replaceAll("[^0-9]", ""))).map(kb -> kb.longValue() / 1024);
    }

    /** The first thermal zone, in °C (the kernel gives millidegrees). */
    public Optional<Double> cpuTemperatureC() {
        return first("sys/class/thermal/thermal_zone0/temp").flatMap(l -> number(l.strip())).map(m -> m / 1000.0);
    }

    /** Wi-Fi when /proc/net/wireless lists an interface, with its signal level in dBm. */
    public Optional<Integer> wifiSignalDbm() {
        List<String> rows = lines("proc/net/wireless");
        for (String row : rows.subList(Math.min(2, rows.size()), rows.size())) {
            String[] f = row.trim().split("\\s+");
            if (f.length >= 4) {
                return number(f[3]).map(Double::intValue);
            }
        }
        return Optional.empty();
    }

    /** wifi, cellular (a wwan or ppp interface is up), ethernet, or unknown. */
    public String link() {
        if (wifiSignalDbm().isPresent()) {
            return "wifi";
        }
        List<String> dev = lines("proc/net/dev");
        if (dev.stream().anyMatch(l -> l.trim().startsWith("wwan") || l.trim().startsWith("ppp"))) {
            return "cellular";
        }
        if (dev.stream().anyMatch(l -> l.trim().startsWith("eth") || l.trim().startsWith("en"))) {
            return "ethernet";
        }
        return "unknown";
    }

    /** Free space, in MB, on the file system that holds {@code dir}. */
    public static Optional<Long> diskFreeMb(Path dir) {
        try {
            FileStore store = Files.getFileStore(dir);
            return Optional.of(store.getUsableSpace() / (1024 * 1024));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** A kernel number; a garbled file is no reading, not a crash. */
    private static Optional<Double> number(String text) {
        try {
            return Optional.of(Double.parseDouble(text));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private Optional<String> first(String relative) {
        List<String> l = lines(relative);
        return l.isEmpty() ? Optional.empty() : Optional.of(l.get(0));
    }

    private List<String> lines(String relative) {
        Path file = root.resolve(relative);
        try {
            return Files.isReadable(file) ? Files.readAllLines(file) : List.of();
        } catch (IOException | RuntimeException e) {
            return List.of();
        }
    }
}
