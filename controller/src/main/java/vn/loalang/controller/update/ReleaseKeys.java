package vn.loalang.controller.update;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import vn.loalang.protocol.Ids;
import vn.loalang.protocol.signing.Ed25519Keys;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.Map;
import java.util.TreeMap;

/**
 * The commune's release keys: the public halves of the keys agent builds are signed with, one file
 * {@code <keyId>.pub.pem} each in {@code DATA/keys/releases/} (copied there from the build machine's
 * {@code release-signing.pem.pub.pem}). Only the public half is ever on the controller: it checks an
 * upload and goes into every new station bundle, and cannot sign a build. Read at each use, so a key
 * copied in counts without a restart.
 */
public final class ReleaseKeys {
    private static final Logger log = LoggerFactory.getLogger(ReleaseKeys.class);
    static final String SUFFIX = ".pub.pem";

    private final Path dir;

    public ReleaseKeys(Path dir) {
        this.dir = dir;
    }

    /** {@code DATA/keys/releases}. */
    public static ReleaseKeys in(Path dataDir) {
        return new ReleaseKeys(dataDir.resolve("keys").resolve("releases"));
    }

    public Path dir() {
        return dir;
    }

    /** Key id → public PEM; empty when the commune has none. A file that is not a key is left out, and said. */
    public Map<String, String> pems() {
        Map<String, String> keys = new TreeMap<>();
        try (var files = Files.list(dir)) {
            for (Path f : files.sorted().toList()) {
                String name = f.getFileName().toString();
                if (!name.endsWith(SUFFIX)) {
                    continue;
                }
                String id = name.substring(0, name.length() - SUFFIX.length());
                try {
                    Ids.require("release key", id);
                    String pem = Files.readString(f);
                    Ed25519Keys.parsePublic(pem);
                    keys.put(id, pem);
                } catch (IllegalArgumentException | IOException e) {
                    log.warn("Release key file {} is not used: {}", f, e.getMessage());
                }
            }
        } catch (NoSuchFileException e) {
            return Map.of();
        } catch (IOException e) {
            log.warn("Release keys in {} cannot be read: {}", dir, e.toString());
            return Map.of();
        }
        return keys;
    }

    public Map<String, PublicKey> publicKeys() {
        Map<String, PublicKey> keys = new TreeMap<>();
        pems().forEach((id, pem) -> keys.put(id, Ed25519Keys.parsePublic(pem)));
        return keys;
    }
}
