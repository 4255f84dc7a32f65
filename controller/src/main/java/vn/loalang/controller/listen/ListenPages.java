package vn.loalang.controller.listen;

import vn.loalang.controller.directory.Commune;

import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;

/**
 * The public pages of "Nghe lại", rendered on the server: no script, one small style sheet, {@code lang="vi"},
 * every typed text through {@link Html#text}. Built for a cheap phone on a slow link: nothing but the page
 * loads until "play" ({@code preload="none"}), each file's size is shown before it is fetched, and a page
 * stays under {@link #BUDGET_BYTES} (older days are links, not lists).
 */
public final class ListenPages {
    /** A page's budget; the browser test holds the page and its style sheet under 30 KB. */
    public static final int BUDGET_BYTES = 20 * 1024;
    /** Days before today a village page links to. */
    public static final int DAYS_BACK = 14;
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("dd/MM/yyyy");
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm");
    private static final DateTimeFormatter TIME_DAY = DateTimeFormatter.ofPattern("HH:mm dd/MM");

    private final ListenCatalog catalog;
    private final ListenAddresses at = ListenAddresses.relative();

    public ListenPages(ListenCatalog catalog) {
        this.catalog = catalog;
    }

    /** The commune's page: its alerts on (in red), its villages, the alerts of the last 30 days. */
    public String commune() {
        Commune c = catalog.commune();
        StringBuilder b = head("Nghe lại — " + c.commune().name(), null);
        b.append("<h1>Nghe lại</h1><p class=\"sub\">").append(Html.text(c.commune().name())).append("</p>");
        List<ListenCatalog.Alert> alerts = catalog.alerts(null);
        activeAlerts(b, alerts);
        b.append("<h2>Các thôn</h2><ul class=\"villages\">");
        for (Commune.Village v : c.villages()) {
            b.append("<li><a href=\"").append(Html.text(at.village(v.id()))).append("\">").append(Html.text(v.name()))
                    .append("</a></li>");
        }
        b.append("</ul>");
        pastAlerts(b, alerts);
        return foot(b);
    }

    /** A village's page for {@code date}: its alerts on, the sessions of that day, links to the days before. */
    public String village(Commune.Village village, LocalDate date) {
        LocalDate today = catalog.today();
        ZoneId zone = catalog.zone();
        StringBuilder b = head(village.name() + " — Nghe lại", at.feedXml(village.id()));
        b.append("<p class=\"nav\"><a href=\"").append(at.commune()).append("\">← ")
                .append(Html.text(catalog.commune().commune().name())).append("</a></p>");
        b.append("<h1>").append(Html.text(village.name())).append("</h1>");
        activeAlerts(b, catalog.alerts(village.id()));
        b.append("<h2>").append(date.equals(today) ? "Hôm nay, " : "").append(weekday(date)).append(", ")
                .append(DAY.format(date)).append("</h2>");
        ListenCatalog.Day day = catalog.day(village.id(), date);
        if (day.sessions().isEmpty()) {
            b.append("<p>Chưa có buổi phát nào để nghe lại.</p>");
        }
        for (ListenCatalog.Session s : day.sessions()) {
            b.append("<section><h3>").append(Html.text(s.name())).append(" <small>")
                    .append(TIME.format(s.start().atZone(zone))).append("</small></h3><ol>");
            for (ListenCatalog.Item i : s.items()) {
                b.append("<li><p>").append(Html.text(i.title(), 200)).append(" <small>").append(duration(i.seconds()));
                if (i.available()) {
                    b.append(" · ").append(megabytes(i.bytes())).append("</small></p><audio controls preload=\"none\" src=\"")
                            .append(Html.text(ListenAddresses.from(at.itemAudio(i), ListenCounts.Source.PAGE)))
                            .append("\"></audio>");
                } else {
                    b.append("</small></p><p class=\"gone\">Đã hết hạn, không còn nghe lại được.</p>");
                }
                b.append("</li>");
            }
            b.append("</ol>");
            if (s.expired() > 0) {
                b.append("<p class=\"gone\">").append(s.expired()).append(" mục đã hết hạn.</p>");
            }
            b.append("</section>");
        }
        b.append("<h2>Những ngày trước</h2><ul class=\"days\">");
        for (int d = 0; d <= DAYS_BACK; d++) {
            LocalDate other = today.minusDays(d);
            if (!other.equals(date)) {
                b.append("<li><a href=\"").append(Html.text(d == 0 ? at.village(village.id())
                        : at.villageDay(village.id(), other))).append("\">").append(d == 0 ? "Hôm nay" : weekday(other))
                        .append(", ").append(DAY.format(other)).append("</a></li>");
            }
        }
        b.append("</ul><h2>Nghe bằng ứng dụng podcast</h2><p>Thêm địa chỉ này vào ứng dụng nghe podcast:<br><a href=\"")
                .append(Html.text(at.feedXml(village.id()))).append("\">").append(Html.text(at.feedXml(village.id())))
                .append("</a> · <a href=\"").append(Html.text(at.feedJson(village.id()))).append("\">JSON</a></p>");
        return foot(b);
    }

