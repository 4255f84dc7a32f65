package vn.loalang.controller.listen;

import vn.loalang.controller.directory.Commune;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * What a village's feeds carry, newest first: one episode per played item that may be heard now, and one per
 * alert of the village with audio, of the last {@link #DAYS} days, at most {@link #MAX_EPISODES}. An enclosure
 * is one file, so an episode is one item, not a session.
 */
public record ListenFeed(Commune.Village village, String communeName, List<Episode> episodes) {
    public static final int DAYS = 30;
    public static final int MAX_EPISODES = 100;

    /**
     * @param guid  stable and unique: {@code village/date/session/item} or {@code canh-bao/alertId}
     * @param audio the enclosure's address (absolute)
     * @param text  what the episode says in words (an alert's text); may be empty
     */
    public record Episode(String guid, String title, String text, String audio, long bytes, long seconds,
                          Instant published, String page) {
    }

    public static ListenFeed of(ListenCatalog catalog, Commune.Village village, ListenAddresses at) {
        List<Episode> out = new ArrayList<>();
        for (ListenCatalog.Item i : catalog.recent(village.id(), DAYS, MAX_EPISODES)) {
            out.add(new Episode(village.id() + "/" + i.date() + "/" + i.sessionId() + "/" + i.libraryId(),
                    i.title() + " — " + i.sessionName() + " " + ListenPages.weekday(i.date()) + " "
                            + i.date().format(java.time.format.DateTimeFormatter.ofPattern("dd/MM")),
                    "", ListenAddresses.from(at.itemAudio(i), ListenCounts.Source.FEED), i.bytes(), i.seconds(),
                    i.played(), at.villageDay(village.id(), i.date())));
        }
        Instant since = catalog.now().minus(java.time.Duration.ofDays(DAYS));
        for (ListenCatalog.Alert a : catalog.alerts(village.id())) {
            if (a.hasAudio() && a.created().isAfter(since)) {
                String text = a.text() + (a.instruction() == null || a.instruction().isBlank() ? ""
                        : "\nCần làm: " + a.instruction());
                out.add(new Episode("canh-bao/" + a.id(), "CẢNH BÁO: " + a.headline(), text,
                        ListenAddresses.from(at.alertAudio(a), ListenCounts.Source.FEED), a.bytes(), a.seconds(),
                        a.created(), at.alertPage(a.id())));
            }
        }
        out.sort(Comparator.comparing(Episode::published).reversed());
        return new ListenFeed(village, communeName(catalog), List.copyOf(out.subList(0, Math.min(out.size(), MAX_EPISODES))));
    }

    private static String communeName(ListenCatalog catalog) {
        return catalog.commune().commune().name();
    }

    public String title() {
        return "Loa Làng — " + village.name() + " (" + communeName + ")";
    }

    public String description() {
        return "Nghe lại các buổi phát thanh và cảnh báo của " + village.name() + ", " + communeName + ".";
    }
}
