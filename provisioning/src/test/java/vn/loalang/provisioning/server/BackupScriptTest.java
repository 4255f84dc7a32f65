package vn.loalang.provisioning.server;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * {@code loalang-backup.sh} on real SQLite files with the real {@code sqlite3} program: a store in
 * WAL mode copied while another process keeps writing to it, the library audio copied once, old
 * backups removed, and every failure an exit code other than 0 with its reason.
 */
class BackupScriptTest {
    private static final Path SCRIPT = Path.of("src/main/dist/server/loalang-backup.sh").toAbsolutePath();
    private static final Duration RUN_LIMIT = Duration.ofSeconds(120);
    private static final DateTimeFormatter NAME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HHmmss'Z'")
            .withZone(ZoneOffset.UTC);
    private static final String NAME_PATTERN = "\\d{4}-\\d{2}-\\d{2}T\\d{6}Z(-\\d+)?";

    @TempDir
    Path dir;
    private Path data;
    private Path store;
    private Path dest;

    @BeforeAll
    static void sqlite3IsInstalled() {
        if (!Run.installed("sqlite3", "-version")) {
            fail("sqlite3 is missing: apt-get install -y sqlite3   (the backup script and these tests need the sqlite3 program)");
        }
        assertTrue(Files.isRegularFile(SCRIPT), "no backup script at " + SCRIPT);
    }

    @BeforeEach
    void controllerDataDir() throws IOException {
        data = dir.resolve("data");
        store = data.resolve("loalang.db");
        dest = dir.resolve("backups");
        Files.createDirectories(data.resolve("keys"));
        Files.createDirectories(data.resolve("content").resolve("incoming"));
        Files.writeString(data.resolve("keys/controller-signing.pem"),
                "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIA==\n-----END PRIVATE KEY-----\n");
        Files.writeString(data.resolve("keys/controller-signing.pub.pem"),
                "-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEA\n-----END PUBLIC KEY-----\n");
        // An upload still being received: not the library's yet, never backed up.
        Files.writeString(data.resolve("content/incoming/half-received.mp3"), "ID3 half");
    }

    @Test
    void theStoreIsCopiedWholeAndConsistentWhileAnotherProcessWritesToIt() throws Exception {
        // The store as the controller keeps it: WAL mode; a few MB so that the copy takes a while.
        assertEquals("wal", sql(store, "PRAGMA journal_mode=WAL;"
                + "CREATE TABLE item(id INTEGER PRIMARY KEY, payload TEXT NOT NULL);"
                + "CREATE TABLE counter(n INTEGER NOT NULL); INSERT INTO counter VALUES (0);"
                + "WITH RECURSIVE x(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM x WHERE i < 20000)"
                + " INSERT INTO item(payload) SELECT hex(randomblob(200)) FROM x;"
                + "UPDATE counter SET n = (SELECT count(*) FROM item);"));
        String a = content("bản tin giá lúa");
        String b = content("dự báo thời tiết");
        // Issue 19: a chat channel's secrets, beside the key.
        Files.createDirectories(data.resolve("secrets"));
        Files.writeString(data.resolve("secrets/channel-telegram-1.json"), "{\"botToken\":\"123456:AAH-test\"}");
        long seeded = committed();

        try (Writer writer = Writer.start(store, dir.resolve("writer.log"))) {
            await("the writer commits").atMost(Duration.ofSeconds(30)).until(() -> committed() > seeded + 100);
            long before = committed();
            long started = System.nanoTime();
            Run backup = Run.of(RUN_LIMIT, Map.of("LOALANG_DATA", data.toString(), "LOALANG_BACKUP_DIR", dest.toString()),
                    List.of("/bin/bash", SCRIPT.toString())).ok();
            long after = committed();
            System.out.printf("backup of a WAL store took %d ms while another process committed %d transactions%n",
                    (System.nanoTime() - started) / 1_000_000, after - before);
            assertTrue(after > before, "the writer kept committing while the backup ran (" + before + " → " + after
                    + "): " + writer.log());
            writer.stopAndCheck();

            Path copy = onlyBackup().resolve("loalang.db");
            assertTrue(backup.stdout().contains("loalang-backup: backup " + onlyBackup()), backup.toString());
            assertEquals("ok", sql(copy, "PRAGMA integrity_check;"));
            // One file of its own: no -wal needed beside it.
            assertEquals("delete", sql(copy, "PRAGMA journal_mode;"));
            long rows = Long.parseLong(sql(copy, "SELECT count(*) FROM item;"));
            long counted = Long.parseLong(sql(copy, "SELECT n FROM counter;"));
            // Every writer transaction adds a row and counts it: a torn copy would disagree.
            assertEquals(rows, counted, "rows and the counter of the same transactions");
            assertTrue(rows >= before, "the copy holds at least what was committed when the backup started: "
                    + rows + " rows, " + before + " committed before");
            assertTrue(rows <= after, rows + " rows, at most the " + after + " committed when it ended");

            Path backupDir = onlyBackup();
            assertEquals(backupDir.toRealPath(), dest.resolve("latest").toRealPath(), "latest points to the new backup");
            assertSameFiles(data.resolve("keys"), backupDir.resolve("keys"));
            assertSameFiles(data.resolve("secrets"), backupDir.resolve("secrets"));
            assertTrue(Files.readString(backupDir.resolve("SHA256SUMS")).contains("secrets/channel-telegram-1.json"),
                    "the secrets are checksummed with the key");
            assertEquals(List.of(a, b).stream().sorted().toList(), names(backupDir.resolve("content")));
            assertArrayEquals(Files.readAllBytes(data.resolve("content").resolve(a)),
                    Files.readAllBytes(backupDir.resolve("content").resolve(a)));
            Run.of(Duration.ofSeconds(30), List.of("/bin/sh", "-c", "cd \"$0\" && sha256sum --strict -c SHA256SUMS",
                    backupDir.toString())).ok();
            String manifest = Files.readString(backupDir.resolve("MANIFEST"));
            assertTrue(manifest.contains("integrity_check ok") && manifest.contains("2 files (2 new, 0 unchanged"), manifest);
        }
    }

