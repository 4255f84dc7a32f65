package vn.loalang.agent.update;

import com.fasterxml.jackson.databind.JsonNode;
import vn.loalang.protocol.Json;
import vn.loalang.protocol.config.ConfigTree;
import vn.loalang.protocol.config.Option;
import vn.loalang.protocol.config.OptionType;
import vn.loalang.protocol.signing.Ed25519Keys;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code update} section of {@code station.json}: the release keys whose builds this station
 * installs, and how long a new build has to prove itself before the station rolls back. Without a
 * release key the station refuses every UPDATE: no key, no code from the network.
 *
 * @param releaseKeys  key id → Ed25519 public key in PEM (the release key's, not the controller's)
 * @param trialSeconds how long a new version has to connect, report and pass its self-test
 */
public record UpdateConfig(Map<String, String> releaseKeys, Long trialSeconds) {
    public static final Option<Object> UPDATE_RELEASE_KEYS = Option.of("update.releaseKeys",
                    OptionType.structure("object", "key id → Ed25519 public key in PEM"), "the keys of agent releases")
            .help("The release keys whose signed agent builds this station installs (release-signing.pub.pem); "
                    + "without one, every UPDATE is refused.");
    public static final Option<Long> UPDATE_TRIAL_SECONDS = Option.of("update.trialSeconds",
                    OptionType.whole(30, 3600, "seconds"), "a new version's trial").byDefault(300L)
            .help("How long a newly installed agent version has to connect, report and pass its self-test; "
                    + "otherwise the station goes back to the version before it.");
    public static final List<Option<?>> OPTIONS = List.of(UPDATE_RELEASE_KEYS, UPDATE_TRIAL_SECONDS);

    public UpdateConfig {
        releaseKeys = releaseKeys == null ? Map.of() : Map.copyOf(releaseKeys);
        trialSeconds = UPDATE_TRIAL_SECONDS.check(trialSeconds);
    }

    public Duration trial() {
        return Duration.ofSeconds(trialSeconds);
    }

    public Map<String, PublicKey> publicKeys() {
        Map<String, PublicKey> keys = new LinkedHashMap<>();
        releaseKeys.forEach((id, pem) -> keys.put(id, Ed25519Keys.parsePublic(pem)));
        return keys;
    }

    /** The section of {@code file} (the station config); its defaults when the file has none. */
    public static UpdateConfig read(Path file) throws IOException {
        try {
            JsonNode tree = Json.mapper().readTree(Files.readAllBytes(file));
            if (tree != null && tree.isObject()) {
                ConfigTree.check(tree, OPTIONS);
            }
            JsonNode section = tree == null ? null : tree.get("update");
            UpdateConfig c = section == null || section.isNull() ? new UpdateConfig(null, null)
                    : Json.mapper().treeToValue(section, UpdateConfig.class);
            c.publicKeys(); // a key that is not a key is refused at start, not at the first update
            return c;
        } catch (IllegalArgumentException e) { // an OptionException, or a key that is not a key
            throw new IOException("station config " + file + " is not usable: " + e.getMessage(), e);
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            throw new IOException("station config " + file + " has an unreadable update section: "
                    + e.getOriginalMessage(), e);
        }
    }
}
