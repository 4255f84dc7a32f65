package vn.loalang.agent.telemetry;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The host's readings from a /proc and /sys laid out as on a Raspberry Pi, and what is left empty when absent. */
class HostReadingsTest {
    @TempDir
    Path root;

    private void put(String relative, String content) throws IOException {
        Path file = root.resolve(relative);
        Files.createDirectories(file.getParent());
        Files.writeString(file, content);
    }

    @Test
    void aRaspberryPiOnWifiIsReadAsItIs() throws IOException {
        put("proc/uptime", "86432.18 160000.50\n");
        put("proc/loadavg", "0.42 0.35 0.30 1/180 1234\n");
        put("proc/meminfo", "MemTotal:        3884096 kB\nMemFree:          201000 kB\nMemAvailable:    2048000 kB\n");
        put("sys/class/thermal/thermal_zone0/temp", "61234\n");
        put("proc/net/wireless", "Inter-| sta-|   Quality        |   Discarded packets               | Missed | WE\n"
                + " face | tus | link level noise |  nwid  crypt   frag  retry   misc | beacon | 22\n"
                + "wlan0: 0000   52.  -58.  -256        0      0      0      0     12        0\n");
        HostReadings host = new HostReadings(root);
        assertEquals(Optional.of(86432L), host.uptimeSeconds());
        assertEquals(Optional.of(0.42), host.load1());
        assertEquals(Optional.of(2000L), host.memoryAvailableMb());
        assertEquals(61.234, host.cpuTemperatureC().orElseThrow(), 1e-9);
        assertEquals(Optional.of(-58), host.wifiSignalDbm());
        assertEquals("wifi", host.link());
    }

    @Test
    void whatTheHostDoesNotExposeOrWritesGarbledIsNoReading() throws IOException {
        put("proc/net/dev", "Inter-|   Receive\n face |bytes\n  eth0: 123 0 0\n    lo: 1 0 0\n");
        put("proc/loadavg", "garbled\n");
        HostReadings host = new HostReadings(root);
        assertTrue(host.cpuTemperatureC().isEmpty(), "no thermal zone on this machine");
        assertTrue(host.uptimeSeconds().isEmpty());
        assertTrue(host.load1().isEmpty(), "a garbled file is not a crash");
        assertEquals("ethernet", host.link());
        assertTrue(HostReadings.diskFreeMb(root).orElseThrow() > 0);
    }
}