    @Test
    void libraryFilesAreCopiedOnceAndBackupsOlderThanTheKeptDaysAreRemoved() throws Exception {
        smallStore();
        String a = content("bản tin A");
        String b = content("bản tin B");
        Instant now = Instant.now();
        Files.createDirectories(dest);
        String old30 = oldBackup(now.minus(Duration.ofDays(30)));
        String old15 = oldBackup(now.minus(Duration.ofDays(15)));
        String old13 = oldBackup(now.minus(Duration.ofDays(13)));
        Path stale = Files.createDirectories(dest.resolve(NAME.format(now.minus(Duration.ofDays(1))) + ".partial"));
        Files.writeString(stale.resolve("loalang.db"), "cut short by a power cut");
        Path notOurs = Files.writeString(dest.resolve("notes.txt"), "an operator's notes");

        // First run, default of 14 days kept; paths given as options.
        Run first = backup();
        assertTrue(first.stdout().contains("content 2 files (2 new, 0 unchanged); removed 2 backup(s) older than 14 days"),
                first.toString());
        assertFalse(Files.exists(dest.resolve(old30)), "30 days old: removed");
        assertFalse(Files.exists(dest.resolve(old15)), "15 days old: removed");
        assertTrue(Files.exists(dest.resolve(old13)), "13 days old: kept");
        assertFalse(Files.exists(stale), "what an interrupted run left is removed");
        assertTrue(Files.exists(notOurs), "what is not a backup is never touched");
        Path run1 = newest();
        assertFalse(Files.exists(run1.resolve("secrets")), "no channel secrets were set: none to keep");

        // A new library file: only it is copied; the others are hard links to the first backup's copies.
        String c = content("bản tin C");
        Run second = backup();
        assertTrue(second.stdout().contains("content 3 files (1 new, 2 unchanged)"), second.toString());
        Path run2 = newest();
        assertNotEquals(run1, run2);
        for (String unchanged : List.of(a, b)) {
            assertEquals(inode(run1.resolve("content").resolve(unchanged)), inode(run2.resolve("content").resolve(unchanged)),
                    unchanged + " is the same file in both backups, not a second copy");
        }
        assertEquals(List.of(a, b, c).stream().sorted().toList(), names(run2.resolve("content")));
        assertArrayEquals(Files.readAllBytes(data.resolve("content").resolve(c)),
                Files.readAllBytes(run2.resolve("content").resolve(c)));

        // A file the library removed is not in the next backup; keeping one day removes the 13-day one.
        Files.delete(data.resolve("content").resolve(a));
        Run third = backup("--keep-days", "1");
        assertTrue(third.stdout().contains("content 2 files (0 new, 2 unchanged); removed 1 backup(s) older than 1 days"),
                third.toString());
        assertFalse(Files.exists(dest.resolve(old13)));
        assertEquals(List.of(b, c).stream().sorted().toList(), names(newest().resolve("content")));
        assertEquals(List.of(run1.getFileName().toString(), run2.getFileName().toString(), newest().getFileName().toString()),
                backups(), "today's backups are all kept");
        assertTrue(Files.exists(run1.resolve("content").resolve(a)), "an older backup keeps what it held");
    }

