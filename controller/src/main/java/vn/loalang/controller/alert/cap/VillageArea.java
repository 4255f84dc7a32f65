package vn.loalang.controller.alert.cap;

import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * What an alert's area is matched against for one village of the commune.
 *
 * @param geocodes         the codes that name the village or what contains it in the senders' code
 *                         systems (e.g. its commune's administrative code); compared exactly
 * @param stationLocations the surveyed locations of its loudspeaker stations (stations without one are left out)
 */
public record VillageArea(String villageId, Set<String> geocodes, List<LatLon> stationLocations) {
    public VillageArea {
        Objects.requireNonNull(villageId, "villageId");
        geocodes = Set.copyOf(geocodes);
        stationLocations = List.copyOf(stationLocations);
    }
}
