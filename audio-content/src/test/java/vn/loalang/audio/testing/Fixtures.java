package vn.loalang.audio.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The audio fixtures of audio-content (see src/test/resources/fixtures/README.md) as files,
 * also for other modules that depend on this module's test-jar.
 */
public final class Fixtures {

    /** 440 Hz, 2.0 s, 44.1 kHz mono, CBR 64 kbps, ID3v2 tag "Giá lúa hôm nay". */
    public static final String ITEM_440HZ_2S = "item-440hz-2s.mp3";
    /** 1 kHz, 1.5 s, 22.05 kHz mono, VBR. */
    public static final String ITEM_1000HZ_1500MS = "item-1000hz-1500ms.mp3";
    /** 660 Hz, 1.0 s, 48 kHz stereo, CBR 96 kbps. */
    public static final String ITEM_660HZ_1S = "item-660hz-1s.mp3";

    private static final Map<String, Path> extracted = new ConcurrentHashMap<>();
    private static Path extractDir;

    private Fixtures() {
    }

    /**
     * A filesystem path to the fixture: the resource itself when it is a plain file (this module's
     * own tests), else a copy in a temporary folder (the resource is inside the test-jar), made once
     * per JVM and removed at exit.
     */
    public static Path path(String name) {
        URL url = Fixtures.class.getResource("/fixtures/" + name);
        if (url == null) {
            throw new IllegalArgumentException("no audio fixture named " + name + " (see audio-content/src/test/resources/fixtures/README.md)");
        }
        if ("file".equals(url.getProtocol())) {
            try {
                return Path.of(url.toURI());
            } catch (URISyntaxException e) {
                throw new IllegalStateException(e);
            }
        }
        return extracted.computeIfAbsent(name, n -> copyOut(url, n));
    }

    private static synchronized Path copyOut(URL url, String name) {
        try {
            if (extractDir == null) {
                extractDir = Files.createTempDirectory("loalang-fixtures");
                extractDir.toFile().deleteOnExit();
            }
            Path target = extractDir.resolve(name);
            try (InputStream in = url.openStream()) {
                Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
            }
            target.toFile().deleteOnExit();
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot extract fixture " + name, e);
        }
    }
}