    @Test
    void aLibraryFileThatDoesNotMatchItsNameFailsTheRunButTheRestIsBackedUp() throws Exception {
        smallStore();
        String good = content("bản tin tốt");
        String damaged = content("bản tin hỏng");
        Files.writeString(data.resolve("content").resolve(damaged), "bit rot");

        Run run = Run.of(RUN_LIMIT, List.of("/bin/bash", SCRIPT.toString(), "--data", data.toString(), "--dest", dest.toString()));

        assertEquals(1, run.exitCode(), run.toString());
        assertTrue(run.stderr().contains("loalang-backup: FAILED: 1 library file(s) in " + data.resolve("content")
                + " do not match their SHA-256 and were not backed up (the store, the key and the other files were): "
                + damaged), run.toString());
        Path backup = onlyBackup();
        assertEquals(List.of(good), names(backup.resolve("content")));
        assertEquals("ok", sql(backup.resolve("loalang.db"), "PRAGMA integrity_check;"));
        assertTrue(Files.readString(backup.resolve("MANIFEST")).contains("damaged     " + damaged));
    }

    @Test
    void aFailedBackupExitsNonZeroWithItsReasonAndLeavesNothingBehind() throws Exception {
        Map<String, Failure> failures = new LinkedHashMap<>();
        failures.put("no store", new Failure(() -> {
        }, List.of(), "the store " + store + " does not exist"));
        failures.put("not a database", new Failure(() -> Files.writeString(store, "this is not an SQLite file at all, "
                .repeat(200)), List.of(), "could not copy the store " + store + ": Error: stepping, file is not a database"));
        failures.put("damaged database", new Failure(this::damagedStore, List.of(),
                "could not copy the store " + store + ": Error: stepping, database disk image is malformed"));
        failures.put("no signing key", new Failure(() -> {
            smallStore();
            try (Stream<Path> keys = Files.list(data.resolve("keys"))) {
                for (Path k : keys.toList()) {
                    Files.delete(k);
                }
            }
        }, List.of(), "no signing key in " + data.resolve("keys")));
        failures.put("no sqlite3", new Failure(this::smallStore, List.of("LOALANG_SQLITE3=/nowhere/sqlite3"),
                "the sqlite3 program (/nowhere/sqlite3) is missing: apt-get install -y sqlite3"));
        failures.put("backup folder is a file", new Failure(() -> {
            smallStore();
            Files.writeString(dest, "a file where the folder should be");
        }, List.of(), "cannot create the backup folder " + dest));
        if ("root".equals(System.getProperty("user.name"))) {
            // Run by root on a store owned by the controller's user, sqlite3 could leave root's -shm file behind.
            failures.put("root on another user's store", new Failure(() -> {
                smallStore();
                Files.setAttribute(store, "unix:uid", 65534);
            }, List.of(), "run the backup as the store's owner"));
        }

        for (Map.Entry<String, Failure> e : failures.entrySet()) {
            clear();
            controllerDataDir();
            e.getValue().setUp().run();
            Map<String, String> env = new LinkedHashMap<>();
            for (String kv : e.getValue().env()) {
                env.put(kv.substring(0, kv.indexOf('=')), kv.substring(kv.indexOf('=') + 1));
            }
            Run run = Run.of(RUN_LIMIT, env, List.of("/bin/bash", SCRIPT.toString(), "--data", data.toString(),
                    "--dest", dest.toString()));
            assertEquals(1, run.exitCode(), e.getKey() + ": " + run);
            assertTrue(run.stderr().contains("loalang-backup: FAILED: " + e.getValue().reason()), e.getKey() + ": " + run);
            if (Files.isDirectory(dest)) {
                assertEquals(List.of(), names(dest), e.getKey() + ": nothing left in the backup folder");
            }
        }
    }

