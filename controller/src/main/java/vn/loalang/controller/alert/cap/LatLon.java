package vn.loalang.controller.alert.cap;

/** A point in WGS 84 degrees, as CAP and the stations' surveyed locations give it. */
public record LatLon(double lat, double lon) {
    /** The mean Earth radius (IUGG), good to about 0.5 % anywhere, far better than a CAP circle needs. */
    private static final double EARTH_RADIUS_KM = 6371.0088;

    public LatLon {
        // Written as "not within" so that NaN is refused too.
        if (!(lat >= -90 && lat <= 90)) {
            throw new IllegalArgumentException("latitude " + lat + " is not within -90 to 90 degrees");
        }
        if (!(lon >= -180 && lon <= 180)) {
            throw new IllegalArgumentException("longitude " + lon + " is not within -180 to 180 degrees");
        }
    }

    /** The great-circle distance (haversine), which stays accurate at the few-kilometre range too. */
    public double distanceKm(LatLon other) {
        double dLat = Math.toRadians(other.lat - lat);
        double dLon = Math.toRadians(other.lon - lon);
        double h = Math.pow(Math.sin(dLat / 2), 2)
                + Math.cos(Math.toRadians(lat)) * Math.cos(Math.toRadians(other.lat)) * Math.pow(Math.sin(dLon / 2), 2);
        return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(h)));
    }

    @Override
    public String toString() {
        return lat + "," + lon;
    }
}
