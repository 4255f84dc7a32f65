package vn.loalang.controller.store;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The store on a real SQLite file. */
class StoreTest {
    @TempDir
    Path data;

    @Test
    void createsTheFileAndItsFoldersAndAppliesEveryMigration() {
        Path file = data.resolve("nested").resolve("deeper").resolve("loalang.db");

        try (Store store = Store.open(file)) {
            assertTrue(Files.isRegularFile(file));
            assertEquals(file.toAbsolutePath(), store.file());
            assertEquals(shippedMigrations(), migrations(store));
            assertTrue(tables(store).containsAll(List.of("station_event", "event_stream", "event_ahead", "published_schedule",
                    "app_user", "api_session", "audit_log", "planned_session")));
        }
    }

    @Test
    void runsWithWriteAheadLoggingAndForeignKeys() {
        try (Store store = Store.open(data.resolve("loalang.db"))) {
            assertEquals("wal", pragma(store, "journal_mode"));
            assertEquals("1", pragma(store, "foreign_keys"));
            assertEquals("5000", pragma(store, "busy_timeout"));
        }
    }

    @Test
    void reopensWhatItWroteWithoutMigratingAgain() {
        Path file = data.resolve("loalang.db");
        try (Store store = Store.open(file)) {
            store.transaction(c -> {
                try (Statement s = c.createStatement()) {
                    return s.executeUpdate("INSERT INTO event_stream (station_id, stream, contiguous) VALUES ('thon-dong-1', 'sd-a', 7)");
                }
            });
        }

        try (Store again = Store.open(file)) {
            assertEquals(shippedMigrations(), migrations(again), "each migration once");
            assertEquals(7L, (long) again.query(c -> {
                try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT contiguous FROM event_stream")) {
                    rs.next();
                    return rs.getLong(1);
                }
            }));
        }
    }

    @Test
    void aTransactionThatFailsLeavesNothingBehind() {
        try (Store store = Store.open(data.resolve("loalang.db"))) {
            StoreException e = assertThrows(StoreException.class, () -> store.transaction(c -> {
                try (Statement s = c.createStatement()) {
                    s.executeUpdate("INSERT INTO event_stream (station_id, stream, contiguous) VALUES ('thon-dong-1', 'sd-a', 1)");
                    // The same key again: the whole transaction must go.
                    return s.executeUpdate("INSERT INTO event_stream (station_id, stream, contiguous) VALUES ('thon-dong-1', 'sd-b', 2)");
                }
            }));

            assertTrue(e.getMessage().contains(store.file().toString()), e.getMessage());
            assertEquals(0L, count(store, "event_stream"));
        }
    }

    @Test
    void refusesAFileThatIsNotADatabaseAndSaysWhichFile() throws IOException {
        Path file = data.resolve("loalang.db");
        Files.writeString(file, "stations=3 items_played=9 failures=0\n".repeat(200), StandardCharsets.UTF_8);

        StoreException e = assertThrows(StoreException.class, () -> Store.open(file));

        assertTrue(e.getMessage().contains(file.toAbsolutePath().toString()), e.getMessage());
        assertTrue(e.getMessage().contains("SQLite"), e.getMessage());
    }

    @Test
    void refusesToWorkOnceClosed() {
        Store store = Store.open(data.resolve("loalang.db"));
        store.close();

        StoreException e = assertThrows(StoreException.class, () -> count(store, "event_stream"));

        assertTrue(e.getMessage().contains("is closed"), e.getMessage());
        store.close(); // twice is harmless
    }

    private static List<String> migrations(Store store) {
        return strings(store, "SELECT version FROM flyway_schema_history WHERE success = 1 AND version IS NOT NULL ORDER BY installed_rank");
    }

    private static List<String> tables(Store store) {
        return strings(store, "SELECT name FROM sqlite_master WHERE type = 'table'");
    }

    private static String pragma(Store store, String name) {
        return strings(store, "PRAGMA " + name).get(0);
    }

    private static long count(Store store, String table) {
        return Long.parseLong(strings(store, "SELECT count(*) FROM " + table).get(0));
    }

    private static List<String> strings(Store store, String sql) {
        return store.query(c -> {
            List<String> out = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement(sql); ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
            return out;
        });
    }

    /** The versions of the migration scripts in the controller's resources, in order. */
    private static List<String> shippedMigrations() {
        try (var files = Files.list(Path.of("src", "main", "resources", "db", "migration"))) {
            return files.map(f -> f.getFileName().toString())
                    .filter(n -> n.matches("V\\d+__.*\\.sql"))
                    .map(n -> n.substring(1, n.indexOf("__")))
                    .sorted(java.util.Comparator.comparingInt(Integer::parseInt))
                    .toList();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
