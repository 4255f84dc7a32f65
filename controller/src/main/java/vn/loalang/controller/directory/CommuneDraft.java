package vn.loalang.controller.directory;

import vn.loalang.controller.change.ChangeException;
import vn.loalang.controller.change.ChangeException.Kind;
import vn.loalang.protocol.Ids;
import vn.loalang.protocol.schedule.QuietHours;

import java.text.Normalizer;
import java.time.DateTimeException;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * What the first administrator gives in the console's first-start wizard: the commune's name (its id
 * made from it unless given), its time zone, its villages and the times of the two daily sessions. It
 * becomes a {@link Commune} with no station and empty playlists; stations are enrolled and recordings
 * added afterwards, in the running controller. Every refusal names the field at fault as the console
 * shows it ({@code villages[2].name}, {@code evening.end}), Vietnamese first.
 *
 * @param id         optional; the slug of {@code name} ("Xã An Bình" → {@code xa-an-binh}); it can never change later
 * @param timeZone   optional; {@code Asia/Ho_Chi_Minh} by default
 * @param quietHours optional; when given, neither session may meet it
 */
public record CommuneDraft(String name, String id, String timeZone, List<VillageDraft> villages, Times morning,
                           Times evening, QuietHours quietHours) {
    public static final String DEFAULT_ZONE = "Asia/Ho_Chi_Minh";
    /** The two sessions of the grassroots radio, with the ids the default program uses. */
    public static final String MORNING = "morning";
    public static final String EVENING = "evening";

    /** A village: its name, and its id when the administrator chose one (the slug of the name otherwise). */
    public record VillageDraft(String name, String id) {
    }

    /** A session's start and end of day, "05:30" and "06:30". */
    public record Times(String start, String end) {
    }

    /**
     * The commune this draft describes.
     *
     * @throws ChangeException INVALID with the field at fault
     */
    public Commune toCommune() {
        String communeName = required("name", name, "Cần tên xã / the commune's name is required");
        String communeId = idOf("id", id, communeName);
        String zone = timeZone == null || timeZone.isBlank() ? DEFAULT_ZONE : timeZone.strip();
        try {
            ZoneId.of(zone);
        } catch (DateTimeException e) {
            throw invalid("timeZone", "Múi giờ không đúng: " + zone + " / not a time zone: " + zone
                    + " (e.g. Asia/Ho_Chi_Minh)");
        }
        if (villages == null || villages.isEmpty()) {
            throw invalid("villages", "Cần ít nhất một thôn/ấp / give at least one village");
        }
        List<Commune.Village> made = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < villages.size(); i++) {
            VillageDraft v = villages.get(i);
            String field = "villages[" + i + "]";
            String villageName = required(field + ".name", v == null ? null : v.name(),
                    "Cần tên thôn/ấp / the village's name is required");
            String villageId = idOf(field + ".id", v.id(), villageName);
            if (!ids.add(villageId)) {
                throw invalid(field + ".name", "Hai thôn/ấp trùng mã " + villageId + ": đặt tên hoặc mã khác / two villages"
                        + " would have the id " + villageId + ": give them different names or ids");
            }
            made.add(new Commune.Village(villageId, villageName, null));
        }
        LocalTime[] m = times("morning", morning);
        LocalTime[] e = times("evening", evening);
        if (m[0].isBefore(e[1]) && e[0].isBefore(m[1])) {
            throw invalid("evening.start", "Buổi chiều trùng giờ buổi sáng / the evening session overlaps the morning one");
        }
        outsideQuietHours("morning", m);
        outsideQuietHours("evening", e);
        Commune.Program program = new Commune.Program(List.of(
                new Commune.DailySession(MORNING, "Buổi sáng", m[0], m[1], List.of()),
                new Commune.DailySession(EVENING, "Buổi chiều", e[0], e[1], List.of())), List.of());
        return new Commune(new Commune.Settings(communeId, communeName, zone, null, null, quietHours), made, List.of(),
                List.of(), program);
    }

    /**
     * An id from a Vietnamese name: the marks dropped (đ as d), lower case, words joined by '-', at most
     * 64 characters. "Xã An Bình" → {@code xa-an-binh}, "Thôn Đông 2" → {@code thon-dong-2}. Empty when the
     * name has no letter or digit of the Latin alphabet.
     */
    public static String slug(String name) {
        String plain = Normalizer.normalize(name.replace('đ', 'd').replace('Đ', 'D'), Normalizer.Form.NFD)
                .replaceAll("\\p{M}+", "").toLowerCase(Locale.ROOT);
        String slug = plain.replaceAll("[^a-z0-9]+", "-").replaceAll("(^-+)|(-+$)", "");
        return slug.length() <= 64 ? slug : slug.substring(0, 64).replaceAll("-+$", "");
    }

    private static String idOf(String field, String given, String name) {
        String id = given == null || given.isBlank() ? slug(name) : given.strip();
        if (!Ids.isValid(id)) {
            throw invalid(field, given == null || given.isBlank()
                    ? "Không tạo được mã từ tên này, hãy đặt mã (chữ a-z, số, '-') / no id can be made from this name:"
                    + " give one (a-z, 0-9, '-')"
                    : "Mã không hợp lệ: " + id + " (chữ a-z, số, '-', tối đa 64) / not a valid id: " + id
                    + " (a-z, 0-9, '-', at most 64)");
        }
        return id;
    }

    /** Nothing but an emergency sounds in the quiet hours: a session there would never be heard. */
    private void outsideQuietHours(String session, LocalTime[] t) {
        if (quietHours != null && quietHours.overlaps(t[0], t[1])) {
            throw invalid(session + ".start", "Buổi phát rơi vào giờ yên tĩnh " + quietHours + " / the session falls in"
                    + " the quiet hours " + quietHours);
        }
    }

    private static LocalTime[] times(String session, Times t) {
        String label = session.equals("morning") ? "Buổi sáng / the morning session" : "Buổi chiều / the evening session";
        if (t == null) {
            throw invalid(session + ".start", label + ": cần giờ bắt đầu / a start time is required");
        }
        LocalTime start = time(session + ".start", t.start(), label);
        LocalTime end = time(session + ".end", t.end(), label);
        if (!end.isAfter(start)) {
            throw invalid(session + ".end", label + ": giờ kết thúc phải sau giờ bắt đầu / must end after it starts");
        }
        return new LocalTime[]{start, end};
    }

    private static LocalTime time(String field, String value, String label) {
        if (value == null || value.isBlank()) {
            throw invalid(field, label + ": cần giờ / a time is required");
        }
        try {
            return LocalTime.parse(value.strip());
        } catch (DateTimeParseException e) {
            throw invalid(field, label + ": giờ như 05:30, không phải " + value + " / a time like 05:30, not " + value);
        }
    }

    private static String required(String field, String value, String message) {
        if (value == null || value.isBlank()) {
            throw invalid(field, message);
        }
        return value.strip();
    }

    private static ChangeException invalid(String field, String message) {
        return new ChangeException(Kind.INVALID, field, message);
    }
}
