package vn.loalang.controller.alert;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import vn.loalang.controller.change.ChangeException;
import vn.loalang.controller.content.LibraryCatalog;
import vn.loalang.controller.content.LibraryItem;
import vn.loalang.controller.directory.Commune;
import vn.loalang.controller.directory.ProgramUse;

import java.time.Clock;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Removes the clips the speech engine made for alerts once they are of no more use: expired (they
 * expire two days after the alert), named by no session still to come and played by no alert still on
 * the broker. Each removal is audited as {@code library.remove} by {@code system} and logged with the
 * item's id. Without it every typed alert would stay on the server's disk for good.
 */
public final class SpokenClipSweep {
    private static final Logger log = LoggerFactory.getLogger(SpokenClipSweep.class);
    static final String ACTOR = "system";

    private final LibraryCatalog library;
    private final Supplier<Commune> commune;
    private final AlertService alerts;
    private final Clock clock;

    public SpokenClipSweep(LibraryCatalog library, Supplier<Commune> commune, AlertService alerts, Clock clock) {
        this.library = library;
        this.commune = commune;
        this.alerts = alerts;
        this.clock = clock;
    }

    /** One pass; returns the ids removed. */
    public List<String> sweep() {
        Commune c = commune.get();
        LocalDate today = LocalDate.now(clock.withZone(c.commune().zone()));
        Set<String> live = alerts.contentOfLiveAlerts();
        List<String> removed = new ArrayList<>();
        for (LibraryItem item : library.spokenClips()) {
            if (!item.expiredOn(today) || live.contains(item.id())) {
                continue;
            }
            try {
                library.remove(ACTOR, item.id(), id -> ProgramUse.names(commune.get(), id, today)
                        || alerts.contentOfLiveAlerts().contains(id));
                removed.add(item.id());
                log.info("Spoken alert clip {} expired on {} and no program or live alert uses it: removed from the library"
                        + " ({} bytes freed unless another item shares the file)", item.id(), item.expires(),
                        item.sizeBytes());
            } catch (ChangeException e) {
                log.info("Spoken alert clip {} expired on {} but stays: {}", item.id(), item.expires(), e.getMessage());
            }
        }
        return removed;
    }
}
