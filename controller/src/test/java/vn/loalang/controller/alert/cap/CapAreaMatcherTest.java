package vn.loalang.controller.alert.cap;

import org.junit.jupiter.api.Test;
import vn.loalang.controller.alert.cap.CapArea.Circle;
import vn.loalang.controller.alert.cap.CapArea.Polygon;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Which villages an area covers, with real places of the Mekong delta and central Vietnam. */
class CapAreaMatcherTest {
    // Central Vietnam: Kiến Giang (Lệ Thủy) in its valley, Đồng Hới on the coast 30 km north.
    private static final LatLon KIEN_GIANG = new LatLon(17.22, 106.79);
    private static final LatLon DONG_HOI = new LatLon(17.47, 106.62);
    private static final LatLon DA_NANG = new LatLon(16.054, 108.202);
    private static final LatLon HOI_AN = new LatLon(15.880, 108.338);
    private static final LatLon HUE = new LatLon(16.463, 107.590);
    // The Mekong delta: Cần Thơ's Ninh Kiều wharf, and Phong Điền 15 km west.
    private static final LatLon NINH_KIEU = new LatLon(10.034, 105.788);
    private static final LatLon PHONG_DIEN = new LatLon(10.000, 105.665);

    private static final Polygon KIEN_GIANG_VALLEY = ring(17.30, 106.60, 17.30, 106.95, 17.10, 106.95, 17.10, 106.60);

    @Test
    void aVillageWhoseGeocodeTheAreaNamesIsCoveredWhateverTheCodeSystem() {
        CapAreaMatcher commune = new CapAreaMatcher(List.of(
                village("ap-binh-thanh", Set.of("30316", "VN-45")),
                village("ap-tan-thanh", Set.of("30399", "VN-45")),
                village("ap-vinh-hoa", Set.of("30901", "VN-44"))));

        assertEquals(List.of("ap-binh-thanh", "ap-vinh-hoa"), List.copyOf(commune.villagesIn(List.of(
                area(Map.of("ma-dvhc", List.of("30325", "30316"))),
                area(Map.of("ISO3166-2", List.of("VN-44")))))));
    }

    @Test
    void geocodesMustBeEqualNotMerelyAlike() {
        CapAreaMatcher commune = new CapAreaMatcher(List.of(village("ap-binh-thanh", Set.of("30316"))));

        assertEquals(Set.of(), commune.villagesIn(List.of(area(Map.of("ma-dvhc", List.of("3031", "030316"))))));
    }

    @Test
    void aVillageWithAStationInsideThePolygonIsCovered() {
        CapAreaMatcher commune = new CapAreaMatcher(List.of(
                new VillageArea("thon-xuan-lai", Set.of(), List.of(DONG_HOI, KIEN_GIANG)),
                new VillageArea("thon-bao-ninh", Set.of(), List.of(DONG_HOI))));

        assertEquals(Set.of("thon-xuan-lai"), commune.villagesIn(List.of(
                new CapArea("Thượng nguồn sông Kiến Giang", List.of(KIEN_GIANG_VALLEY), List.of(), Map.of()))));
    }

    @Test
    void pointInPolygonFollowsTheEdgesOfAConcaveRing() {
        // A "U" around Cần Thơ's Ninh Kiều: the arms reach north on both sides, the notch between them is open.
        Polygon u = ring(9.95, 105.60, 9.95, 105.90, 10.10, 105.90, 10.10, 105.80, 10.00, 105.80, 10.00, 105.70,
                10.10, 105.70, 10.10, 105.60);

        assertTrue(u.contains(PHONG_DIEN), "Phong Điền, in the western arm");
        assertFalse(u.contains(new LatLon(10.05, 105.75)), "the notch between the arms");
        assertTrue(u.contains(new LatLon(10.05, 105.85)), "the eastern arm");
        assertFalse(u.contains(NINH_KIEU), "Ninh Kiều, in the notch");
        assertFalse(u.contains(new LatLon(10.20, 105.75)), "north of everything");
    }

    @Test
    void aVillageWithAStationWithinTheCircleIsCovered() {
        Circle typhoonWinds = new Circle(new LatLon(16.10, 108.90), 120);
        CapAreaMatcher commune = new CapAreaMatcher(List.of(
                new VillageArea("thon-hoi-an", Set.of(), List.of(HOI_AN)),
                new VillageArea("thon-hue", Set.of(), List.of(HUE)),
                new VillageArea("thon-khong-tram", Set.of(), List.of())));

        assertEquals(Set.of("thon-hoi-an"), commune.villagesIn(List.of(
                new CapArea("Vùng biển Đà Nẵng", List.of(), List.of(typhoonWinds), Map.of()))));
    }

    @Test
    void theCircleRadiusIsInKilometresOnTheSphere() {
        // Huế to Đà Nẵng is 79.6 km as the crow flies.
        assertFalse(new Circle(DA_NANG, 79).contains(HUE));
        assertTrue(new Circle(DA_NANG, 80).contains(HUE));
        assertEquals(1143.5, new LatLon(21.0285, 105.8542).distanceKm(new LatLon(10.7769, 106.7009)), 1.0,
                "Hà Nội to Hồ Chí Minh City");
        assertEquals(1.853, new LatLon(10, 105).distanceKm(new LatLon(10 + 1 / 60.0, 105)), 0.005,
                "one minute of latitude is a nautical mile");
    }

    @Test
    void anAreaOfManyShapesCoversWhatAnyOfThemCovers() {
        CapArea area = new CapArea("Lệ Thủy và ven biển Đà Nẵng", List.of(KIEN_GIANG_VALLEY),
                List.of(new Circle(DA_NANG, 10)), Map.of("ma-dvhc", List.of("19999")));
        CapAreaMatcher commune = new CapAreaMatcher(List.of(
                new VillageArea("by-polygon", Set.of(), List.of(KIEN_GIANG)),
                new VillageArea("by-circle", Set.of(), List.of(DA_NANG)),
                new VillageArea("by-code", Set.of("19999"), List.of()),
                new VillageArea("none", Set.of("20000"), List.of(HUE, DONG_HOI))));

        assertEquals(List.of("by-polygon", "by-circle", "by-code"), List.copyOf(commune.villagesIn(List.of(area))));
    }

    private static VillageArea village(String id, Set<String> geocodes) {
        return new VillageArea(id, geocodes, List.of());
    }

    private static CapArea area(Map<String, List<String>> geocodes) {
        return new CapArea("vùng", List.of(), List.of(), geocodes);
    }

    /** A ring from lat,lon pairs, closed by repeating the first. */
    private static Polygon ring(double... latLons) {
        List<LatLon> points = new ArrayList<>();
        for (int i = 0; i < latLons.length; i += 2) {
            points.add(new LatLon(latLons[i], latLons[i + 1]));
        }
        points.add(points.get(0));
        return new Polygon(points);
    }
}
