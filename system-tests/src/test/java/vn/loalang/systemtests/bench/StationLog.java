package vn.loalang.systemtests.bench;

import vn.loalang.agent.alert.AlertKeeper;
import vn.loalang.agent.content.ContentCache;
import vn.loalang.agent.playout.PlayoutScheduler;
import vn.loalang.agent.playout.SessionPlayer;
import vn.loalang.controller.alert.AlertService;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one log of the benchmark's JVM (controller and stations), written by tinylog in the format
 * below, read for what the agents say they did: the steps from the alert message to the first
 * sample, and how the alert ended. The agent's own log lines are the only way to see inside it
 * without changing it; when one is reworded, nothing matches and the benchmark says so.
 */
final class StationLog {
    /**
     * tinylog's format for this log: microseconds, because steps a millisecond apart are to be told
     * apart; {@code class-name} is the logging class's simple name.
     */
    static final String FORMAT = "{date: yyyy-MM-dd HH:mm:ss.SSSSSS} {level} [{thread}] {class-name}: {message}";
    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS");
    private static final Pattern LINE = Pattern.compile(
            "^(\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{6}) \\w+ \\[[^\\]]*] ([\\w.$]+): (.*)$");

    /** A station's step on the way to its first sample, by the line it logs when the step is done. */
    enum Stage {
        /** Verified by the trust gate, replay guard saved (AlertKeeper.onMessage). */
        RECEIVED(AlertKeeper.class, "Station (\\S+) received \\w+ alert (\\S+) "),
        /** The alert's audio downloaded, hashed and renamed into the cache (ContentCache.fetch), while the siren sounds. */
        FETCHED(ContentCache.class, "Station (\\S+) cached content (\\S+) "),
        /** Submitted to the arbiter, the playout thread woken (PlayoutScheduler.submit). */
        SUBMITTED(PlayoutScheduler.class, "Station (\\S+) received \\w+ (\\S+) \\("),
        /** SESSION_STARTED journalled, relay ON (SessionPlayer.play). */
        RELAY_ON(SessionPlayer.class, "Station (\\S+) starts \\w+ (\\S+) ");

        final Class<?> logger;
        final Pattern message;

        Stage(Class<?> logger, String message) {
            this.logger = logger;
            this.message = Pattern.compile(message);
        }
    }

    /** How a station says a program ended (SessionPlayer.play); {@code reason} null when it played to its end. */
    record Finished(int played, int notPlayed, String reason) {
    }

    /** One line: when, which class, what. */
    record Line(Instant at, String logger, String message) {
        Matcher match(Class<?> from, Pattern pattern) {
            Matcher m = pattern.matcher(message);
            return logger.equals(from.getSimpleName()) && m.lookingAt() ? m : null;
        }
    }

    private static final Pattern FOLLOWS = Pattern.compile("Station (\\S+) follows the alerts of village (\\S+)$");
    private static final Pattern FINISHED = Pattern.compile(
            "Station (\\S+) finished (\\S+): (\\d+) played, (\\d+) not played(?: \\((\\w+)\\))?$");
    private static final Pattern FELL_BACK = Pattern.compile("Station (\\S+) cannot fetch the audio of alert (\\S+) ");
    private static final Pattern ITEM_FAILED = Pattern.compile("Station (\\S+) cannot play \\S+ in (\\S+): ");

    private final List<Line> lines;

    private StationLog(List<Line> lines) {
        this.lines = lines;
    }

    static StationLog read(Path log) throws BenchException {
        List<String> text;
        try {
            text = Files.readAllLines(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new BenchException("cannot read the benchmark's log " + log + ": " + e.getMessage());
        }
        return parse(text);
    }

    /** Lines that are not in the format (a stack trace's) are left out. */
    static StationLog parse(List<String> text) {
        List<Line> lines = new ArrayList<>();
        for (String s : text) {
            Matcher m = LINE.matcher(s);
            if (m.matches()) {
                lines.add(new Line(instant(m.group(1)), m.group(2), m.group(3)));
            }
        }
        return new StationLog(lines);
    }

    /** A time as this log writes it, in the JVM's time zone as tinylog writes it. */
    static Instant instant(String date) {
        return LocalDateTime.parse(date, DATE).atZone(ZoneId.systemDefault()).toInstant();
    }

    /** The stations that subscribed to the village's alert topic (logged once the broker acknowledged). */
    Set<String> following(String village) {
        Set<String> out = new HashSet<>();
        for (Line line : lines) {
            Matcher m = line.match(AlertKeeper.class, FOLLOWS);
            if (m != null && m.group(2).equals(village)) {
                out.add(m.group(1));
            }
        }
        return out;
    }

    /**
     * When each station logged each stage for {@code alertId}, the first time. The fetch line names
     * content, not the alert: it counts when it comes after the station received the alert.
     */
    Map<String, Map<Stage, Instant>> stages(String alertId, String contentId) {
        Map<String, Map<Stage, Instant>> out = new HashMap<>();
        for (Line line : lines) {
            for (Stage stage : Stage.values()) {
                Matcher m = line.match(stage.logger, stage.message);
                if (m == null) {
                    continue;
                }
                Map<Stage, Instant> of = out.computeIfAbsent(m.group(1), k -> new EnumMap<>(Stage.class));
                boolean subject = m.group(2).equals(stage == Stage.FETCHED ? contentId : alertId);
                if (subject && (stage != Stage.FETCHED || of.containsKey(Stage.RECEIVED))) {
                    of.putIfAbsent(stage, line.at());
                }
            }
        }
        return out;
    }

    /** What the controller says its own part of a trigger took, in milliseconds (AlertService.trigger). */
    record Triggered(long checkedMillis, long spokenMillis, long storedMillis, long handedMillis) {
    }

    private static final Pattern TRIGGERED = Pattern.compile("Alert (\\S+) .* checked and signed in (\\d+) ms \\(text"
            + " spoken in (\\d+) ms\\), stored in (\\d+) ms, handed to the broker in (\\d+) ms$");

    /** The controller's account of triggering {@code alertId}; empty when its line is not (or no longer) as expected. */
    Optional<Triggered> triggered(String alertId) {
        for (Line line : lines) {
            Matcher m = line.match(AlertService.class, TRIGGERED);
            if (m != null && m.group(1).equals(alertId)) {
                return Optional.of(new Triggered(Long.parseLong(m.group(2)), Long.parseLong(m.group(3)),
                        Long.parseLong(m.group(4)), Long.parseLong(m.group(5))));
            }
        }
        return Optional.empty();
    }

    /** How each station's program {@code programId} ended, by station. */
    Map<String, Finished> finished(String programId) {
        Map<String, Finished> out = new HashMap<>();
        for (Line line : lines) {
            Matcher m = line.match(SessionPlayer.class, FINISHED);
            if (m != null && m.group(2).equals(programId)) {
                out.put(m.group(1), new Finished(Integer.parseInt(m.group(3)), Integer.parseInt(m.group(4)), m.group(5)));
            }
        }
        return out;
    }

    /**
     * The stations that did not say all of the alert as sent: its audio could not be fetched (the
     * built-in fallback was said instead), or an item of it failed to play.
     */
    Set<String> fellShort(String alertId) {
        Set<String> out = new HashSet<>();
        for (Line line : lines) {
            Matcher m = line.match(AlertKeeper.class, FELL_BACK);
            if (m == null) {
                m = line.match(SessionPlayer.class, ITEM_FAILED);
            }
            if (m != null && m.group(2).equals(alertId)) {
                out.add(m.group(1));
            }
        }
        return out;
    }
}
