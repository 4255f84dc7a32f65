package vn.loalang.controller.alert.cap;

import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Which villages of the commune an alert's areas cover. A village is covered when one of its geocodes
 * equals a geocode value of an area (whatever its valueName: the village knows its codes, the sender
 * chooses the system), or when one of its stations stands inside a polygon or a circle of an area. The
 * stations count, not the village's outline, because they are where the alert would be heard.
 */
public final class CapAreaMatcher {
    private final List<VillageArea> villages;

    public CapAreaMatcher(List<VillageArea> villages) {
        this.villages = List.copyOf(villages);
    }

    /** The ids of the covered villages, in the order the commune lists them; empty when none is. */
    public Set<String> villagesIn(List<CapArea> areas) {
        Set<String> covered = new LinkedHashSet<>();
        for (VillageArea village : villages) {
            if (areas.stream().anyMatch(area -> covers(area, village))) {
                covered.add(village.villageId());
            }
        }
        return Collections.unmodifiableSet(covered);
    }

    private static boolean covers(CapArea area, VillageArea village) {
        boolean byCode = area.geocodes().values().stream().flatMap(List::stream).anyMatch(village.geocodes()::contains);
        return byCode || village.stationLocations().stream().anyMatch(station ->
                area.polygons().stream().anyMatch(polygon -> polygon.contains(station))
                        || area.circles().stream().anyMatch(circle -> circle.contains(station)));
    }
}
