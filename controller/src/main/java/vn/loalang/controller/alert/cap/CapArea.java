package vn.loalang.controller.alert.cap;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Where an info block applies: polygons, circles and geocodes, any of which may be absent.
 *
 * @param geocodes valueName (the code system, e.g. {@code ma-dvhc}) to the codes given in it, in the
 *                 order the message gives them
 */
public record CapArea(String areaDesc, List<Polygon> polygons, List<Circle> circles,
                      Map<String, List<String>> geocodes) {
    public CapArea {
        Objects.requireNonNull(areaDesc, "areaDesc");
        polygons = List.copyOf(polygons);
        circles = List.copyOf(circles);
        Map<String, List<String>> copy = new LinkedHashMap<>();
        geocodes.forEach((name, values) -> copy.put(name, List.copyOf(values)));
        geocodes = Collections.unmodifiableMap(copy);
    }

    /**
     * A closed ring of points, as CAP requires: at least four, the first repeated as the last.
     */
    public record Polygon(List<LatLon> points) {
        public Polygon {
            points = List.copyOf(points);
            if (points.size() < 4) {
                throw new IllegalArgumentException("has " + points.size() + " point(s); a CAP polygon needs at least 4,"
                        + " the first repeated as the last");
            }
            LatLon first = points.get(0);
            LatLon last = points.get(points.size() - 1);
            if (!first.equals(last)) {
                throw new IllegalArgumentException("is not closed: the first point is " + first + " and the last "
                        + last + "; CAP repeats the first point at the end");
            }
        }

        /**
         * Ray casting with longitude as x and latitude as y: a point is inside when a ray from it crosses the
         * ring an odd number of times. This treats the edges as straight lines on a lat/lon map, which is how
         * warning polygons are drawn; over a commune or a province (tens of kilometres) the difference from
         * great-circle edges is metres. It would be wrong across the 180° meridian or around a pole, where
         * Vietnam's alerts never are. A point exactly on an edge may fall either way.
         */
        public boolean contains(LatLon p) {
            boolean inside = false;
            for (int i = 0; i + 1 < points.size(); i++) {
                LatLon a = points.get(i);
                LatLon b = points.get(i + 1);
                if ((a.lat() > p.lat()) != (b.lat() > p.lat())) {
                    double crossLon = a.lon() + (p.lat() - a.lat()) * (b.lon() - a.lon()) / (b.lat() - a.lat());
                    if (p.lon() < crossLon) {
                        inside = !inside;
                    }
                }
            }
            return inside;
        }
    }

    /** A centre and a radius in kilometres, as CAP gives it ({@code "lat,lon radius"}). */
    public record Circle(LatLon centre, double radiusKm) {
        public Circle {
            Objects.requireNonNull(centre, "centre");
            if (!(radiusKm >= 0) || Double.isInfinite(radiusKm)) {
                throw new IllegalArgumentException("radius " + radiusKm + " km is not a distance");
            }
        }

        public boolean contains(LatLon p) {
            return centre.distanceKm(p) <= radiusKm;
        }
    }
}