    @Test
    void aSecondBackupWhileOneRunsIsRefused() throws Exception {
        smallStore();
        Files.createDirectories(dest);
        Path lock = dest.resolve(".lock");
        // flock(1) holds the lock until its stdin closes: a backup that is taking its time.
        Process holder = new ProcessBuilder("flock", lock.toString(), "cat").redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try {
            await("the lock is held").atMost(Duration.ofSeconds(30)).until(() ->
                    Run.of(Duration.ofSeconds(10), List.of("flock", "-n", lock.toString(), "true")).exitCode() != 0);
            Run refused = Run.of(RUN_LIMIT, List.of("/bin/bash", SCRIPT.toString(), "--data", data.toString(),
                    "--dest", dest.toString()));
            assertEquals(1, refused.exitCode(), refused.toString());
            assertTrue(refused.stderr().contains("loalang-backup: FAILED: another backup is running (it holds " + lock + ")"),
                    refused.toString());
            assertEquals(List.of(), backups());
        } finally {
            holder.getOutputStream().close();
            assertTrue(holder.waitFor(30, TimeUnit.SECONDS), "flock ends when its stdin closes");
        }
        backup();
        assertEquals(1, backups().size(), "once the lock is free the backup runs");
    }

    @Test
    void aWrongOptionIsExitCode2WithTheUsage() {
        Run run = Run.of(RUN_LIMIT, List.of("/bin/bash", SCRIPT.toString(), "--keep-days", "0"));
        assertEquals(2, run.exitCode(), run.toString());
        assertTrue(run.stderr().contains("--keep-days must be a whole number of days, at least 1, not '0'")
                && run.stderr().contains("Usage: loalang-backup.sh"), run.toString());
    }

    // --- helpers -------------------------------------------------------------------------------

    private record Failure(SetUp setUp, List<String> env, String reason) {
    }

    @FunctionalInterface
    private interface SetUp {
        void run() throws Exception;
    }

    /** A writer of its own process, as the controller is: one sqlite3 shell fed transactions on stdin. */
    private static final class Writer implements AutoCloseable {
        private final Process process;
        private final Path log;
        private final Thread feeder;
        private final AtomicBoolean stop = new AtomicBoolean();
        private final AtomicReference<IOException> feedFailure = new AtomicReference<>();

        private Writer(Process process, Path log) {
            this.process = process;
            this.log = log;
            this.feeder = new Thread(this::feed, "sqlite-writer");
        }

        static Writer start(Path db, Path log) throws IOException {
            Process p = new ProcessBuilder("sqlite3", "-bail", db.toString()).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).start();
            Writer w = new Writer(p, log);
            w.feeder.start();
            return w;
        }

