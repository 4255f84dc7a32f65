package vn.loalang.controller.mirror;

import vn.loalang.controller.alert.AlertService;
import vn.loalang.controller.directory.Commune;

import java.net.URI;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The Vietnamese texts the mirror sends, and their links to the public "Nghe lại" pages (WP1's addresses, docs/
 * nghe-lai.md). Every link carries {@code ?n=SOURCE} (zalo, telegram, sms, webhook) so the page counts where its
 * listeners came from. Texts are complete here; a channel only shortens them (SMS) or adds the audio (Telegram).
 */
public final class Messages {
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("dd/MM");
    private static final DateTimeFormatter UNTIL = DateTimeFormatter.ofPattern("HH:mm dd/MM/yyyy");
    /** Words a village's name begins with that read in lower case inside a sentence ("Buổi sáng thôn Đông"). */
    private static final Set<String> VILLAGE_WORDS = Set.of("thôn", "ấp", "bản", "xóm", "tổ", "khu", "buôn", "làng",
            "khóm", "phum", "sóc", "khu phố", "tổ dân phố");

    /** One message's words and links; {@code audioUrl} may be null. */
    public record Text(String title, String text, URI pageUrl, URI audioUrl) {
    }

    /** One item a session played, as the summary names it. */
    public record PlayedItem(String id, String title, String category) {
    }

    private final Supplier<Commune> commune;
    private final Supplier<URI> base;

    /**
     * @param base the public address of "Nghe lại" ({@code --listen-url}, else the controller's public URL)
     */
    public Messages(Supplier<Commune> commune, Supplier<URI> base) {
        this.commune = commune;
        this.base = base;
    }

    /** The tag of a link's {@code ?n=}: where a listener came from. */
    static String source(ChannelKind kind) {
        return switch (kind) {
            case ZALO -> "zalo";
            case TELEGRAM -> "telegram";
            case ESMS, ANDROID_SMS -> "sms";
            case WEBHOOK -> "webhook";
        };
    }

    /**
     * An alert: what it is and how urgent, its spoken text, a CAP headline and instruction not already said, where
     * to hear it, until when, and who sends it.
     */
    public Text alert(AlertService.Published a, ChannelKind kind) {
        List<String> lines = new ArrayList<>();
        boolean emergency = "EMERGENCY".equals(a.priority());
        lines.add((emergency ? "CẢNH BÁO KHẨN — " : "CẢNH BÁO — ") + a.title());
        String spoken = a.spokenText() == null ? "" : a.spokenText().strip();
        if (a.headline() != null && !a.headline().equals(a.title()) && !spoken.contains(a.headline())) {
            lines.add(a.headline());
        }
        if (!spoken.isEmpty()) {
            lines.add(spoken);
        }
        if (a.instruction() != null && !spoken.contains(a.instruction().strip())) {
            lines.add("Hướng dẫn: " + a.instruction().strip());
        }
        URI page = link("/nghe-lai/canh-bao/" + a.id(), kind);
        lines.add("Nghe lại: " + page);
        lines.add("Hiệu lực đến " + UNTIL.format(a.expiresAt().atZone(zone())) + " — " + communeName());
        return new Text(a.title(), String.join("\n", lines), page, plain("/nghe-lai/a/canh-bao/" + a.id() + ".mp3"));
    }

    /** An alert withdrawn: everyone who got it must know it is over. */
    public Text cancel(AlertService.Cancelled c, ChannelKind kind) {
        URI page = link("/nghe-lai/canh-bao/" + c.id(), kind);
        String text = "ĐÃ HUỶ CẢNH BÁO — " + c.title() + "\nCảnh báo này đã được huỷ lúc "
                + UNTIL.format(c.at().atZone(zone())) + ". Không cần làm theo nữa.\nChi tiết: " + page + "\n"
                + communeName();
        return new Text("Đã huỷ: " + c.title(), text, page, null);
    }

    /** What a village's session played: "Buổi sáng 06/12 thôn Đông đã phát: …. Nghe lại: …". */
    public Text session(String village, String sessionName, LocalDate date, List<PlayedItem> played, ChannelKind kind) {
        URI page = link("/nghe-lai/" + village + "/", kind);
        String titles = String.join("; ", played.stream().map(PlayedItem::title).toList());
        String title = sessionName + " " + DAY.format(date) + " " + inSentence(villageName(village));
        String text = title + " đã phát: " + titles + ".\nNghe lại: " + page + "\n" + communeName();
        return new Text(title, text, page, null);
    }

    /** A bulletin (market prices): its own text, and where to hear it. */
    public Text bulletin(String village, String title, String bulletinText, ChannelKind kind) {
        URI page = link("/nghe-lai/" + village + "/", kind);
        String text = title + "\n" + bulletinText.strip() + "\nNghe lại: " + page + "\n" + communeName();
        return new Text(title, text, page, null);
    }

    /** The test an administrator sends from the console: says which channel works, nothing else. */
    public Text test(String channelName) {
        String text = "Tin thử của hệ thống loa " + communeName() + " qua kênh \"" + channelName
                + "\": kênh hoạt động. / A test message: this channel works.";
        return new Text("Tin thử", text, null, null);
    }

    /** The end of the commune's day of {@code at}: when a bulletin stops being news. */
    Instant endOfDay(Instant at) {
        return LocalDate.ofInstant(at, zone()).plusDays(1).atStartOfDay(zone()).toInstant();
    }

    LocalDate date(Instant at) {
        return LocalDate.ofInstant(at, zone());
    }

    private URI link(String path, ChannelKind kind) {
        return URI.create(baseText() + path + "?n=" + source(kind));
    }

    private URI plain(String path) {
        return URI.create(baseText() + path);
    }

    private String baseText() {
        return base.get().toString().replaceAll("/+$", "");
    }

    private ZoneId zone() {
        return commune.get().commune().zone();
    }

    private String communeName() {
        return commune.get().commune().name();
    }

    String villageName(String village) {
        return commune.get().villages().stream().filter(v -> v.id().equals(village)).map(Commune.Village::name)
                .findFirst().orElse(village);
    }

    /** "Thôn Đông" → "thôn Đông" inside a sentence; a name without such a word stays as it is. */
    static String inSentence(String villageName) {
        String lower = villageName.toLowerCase(Locale.ROOT);
        for (String w : VILLAGE_WORDS) {
            if (lower.startsWith(w + " ")) {
                return lower.substring(0, w.length()) + villageName.substring(w.length());
            }
        }
        return villageName;
    }
}
