package vn.loalang.controller.directory;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vn.loalang.audio.ContentHash;
import vn.loalang.controller.audit.AuditLog;
import vn.loalang.controller.content.LibraryCatalog;
import vn.loalang.controller.schedule.ScheduleCompiler;
import vn.loalang.controller.store.Store;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The commune file that ships as an example ({@code docs/examples/commune.example.json}) is one a commune
 * could start from: it reads, imports into a real store with its library, and compiles without a problem.
 */
class CommuneExampleTest {
    private static final Path EXAMPLE = Path.of("..", "docs", "examples", "commune.example.json");

    @TempDir
    Path dir;

    @Test
    void theExampleCommuneFileImportsAndCompilesWithoutProblems() throws Exception {
        assertTrue(Files.exists(EXAMPLE), EXAMPLE.toAbsolutePath() + " ships with the project");
        Commune file = CommuneFile.read(EXAMPLE);
        assertEquals(3, file.villages().size());
        assertEquals(3, file.stations().size());
        assertFalse(file.program().oneOff().isEmpty());
        assertFalse(file.program().cancellations().isEmpty());
        assertTrue(file.commune().quietHours() != null);

        Clock clock = Clock.fixed(Instant.parse("2027-01-18T00:00:00Z"), ZoneOffset.UTC);
        try (Store store = Store.open(dir.resolve("loalang.db"))) {
            AuditLog audit = new AuditLog(clock);
            Directory directory = Directory.open(store, audit, clock, EXAMPLE, file, ContentHash.sha256(EXAMPLE));
            assertTrue(directory.importedNow());
            LibraryCatalog library = LibraryCatalog.open(store, dir.resolve("content"),
                    directory.current().commune().targetLufs(), audit, clock);
            Path base = EXAMPLE.toAbsolutePath().getParent();
            file.library().forEach(e -> library.importEntry("system", e, base.resolve(e.file()).normalize()));
            assertEquals(3, library.index().items().size());

            ScheduleCompiler compiler = new ScheduleCompiler(directory::current, library.index(),
                    URI.create("http://127.0.0.1:8080"));
            // Over the days of the one-off session and of Tết's cancellations.
            for (String day : List.of("2027-01-18T00:00:00Z", "2027-02-03T00:00:00Z")) {
                assertEquals(List.of(), compiler.problems(directory.current(), Instant.parse(day)), day);
            }
        }
    }
}