    /** An alert's page: its headline, what was said, what to do, and its audio. */
    public String alert(ListenCatalog.Alert a) {
        ZoneId zone = catalog.zone();
        StringBuilder b = head("Cảnh báo: " + a.headline(), null);
        b.append("<p class=\"nav\"><a href=\"").append(at.commune()).append("\">← Nghe lại</a></p>");
        b.append("<article class=\"").append(a.active() ? "alert" : "alert past").append("\"><h1>")
                .append(a.active() ? "CẢNH BÁO: " : "Cảnh báo đã qua: ").append(Html.text(a.headline(), 300))
                .append("</h1><p><small>").append(TIME_DAY.format(a.created().atZone(zone)))
                .append(a.active() ? " · còn hiệu lực đến " + TIME_DAY.format(a.expires().atZone(zone)) : "")
                .append("</small></p><p>").append(Html.text(a.text())).append("</p>");
        if (a.instruction() != null && !a.instruction().isBlank()) {
            b.append("<p><strong>Cần làm:</strong> ").append(Html.text(a.instruction())).append("</p>");
        }
        if (a.hasAudio()) {
            b.append("<p><small>").append(duration(a.seconds())).append(" · ").append(megabytes(a.bytes()))
                    .append("</small></p><audio controls preload=\"none\" src=\"")
                    .append(Html.text(ListenAddresses.from(at.alertAudio(a), ListenCounts.Source.PAGE)))
                    .append("\"></audio>");
        }
        b.append("</article>");
        return foot(b);
    }

    /** What any unknown or hidden address gets: the same page, whether or not something is there. */
    public String notFound() {
        StringBuilder b = head("Không tìm thấy — Nghe lại", null);
        b.append("<h1>Không tìm thấy</h1><p>Địa chỉ này không có gì để nghe lại, hoặc đã hết hạn.</p><p><a href=\"")
                .append(at.commune()).append("\">Về trang Nghe lại</a></p>");
        return foot(b);
    }

    private void activeAlerts(StringBuilder b, List<ListenCatalog.Alert> alerts) {
        for (ListenCatalog.Alert a : alerts) {
            if (a.active()) {
                b.append("<article class=\"alert\"><h2>CẢNH BÁO: ").append(Html.text(a.headline(), 300))
                        .append("</h2><p>").append(Html.text(a.text(), 1500)).append("</p><p><a href=\"")
                        .append(Html.text(at.alertPage(a.id()))).append("\">Nghe cảnh báo</a></p></article>");
            }
        }
    }

    private void pastAlerts(StringBuilder b, List<ListenCatalog.Alert> alerts) {
        List<ListenCatalog.Alert> past = alerts.stream().filter(a -> !a.active()).limit(30).toList();
        if (past.isEmpty()) {
            return;
        }
        b.append("<h2>Cảnh báo 30 ngày qua</h2><ul>");
        for (ListenCatalog.Alert a : past) {
            b.append("<li><a href=\"").append(Html.text(at.alertPage(a.id()))).append("\">")
                    .append(Html.text(a.headline(), 200)).append("</a> <small>")
                    .append(TIME_DAY.format(a.created().atZone(catalog.zone()))).append("</small></li>");
        }
        b.append("</ul>");
    }

    private StringBuilder head(String title, String feed) {
        StringBuilder b = new StringBuilder(8192);
        b.append("<!DOCTYPE html><html lang=\"vi\"><head><meta charset=\"utf-8\">"
                        + "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\"><title>")
                .append(Html.text(title, 200)).append("</title><link rel=\"stylesheet\" href=\"").append(at.style())
                .append("\">");
        if (feed != null) {
            b.append("<link rel=\"alternate\" type=\"application/rss+xml\" href=\"").append(Html.text(feed)).append("\">");
        }
        return b.append("</head><body><main>");
    }

    private static String foot(StringBuilder b) {
        return b.append("</main><footer>Loa Làng · Nghe lại các buổi phát thanh của xã</footer></body></html>\n")
                .toString();
    }

    static String weekday(LocalDate date) {
        DayOfWeek d = date.getDayOfWeek();
        return d == DayOfWeek.SUNDAY ? "Chủ nhật" : "Thứ " + List.of("Hai", "Ba", "Tư", "Năm", "Sáu", "Bảy")
                .get(d.getValue() - 1);
    }

    /** "3:05", "1:02:03". */
    public static String duration(long seconds) {
        long h = seconds / 3600;
        long m = seconds % 3600 / 60;
        long s = seconds % 60;
        return h > 0 ? String.format("%d:%02d:%02d", h, m, s) : String.format("%d:%02d", m, s);
    }

    /** "0,7 MB" (a decimal comma, as Vietnamese writes it); "120 KB" under a tenth of a megabyte. */
    public static String megabytes(long bytes) {
        if (bytes < 100 * 1024) {
            return Math.max(1, Math.round(bytes / 1024.0)) + " KB";
        }
        return String.format(java.util.Locale.ROOT, "%.1f", bytes / (1024.0 * 1024)).replace('.', ',') + " MB";
    }

}
