package vn.loalang.controller.directory;

import vn.loalang.protocol.Ids;
import vn.loalang.protocol.schedule.QuietHours;

import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The commune as the controller holds it now: its settings, villages, their stations, the library's
 * entries and the program. The store is the record ({@link Directory} keeps it); a commune file
 * ({@link CommuneFile}) has the same shape and seeds an empty store once. Library file paths in a
 * file are relative to it.
 *
 * @param commune its settings; named {@code commune} because that is its key in a commune file
 */
public record Commune(Settings commune, List<Village> villages, List<Station> stations, List<LibraryEntry> library,
                      Program program) {

    public Commune {
        Objects.requireNonNull(commune, "commune is missing");
        villages = List.copyOf(Objects.requireNonNull(villages, "villages is missing"));
        // A commune may start with its villages alone: stations are enrolled one by one (provision station)
        // and the library is filled by the operators.
        stations = stations == null ? List.of() : List.copyOf(stations);
        library = library == null ? List.of() : List.copyOf(library);
        program = program == null ? Program.TWO_DAILY_SESSIONS : program;
        Set<String> villageIds = unique("village", villages.stream().map(Village::id).toList());
        unique("station", stations.stream().map(Station::id).toList());
        unique("library entry", library.stream().map(LibraryEntry::id).toList());
        for (Station s : stations) {
            if (!villageIds.contains(s.village())) {
                throw new IllegalArgumentException("station " + s.id() + " belongs to village '" + s.village()
                        + "', which is not in the villages list");
            }
        }
        checkVolumes(commune.volume(), stations, villages, program);
    }

    /**
     * Every station's and session's level within the commune's range: a change that sets one outside it,
     * or narrows the range past one already set, is refused whole (with the range in the message).
     */
    private static void checkVolumes(VolumeLimits range, List<Station> stations, List<Village> villages,
                                     Program program) {
        for (Station s : stations) {
            range.check("cụm loa " + s.id(), "station " + s.id(), s.volumeDb());
        }
        checkVolumes(range, program, "");
        for (Village v : villages) {
            if (v.program() != null) {
                checkVolumes(range, v.program(), " (thôn/ấp " + v.id() + ")");
            }
        }
    }

    private static void checkVolumes(VolumeLimits range, Program program, String where) {
        for (DailySession d : program.daily()) {
            range.check("buổi phát " + d.id() + where, "session " + d.id() + where.replace("thôn/ấp", "village"),
                    d.volumeDb());
        }
        for (OneOffSession o : program.oneOff()) {
            range.check("buổi phát " + o.id() + where, "session " + o.id() + where.replace("thôn/ấp", "village"),
                    o.volumeDb());
        }
    }

    /**
     * @param targetLufs the loudness every library item is brought to (EBU R128 broadcast practice: −16 for speech on horns)
     * @param health     when the commune's stations count as DEGRADED or OFFLINE
     * @param live       what happens to missed relays and talks, and how long recordings are kept (issue 17)
     * @param volume     the range of the stations' and sessions' levels, and a station's until one is set
     */
    public record Settings(String id, String name, String timeZone, Integer horizonDays, Double targetLufs,
                           QuietHours quietHours, HealthThresholds health, LiveSettings live, VolumeLimits volume) {
        public Settings(String id, String name, String timeZone, Integer horizonDays, Double targetLufs,
                        QuietHours quietHours, HealthThresholds health, LiveSettings live) {
            this(id, name, timeZone, horizonDays, targetLufs, quietHours, health, live, null);
        }

        public Settings(String id, String name, String timeZone, Integer horizonDays, Double targetLufs,
                        QuietHours quietHours, HealthThresholds health, VolumeLimits volume) {
            this(id, name, timeZone, horizonDays, targetLufs, quietHours, health, null, volume);
        }

        public Settings(String id, String name, String timeZone, Integer horizonDays, Double targetLufs) {
            this(id, name, timeZone, horizonDays, targetLufs, null, null);
        }

        public Settings(String id, String name, String timeZone, Integer horizonDays, Double targetLufs,
                        QuietHours quietHours, HealthThresholds health) {
            this(id, name, timeZone, horizonDays, targetLufs, quietHours, health, null, null);
        }

        public Settings(String id, String name, String timeZone, Integer horizonDays, Double targetLufs,
                        QuietHours quietHours) {
            this(id, name, timeZone, horizonDays, targetLufs, quietHours, null);
        }

        public Settings {
            Ids.require("commune", id);
            Objects.requireNonNull(name, "commune name");
            timeZone = timeZone == null ? "Asia/Ho_Chi_Minh" : timeZone;
            ZoneId.of(timeZone);
            horizonDays = horizonDays == null ? 7 : horizonDays;
            if (horizonDays < 1 || horizonDays > 60) {
                throw new IllegalArgumentException("horizonDays must be between 1 and 60");
            }
            targetLufs = targetLufs == null ? -16.0 : targetLufs;
            if (targetLufs < -40 || targetLufs > -5) {
                throw new IllegalArgumentException("targetLufs must be between -40 and -5 LUFS");
            }
            health = health == null ? HealthThresholds.DEFAULTS : health;
            live = live == null ? LiveSettings.DEFAULTS : live;
            volume = volume == null ? VolumeLimits.DEFAULTS : volume;
        }

        public ZoneId zone() {
            return ZoneId.of(timeZone);
        }
    }

    /**
     * A village (zone); {@code program}, when present, replaces the commune's program for it.
     *
     * @param formerCommune after communes merged: the old commune the village belonged to (null otherwise)
     * @param geocodes      codes by which a warning authority's CAP alerts name the village's area
     */
    public record Village(String id, String name, Program program, String formerCommune, List<String> geocodes) {
        public Village(String id, String name, Program program) {
            this(id, name, program, null, null);
        }

        public Village(String id, String name, Program program, String formerCommune) {
            this(id, name, program, formerCommune, null);
        }

        public Village {
            Ids.require("village", id);
            Objects.requireNonNull(name, "village " + id + ": name");
            if (name.isBlank()) {
                throw new IllegalArgumentException("village " + id + ": name is empty");
            }
            formerCommune = formerCommune == null || formerCommune.isBlank() ? null : formerCommune.strip();
            if (geocodes != null && geocodes.stream().anyMatch(Objects::isNull)) {
                throw new IllegalArgumentException("village " + id + ": a geocode is empty (null)");
            }
            geocodes = geocodes == null ? List.of() : List.copyOf(geocodes);
        }

        public Village withProgram(Program p) {
            return new Village(id, name, p, formerCommune, geocodes);
        }
    }

    /**
     * A loudspeaker station. Its id is its identity on the network (topics, credentials), so a
     * station is renamed or moved to another village without being provisioned again.
     *
     * @param latitude      WGS 84 degrees, null when not surveyed
     * @param relayChannels how many amplifier / speaker-line relays it switches
     * @param warmUpMs      how long its amplifiers need between relay ON and the first sample
     * @param volumeDb      its level, set by its technician; null: the commune's {@code volume.defaultDb}
     */
    public record Station(String id, String name, String village, Double latitude, Double longitude,
                          Integer relayChannels, Integer warmUpMs, Double volumeDb) {
        public static final int DEFAULT_WARM_UP_MS = 2000;

        public Station(String id, String name, String village, Double latitude, Double longitude,
                       Integer relayChannels, Integer warmUpMs) {
            this(id, name, village, latitude, longitude, relayChannels, warmUpMs, null);
        }

        public Station(String id, String name, String village) {
            this(id, name, village, null, null, null, null, null);
        }

        public Station {
            Ids.require("station", id);
            name = name == null || name.isBlank() ? id : name;
            Objects.requireNonNull(village, "station " + id + ": village");
            if ((latitude == null) != (longitude == null)) {
                throw new IllegalArgumentException("station " + id + ": give both latitude and longitude, or neither");
            }
            if (latitude != null && (latitude < -90 || latitude > 90 || longitude < -180 || longitude > 180)) {
                throw new IllegalArgumentException("station " + id + ": latitude must be within ±90 and longitude"
                        + " within ±180 degrees");
            }
            relayChannels = relayChannels == null ? 1 : relayChannels;
            if (relayChannels < 1 || relayChannels > 16) {
                throw new IllegalArgumentException("station " + id + ": relayChannels must be from 1 to 16");
            }
            warmUpMs = warmUpMs == null ? DEFAULT_WARM_UP_MS : warmUpMs;
            if (warmUpMs < 0 || warmUpMs > 30_000) {
                throw new IllegalArgumentException("station " + id + ": warmUpMs must be from 0 to 30000");
            }
        }
    }

    /**
     * A library file named in a commune file (imported into the store's library at the first start).
     *
     * @param gainDb   a manual trim on top of the measured loudness correction (0 by default)
     * @param language the spoken language, e.g. {@code vi} (default), or a minority language of the commune
     */
    public record LibraryEntry(String id, String title, String category, String file, Double gainDb, LocalDate expires,
                               String language) {
        public LibraryEntry(String id, String title, String category, String file, Double gainDb) {
            this(id, title, category, file, gainDb, null, null);
        }

        public LibraryEntry(String id, String title, String category, String file, Double gainDb, LocalDate expires) {
            this(id, title, category, file, gainDb, expires, null);
        }

        /** What the commune broadcasts; reports and the console group items by these. */
        public static final List<String> CATEGORIES = List.of("policy", "market-prices", "farming", "livestock",
                "health-insurance", "social-insurance", "loans", "vocational-training", "jobs", "poor-household-review",
                "weather", "warning", "local-news", "culture", "other",
                // Kept by the controller from live audio (live.Recorder): a relay slot, a live talk.
                "relay-recording", "live-talk");

        public LibraryEntry {
            Ids.require("library entry", id);
            Objects.requireNonNull(title, "library entry " + id + ": title");
            if (title.isBlank()) {
                throw new IllegalArgumentException("library entry " + id + ": title is empty");
            }
            Objects.requireNonNull(file, "library entry " + id + ": file");
            category = category == null ? "local-news" : category;
            if (!CATEGORIES.contains(category)) {
                throw new IllegalArgumentException("library entry " + id + ": category '" + category
                        + "' is not one of " + String.join(", ", CATEGORIES));
            }
            gainDb = gainDb == null ? 0.0 : gainDb;
            language = language == null ? "vi" : language;
        }
    }

    /**
     * Recurring sessions ({@code daily}: every day unless limited to weekdays, dates or a validity
     * window), one-off sessions (on a date) and cancellations (a holiday, a cancelled morning).
     */
    public record Program(List<DailySession> daily, List<OneOffSession> oneOff, List<Cancellation> cancellations) {
        /**
         * A commune file without a program gets the two sessions of the grassroots radio, morning
         * 05:30–06:30 and evening 17:00–18:00, with empty playlists: the compiler then asks for
         * their items, and the operator fills them (or changes the times) through the API.
         */
        public static final Program TWO_DAILY_SESSIONS = new Program(List.of(
                new DailySession("morning", "Buổi sáng", LocalTime.of(5, 30), LocalTime.of(6, 30), List.of()),
                new DailySession("evening", "Buổi chiều", LocalTime.of(17, 0), LocalTime.of(18, 0), List.of())),
                List.of());

        public Program(List<DailySession> daily, List<OneOffSession> oneOff) {
            this(daily, oneOff, null);
        }

        public Program {
            daily = daily == null ? List.of() : List.copyOf(daily);
            oneOff = oneOff == null ? List.of() : List.copyOf(oneOff);
            cancellations = cancellations == null ? List.of() : List.copyOf(cancellations);
        }

        public boolean cancelled(LocalDate date, String sessionId) {
            return cancellations.stream().anyMatch(c -> c.date().equals(date)
                    && (c.session() == null || c.session().equals(sessionId)));
        }
    }

    /** No session on {@code date} ({@code session} null), or only that session. */
    public record Cancellation(LocalDate date, String session, String reason) {
        public Cancellation {
            Objects.requireNonNull(date, "cancellation date");
        }
    }

    /**
     * A recurring session. With no {@code weekdays} and no {@code dates} it runs every day; either
     * limits it; {@code validFrom}/{@code validUntil} (inclusive) bound it, e.g. a season's farming advice.
     *
     * @param volumeDb its level on top of each station's, set by the operator (quieter at 5 a.m.); null: 0 dB
     */
    public record DailySession(String id, String name, LocalTime start, LocalTime end, List<PlaylistEntry> items,
                               Set<DayOfWeek> weekdays, List<LocalDate> dates, LocalDate validFrom,
                               LocalDate validUntil, Double volumeDb) {
        /** @param items library ids (strings) or {@link PlaylistEntry entries} */
        public DailySession(String id, String name, LocalTime start, LocalTime end, List<?> items) {
            this(id, name, start, end, PlaylistEntry.of(items), null, null, null, null, null);
        }

        /** @param items library ids (strings) or {@link PlaylistEntry entries} */
        public DailySession(String id, String name, LocalTime start, LocalTime end, List<?> items,
                            Set<DayOfWeek> weekdays, List<LocalDate> dates, LocalDate validFrom, LocalDate validUntil) {
            this(id, name, start, end, PlaylistEntry.of(items), weekdays, dates, validFrom, validUntil, null);
        }

        public DailySession {
            Ids.require("session", id);
            name = name == null ? id : name;
            Objects.requireNonNull(start, "session " + id + ": start");
            Objects.requireNonNull(end, "session " + id + ": end");
            items = List.copyOf(Objects.requireNonNull(items, "session " + id + ": items"));
            weekdays = weekdays == null || weekdays.isEmpty() ? null : Set.copyOf(weekdays);
            dates = dates == null || dates.isEmpty() ? null : List.copyOf(dates);
            if (validFrom != null && validUntil != null && validUntil.isBefore(validFrom)) {
                throw new IllegalArgumentException("session " + id + ": validUntil " + validUntil
                        + " is before validFrom " + validFrom);
            }
        }

        /** The library items the playlist names, relays' fallbacks included. */
        public List<String> libraryIds() {
            return items.stream().flatMap(e -> e.libraryIds().stream()).toList();
        }

        public boolean runsOn(LocalDate date) {
            return (weekdays == null || weekdays.contains(date.getDayOfWeek()))
                    && (dates == null || dates.contains(date))
                    && (validFrom == null || !date.isBefore(validFrom))
                    && (validUntil == null || !date.isAfter(validUntil));
        }
    }

    /** @param volumeDb its level on top of each station's, set by the operator; null: 0 dB */
    public record OneOffSession(String id, String name, LocalDate date, LocalTime start, LocalTime end,
                                List<PlaylistEntry> items, Double volumeDb) {
        /** @param items library ids (strings) or {@link PlaylistEntry entries} */
        public OneOffSession(String id, String name, LocalDate date, LocalTime start, LocalTime end,
                             List<?> items) {
            this(id, name, date, start, end, PlaylistEntry.of(items), null);
        }

        public OneOffSession {
            Ids.require("session", id);
            name = name == null ? id : name;
            Objects.requireNonNull(date, "session " + id + ": date");
            Objects.requireNonNull(start, "session " + id + ": start");
            Objects.requireNonNull(end, "session " + id + ": end");
            items = List.copyOf(Objects.requireNonNull(items, "session " + id + ": items"));
        }

        /** The library items the playlist names, relays' fallbacks included. */
        public List<String> libraryIds() {
            return items.stream().flatMap(e -> e.libraryIds().stream()).toList();
        }
    }

    public Optional<Village> village(String id) {
        return villages.stream().filter(v -> v.id().equals(id)).findFirst();
    }

    public Program programOf(Village village) {
        return village.program() != null ? village.program() : program;
    }

    private static Set<String> unique(String kind, List<String> ids) {
        Set<String> seen = new HashSet<>();
        for (String id : ids) {
            if (!seen.add(id)) {
                throw new IllegalArgumentException(kind + " id '" + id + "' appears twice");
            }
        }
        return seen;
    }
}
