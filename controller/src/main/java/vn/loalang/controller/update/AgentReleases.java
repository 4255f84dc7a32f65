package vn.loalang.controller.update;

import com.fasterxml.jackson.databind.JsonNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import vn.loalang.controller.audit.AuditLog;
import vn.loalang.controller.change.ChangeException;
import vn.loalang.controller.change.ChangeException.Kind;
import vn.loalang.controller.store.Store;
import vn.loalang.protocol.Json;
import vn.loalang.protocol.signing.ReleaseSignature;
import vn.loalang.protocol.station.Release;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The agent builds this controller serves: uploaded by a technician with the release file that the
 * build machine's {@code loalang-controller release} wrote, kept only when the commune's release key
 * ({@link ReleaseKeys}) signed exactly these bytes, stored as {@code DATA/releases/<sha256>.jar} and
 * served beside the library at {@code /content/<sha256>} (the same transport, TLS and trust as audio).
 * The UPDATE a station gets names that address ({@link #offer}), never one given by a client.
 */
public final class AgentReleases {
    private static final Logger log = LoggerFactory.getLogger(AgentReleases.class);
    /** Far above a shaded agent jar (about 20 MB), far below what could fill the server's disk by mistake. */
    public static final long MAX_JAR_BYTES = 64L * 1024 * 1024;
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

    /** A release as kept here. */
    public record Stored(String version, String sha256, long size, String keyId, String signature, String uploadedBy,
                         Instant uploadedAt) {
    }

    private final Store store;
    private final AuditLog audit;
    private final Clock clock;
    private final ReleaseKeys keys;
    private final Path dir;

    /** @param dir where the jars are kept ({@code DATA/releases}) */
    public AgentReleases(Store store, AuditLog audit, Clock clock, ReleaseKeys keys, Path dir) {
        this.store = store;
        this.audit = audit;
        this.clock = clock;
        this.keys = keys;
        this.dir = dir;
    }

    /** Where an upload is received before it is checked: on the same disk as the kept jars, for one rename. */
    public Path incomingDir() throws IOException {
        return Files.createDirectories(dir.resolve("incoming"));
    }

    public ReleaseKeys keys() {
        return keys;
    }

    /**
     * Keeps the jar at {@code received} (moved away, or deleted when refused) as the release that
     * {@code releaseFile} (the JSON {@code loalang-controller release} wrote) describes. Refused unless a
     * configured release key signed this jar's version, SHA-256 and size, and the jar reports that version.
     * The same release uploaded again is answered with the one kept.
     */
    public Stored upload(String user, Path received, byte[] releaseFile) {
        try {
            return keep(user, received, releaseFile);
        } finally {
            try {
                Files.deleteIfExists(received);
            } catch (IOException e) {
                log.warn("Refused release upload {} could not be deleted: {}", received, e.toString());
            }
        }
    }

    private Stored keep(String user, Path received, byte[] releaseFile) {
        JsonNode r;
        try {
            r = Json.mapper().readTree(releaseFile);
        } catch (IOException e) {
            throw new ChangeException(Kind.INVALID, "release", "Tệp chữ ký không đọc được / the release file is not"
                    + " JSON: give the release-VERSION.json that 'loalang-controller release' wrote");
        }
        String version = r == null ? "" : r.path("version").asText("");
        String keyId = r == null ? "" : r.path("keyId").asText("");
        String signature = r == null ? "" : r.path("signature").asText("");
        if (version.isEmpty() || keyId.isEmpty() || signature.isEmpty()) {
            throw new ChangeException(Kind.INVALID, "release", "Tệp chữ ký thiếu version, keyId hoặc signature / the"
                    + " release file lacks version, keyId or signature: give the file 'loalang-controller release' wrote");
        }
        long size;
        String sha256;
        try {
            size = Files.size(received);
            sha256 = sha256(received);
        } catch (IOException e) {
            throw new ChangeException(Kind.INVALID, "jar", "the uploaded jar cannot be read: " + e.getMessage());
        }
        if (size > MAX_JAR_BYTES) {
            throw new ChangeException(Kind.INVALID, "jar", "Tệp quá lớn / the jar is larger than "
                    + (MAX_JAR_BYTES >> 20) + " MB");
        }
        Map<String, PublicKey> known = keys.publicKeys();
        if (known.isEmpty()) {
            throw new ChangeException(Kind.REFUSED, "release", "Máy chủ chưa có khoá phát hành / this controller has no"
                    + " release key: copy the build machine's release-signing.pem.pub.pem to " + keys.dir()
                    + "/" + keyId + ReleaseKeys.SUFFIX);
        }
        PublicKey key = known.get(keyId);
        if (key == null) {
            throw new ChangeException(Kind.REFUSED, "release", "Bản này ký bằng khoá lạ / release " + version
                    + " is signed with key " + keyId + ", not one of this commune's release keys " + known.keySet());
        }
        if (!ReleaseSignature.verify(key, version, sha256, size, signature)) {
            throw new ChangeException(Kind.REFUSED, "release", "Chữ ký không khớp / the release key " + keyId
                    + " did not sign this jar as version " + version + " (" + size + " bytes, SHA-256 " + sha256
                    + "): upload the jar the release file was made for");
        }
        String reported = reportedVersion(received);
        if (!version.equals(reported)) {
            // Signed, but a station would never report the version on trial and would roll it back.
            throw new ChangeException(Kind.REFUSED, "release", "the jar reports version " + reported + ", not "
                    + version + ": a station would roll it back");
        }
        try {
            // The version and size rules are Release's: a release kept here must make a valid UPDATE later.
            new Release(version, "http://check", size, sha256, keyId, signature);
        } catch (IllegalArgumentException e) {
            throw new ChangeException(Kind.INVALID, "release", e.getMessage());
        }
        Optional<Stored> existing = byVersion(version);
        if (existing.isPresent()) {
            if (existing.get().sha256().equals(sha256)) {
                return existing.get();
            }
            throw new ChangeException(Kind.CONFLICT, "release", "Đã có bản " + version + " khác / another build is"
                    + " already kept as " + version + " (SHA-256 " + existing.get().sha256() + "): a version names one build");
        }
        Path file = dir.resolve(sha256 + ".jar");
        try {
            Files.createDirectories(dir);
            try {
                Files.move(received, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (java.nio.file.AtomicMoveNotSupportedException e) {
                // Received on another disk: copied beside, then renamed, so the content server never sees half a jar.
                Path tmp = Files.copy(received, dir.resolve(sha256 + ".jar.tmp"), StandardCopyOption.REPLACE_EXISTING);
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new ChangeException(Kind.UNAVAILABLE, "jar", "the jar could not be kept in " + dir + ": " + e.getMessage());
        }
        Instant now = clock.instant();
        Stored kept = new Stored(version, sha256, size, keyId, signature, user, now);
        store.transaction(c -> {
            try (PreparedStatement s = c.prepareStatement("""
                    INSERT INTO agent_release (version, sha256, size, key_id, signature, uploaded_by, uploaded_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?)""")) {
                s.setString(1, version);
                s.setString(2, sha256);
                s.setLong(3, size);
                s.setString(4, keyId);
                s.setString(5, signature);
                s.setString(6, user);
                s.setString(7, now.toString());
                s.executeUpdate();
            }
            audit.record(c, user, "release.upload", version, null, Map.of("sha256", sha256, "size", size, "keyId", keyId));
            return null;
        });
        log.info("Agent release {} ({} bytes, SHA-256 {}, key {}) uploaded by {}", version, size, sha256, keyId, user);
        return kept;
    }

    /** The newest first. */
    public List<Stored> all() {
        return store.query(c -> {
            List<Stored> out = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement(SELECT + " ORDER BY uploaded_at DESC, version DESC");
                 ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    out.add(read(rs));
                }
            }
            return out;
        });
    }

    public Optional<Stored> byVersion(String version) {
        return one(" WHERE version = ?", version);
    }

    public Optional<Stored> bySha256(String sha256) {
        return one(" WHERE sha256 = ?", sha256);
    }

    /** The kept jar with this SHA-256, for the content server; empty for anything else. */
    public Optional<Path> file(String sha256) {
        if (sha256 == null || !SHA256.matcher(sha256).matches() || bySha256(sha256).isEmpty()) {
            return Optional.empty();
        }
        Path file = dir.resolve(sha256 + ".jar");
        return Files.isRegularFile(file) ? Optional.of(file) : Optional.empty();
    }

    /** The release as a station gets it: downloaded from this controller's content address {@code base}. */
    public static Release offer(Stored r, URI base) {
        String root = base.toString().endsWith("/") ? base.toString() : base + "/";
        return new Release(r.version(), root + "content/" + r.sha256(), r.size(), r.sha256(), r.keyId(), r.signature());
    }

    private Optional<Stored> one(String where, String value) {
        return store.query(c -> {
            try (PreparedStatement s = c.prepareStatement(SELECT + where)) {
                s.setString(1, value);
                try (ResultSet rs = s.executeQuery()) {
                    return rs.next() ? Optional.of(read(rs)) : Optional.<Stored>empty();
                }
            }
        });
    }

    private static final String SELECT =
            "SELECT version, sha256, size, key_id, signature, uploaded_by, uploaded_at FROM agent_release";

    private static Stored read(ResultSet rs) throws java.sql.SQLException {
        return new Stored(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getString(4), rs.getString(5),
                rs.getString(6), Instant.parse(rs.getString(7)));
    }

    static String sha256(Path file) throws IOException {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            try (InputStream in = new DigestInputStream(Files.newInputStream(file), sha)) {
                in.transferTo(java.io.OutputStream.nullOutputStream());
            }
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }

    /** The jar's Implementation-Version, the version the agent reports; refused when it is no jar or has none. */
    private static String reportedVersion(Path jar) {
        try (java.util.jar.JarFile j = new java.util.jar.JarFile(jar.toFile())) {
            java.util.jar.Manifest m = j.getManifest();
            String v = m == null ? null : m.getMainAttributes().getValue(java.util.jar.Attributes.Name.IMPLEMENTATION_VERSION);
            if (v == null) {
                throw new ChangeException(Kind.REFUSED, "jar", "the jar has no Implementation-Version: it would report"
                        + " \"dev\" and never pass a trial");
            }
            return v;
        } catch (IOException e) {
            throw new ChangeException(Kind.INVALID, "jar", "Không phải tệp jar / the upload is not a jar: " + e.getMessage());
        }
    }
}
