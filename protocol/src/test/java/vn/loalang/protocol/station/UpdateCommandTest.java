package vn.loalang.protocol.station;

import org.junit.jupiter.api.Test;
import vn.loalang.protocol.Json;
import vn.loalang.protocol.SchemaVersion;
import vn.loalang.protocol.signing.Ed25519Keys;
import vn.loalang.protocol.signing.ReleaseSignature;

import java.security.KeyPair;
import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** An UPDATE and the release it carries: what the wire holds, and what the release key's signature covers. */
class UpdateCommandTest {
    private static final Instant NOW = Instant.parse("2026-12-06T02:00:00Z");
    private static final String SHA = "3b1f6a1c0065eeb08041daf5b029b610c3886169b315efec9627602e2cfb0fa6";
    private final KeyPair releaseKey = Ed25519Keys.generate();

    private Release release(String version, long size) {
        return new Release(version, "https://dieu-khien.xa-an-binh.vn:8443/releases/agent-" + version + ".jar", size, SHA,
                "release-k1", ReleaseSignature.sign(releaseKey.getPrivate(), version, SHA, size));
    }

    @Test
    void anUpdateCarriesItsReleaseAndNoOtherCommandDoes() throws Exception {
        Command update = Command.update("c-up-1", "thon-1-a", release("1.4.0", 24_000_000), NOW, NOW.plusSeconds(600));
        assertEquals(CommandAction.UPDATE, update.actionCode());
        assertEquals(update, Json.read(Json.write(update), Command.class));
        assertThrows(IllegalArgumentException.class, () -> new Command(SchemaVersion.CURRENT, "c-2", "thon-1-a", "UPDATE",
                0, NOW, NOW.plusSeconds(60)));
        assertThrows(IllegalArgumentException.class, () -> new Command(SchemaVersion.CURRENT, "c-3", "thon-1-a",
                "RESYNC", 0, NOW, NOW.plusSeconds(60), release("1.4.0", 10)));
        // Every other command is written as before updates existed: the golden command.json stays the same bytes.
        assertFalse(Json.mapper().readTree(Json.write(Command.of("c-4", "thon-1-a", CommandAction.RESYNC, 0, NOW,
                NOW.plusSeconds(60)))).has("release"));
    }

    @Test
    void theReleaseSignatureCoversTheVersionTheHashAndTheSize() {
        Release r = release("1.4.0", 24_000_000);
        assertTrue(ReleaseSignature.verify(releaseKey.getPublic(), r.version(), r.sha256(), r.size(), r.signature()));
        assertFalse(ReleaseSignature.verify(releaseKey.getPublic(), "1.4.1", r.sha256(), r.size(), r.signature()));
        assertFalse(ReleaseSignature.verify(releaseKey.getPublic(), r.version(), r.sha256().replace('3', '4'), r.size(),
                r.signature()));
        assertFalse(ReleaseSignature.verify(releaseKey.getPublic(), r.version(), r.sha256(), r.size() + 1, r.signature()));
        assertFalse(ReleaseSignature.verify(Ed25519Keys.generate().getPublic(), r.version(), r.sha256(), r.size(),
                r.signature()), "another key's");
        assertFalse(ReleaseSignature.verify(releaseKey.getPublic(), r.version(), r.sha256(), r.size(), "not base64!"));
    }

    @Test
    void aReleaseThatCouldNotBeInstalledSafelyIsRefusedOnArrival() {
        assertThrows(IllegalArgumentException.class, () -> release("../../etc", 10), "a version that is a path");
        assertThrows(IllegalArgumentException.class, () -> release("1.4.0", 0));
        assertThrows(IllegalArgumentException.class, () -> release("1.4.0", Release.MAX_SIZE + 1));
        assertThrows(IllegalArgumentException.class, () -> new Release("1.4.0", "file:///etc/passwd", 10, SHA, "k", "s"));
        assertThrows(IllegalArgumentException.class, () -> new Release("1.4.0", "http://x/a.jar", 10, SHA.toUpperCase(),
                "k", "s"));
    }
}
