package vn.loalang.protocol.station;

import vn.loalang.protocol.signing.ReleaseSignature;

import java.util.HexFormat;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A station agent build offered by an UPDATE {@link Command}: where to download it, what it must be
 * (size and SHA-256) and the release key's signature over the version, hash and size
 * ({@link ReleaseSignature}). The command's own signature says the controller asks; this one says
 * the build is a release, so that a controller's key alone cannot put code on 2,000 poles.
 *
 * @param version   the build's version, as the agent reports it in telemetry (letters, digits, {@code . _ + -})
 * @param url       http:// or https:// (https with the commune's CA, as content)
 * @param size      the jar's size in bytes
 * @param sha256    the jar's SHA-256, 64 lowercase hex digits
 * @param keyId     the release key's id in the station's {@code update.releaseKeys}
 * @param signature Base64 Ed25519 signature by that key over {@link ReleaseSignature#payload}
 */
public record Release(String version, String url, long size, String sha256, String keyId, String signature) {
    /** At most what a shaded agent jar could grow to; anything larger is refused before download. */
    public static final long MAX_SIZE = 256L * 1024 * 1024;
    private static final Pattern VERSION = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._+-]{0,63}");

    public Release {
        if (version == null || !VERSION.matcher(version).matches()) {
            throw new IllegalArgumentException("release version '" + version + "' is not letters, digits and . _ + -");
        }
        Objects.requireNonNull(url, "release url");
        if (!url.startsWith("http://") && !url.startsWith("https://")) {
            throw new IllegalArgumentException("release url must be http:// or https://, not " + url);
        }
        if (size <= 0 || size > MAX_SIZE) {
            throw new IllegalArgumentException("release size " + size + " is not between 1 and " + MAX_SIZE);
        }
        if (sha256 == null || sha256.length() != 64 || !sha256.chars().allMatch(HexFormat::isHexDigit)
                || !sha256.equals(sha256.toLowerCase(java.util.Locale.ROOT))) {
            throw new IllegalArgumentException("release sha256 must be 64 lowercase hex digits");
        }
        Objects.requireNonNull(keyId, "release keyId");
        Objects.requireNonNull(signature, "release signature");
    }
}
