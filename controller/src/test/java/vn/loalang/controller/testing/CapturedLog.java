package vn.loalang.controller.testing;

import org.tinylog.Level;
import org.tinylog.core.LogEntry;
import org.tinylog.core.LogEntryValue;
import org.tinylog.writers.Writer;

import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A tinylog writer (named in src/test/resources/tinylog.properties) that keeps every log line in
 * memory, so a test can check that a problem was logged, and logged in words an operator can read.
 * Tinylog writes synchronously here (no writing thread), so a line is present once the call that
 * logged it has returned.
 */
public final class CapturedLog implements Writer {
    public record Line(Level level, String className, String message) {
    }

    private static final List<Line> LINES = new CopyOnWriteArrayList<>();

    public CapturedLog(Map<String, String> properties) {
        // Tinylog passes the writer's properties; none are needed.
    }

    /** Lines logged by {@code type} at {@code level} or more severe, containing {@code text}. */
    public static List<Line> lines(Class<?> type, Level level, String text) {
        return LINES.stream()
                .filter(l -> l.className().equals(type.getName()))
                .filter(l -> l.level().ordinal() >= level.ordinal())
                .filter(l -> l.message() != null && l.message().contains(text))
                .toList();
    }

    @Override
    public java.util.Collection<LogEntryValue> getRequiredLogEntryValues() {
        return EnumSet.of(LogEntryValue.LEVEL, LogEntryValue.CLASS, LogEntryValue.MESSAGE);
    }

    @Override
    public void write(LogEntry entry) {
        LINES.add(new Line(entry.getLevel(), entry.getClassName(), entry.getMessage()));
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
    }
}
