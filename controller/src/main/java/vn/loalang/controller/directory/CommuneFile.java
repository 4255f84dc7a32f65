package vn.loalang.controller.directory;

import vn.loalang.protocol.Json;
import vn.loalang.protocol.MalformedMessageException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A commune file ({@code commune.json}): what an operator writes to seed an empty store, in the
 * shape of {@link Commune}; the demo starts from one too.
 */
public final class CommuneFile {
    private CommuneFile() {
    }

    public static Commune read(Path file) throws IOException {
        try {
            return Json.read(Files.readAllBytes(file), Commune.class);
        } catch (MalformedMessageException e) {
            throw new IOException("commune file " + file + " is not usable: " + e.getMessage(), e);
        }
    }
}