        private void feed() {
            try (BufferedWriter in = new BufferedWriter(new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8))) {
                // As the controller's store: WAL, synchronous NORMAL, a busy timeout.
                in.write(".timeout 10000\nPRAGMA synchronous=NORMAL;\n");
                while (!stop.get()) {
                    in.write("BEGIN; INSERT INTO item(payload) VALUES (hex(randomblob(200))); UPDATE counter SET n = n + 1; COMMIT;\n");
                    in.flush();
                }
            } catch (IOException e) {
                feedFailure.set(e);
            }
        }

        String log() throws IOException {
            return "writer's output: " + Files.readString(log);
        }

        /** Stops feeding; the shell ends at the end of its input, exit code 0 if no statement failed. */
        void stopAndCheck() throws Exception {
            stop.set(true);
            feeder.join(30_000);
            assertTrue(process.waitFor(60, TimeUnit.SECONDS), "the writer ends once its input ends");
            assertEquals(0, process.exitValue(), "every write committed: " + log());
            if (feedFailure.get() != null) {
                fail("feeding the writer failed: " + feedFailure.get() + "; " + log());
            }
        }

        @Override
        public void close() throws InterruptedException {
            stop.set(true);
            feeder.join(30_000);
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    private long committed() {
        return Long.parseLong(sql(store, "SELECT n FROM counter;"));
    }

    private static String sql(Path db, String statements) {
        return Run.of(Duration.ofSeconds(60), List.of("sqlite3", "-bail", "-cmd", ".timeout 10000", db.toString(), statements))
                .ok().stdout().strip();
    }

    private void smallStore() {
        assertEquals("wal", sql(store, "PRAGMA journal_mode=WAL; CREATE TABLE item(id INTEGER PRIMARY KEY, payload TEXT);"
                + "INSERT INTO item(payload) VALUES ('một'), ('hai'), ('ba');"));
    }

    /** A real store whose third page is overwritten: reading it fails as a failing disk would. */
    private void damagedStore() throws IOException {
        sql(store, "PRAGMA journal_mode=WAL; CREATE TABLE item(id INTEGER PRIMARY KEY, payload TEXT);"
                + "WITH RECURSIVE x(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM x WHERE i < 2000)"
                + " INSERT INTO item(payload) SELECT hex(randomblob(200)) FROM x; PRAGMA wal_checkpoint(TRUNCATE);");
        try (var f = java.nio.channels.FileChannel.open(store, StandardOpenOption.WRITE)) {
            byte[] garbage = new byte[4096];
            java.util.Arrays.fill(garbage, (byte) 0xff);
            f.write(java.nio.ByteBuffer.wrap(garbage), 3 * 4096L);
        }
    }

    /** A library file, named by the SHA-256 of its bytes as the controller names them. */
    private String content(String text) throws IOException, NoSuchAlgorithmException {
        byte[] bytes = ("ID3 " + text + " ").repeat(500).getBytes(StandardCharsets.UTF_8);
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        Files.write(data.resolve("content").resolve(sha), bytes);
        return sha;
    }

    private String oldBackup(Instant at) throws IOException {
        String name = NAME.format(at);
        Path d = Files.createDirectories(dest.resolve(name).resolve("content"));
        Files.writeString(d.resolveSibling("MANIFEST"), "backup " + name + "\n");
        Files.writeString(d.resolveSibling("loalang.db"), "an old copy");
        return name;
    }

    private Run backup(String... more) {
        List<String> command = new ArrayList<>(List.of("/bin/bash", SCRIPT.toString(), "--data", data.toString(),
                "--dest", dest.toString()));
        command.addAll(List.of(more));
        return Run.of(RUN_LIMIT, command).ok();
    }

    private List<String> backups() throws IOException {
        return names(dest).stream().filter(n -> n.matches(NAME_PATTERN)).toList();
    }

    private Path newest() throws IOException {
        List<String> all = backups();
        return dest.resolve(all.get(all.size() - 1));
    }

    private Path onlyBackup() throws IOException {
        List<String> all = backups();
        assertEquals(1, all.size(), "one backup: " + all);
        return dest.resolve(all.get(0));
    }

    /** Names in a folder, sorted, without the lock file. */
    private static List<String> names(Path folder) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> !n.equals(".lock")).sorted().toList();
        }
    }

    private static Object inode(Path file) throws IOException {
        return Files.getAttribute(file, "unix:ino");
    }

    private static void assertSameFiles(Path expected, Path actual) throws IOException {
        assertEquals(names(expected), names(actual));
        for (String n : names(expected)) {
            assertArrayEquals(Files.readAllBytes(expected.resolve(n)), Files.readAllBytes(actual.resolve(n)), n);
        }
    }

    private void clear() throws IOException {
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(java.util.Comparator.reverseOrder()).toList()) {
                if (!p.equals(dir)) {
                    Files.delete(p);
                }
            }
        }
    }
}
