package vn.loalang.controller.users;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vn.loalang.controller.audit.AuditLog;
import vn.loalang.controller.store.Store;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class UserDirectoryTest {
    @TempDir
    Path dir;

    private final ByteArrayOutputStream console = new ByteArrayOutputStream();

    private UserDirectory directory(Store store, PasswordHasher hasher) {
        return new UserDirectory(store, hasher, new AuditLog(Clock.systemUTC()), Clock.systemUTC(),
                Set.of("thon-dong", "thon-tay"));
    }

    private PrintStream out() {
        return new PrintStream(console, true, StandardCharsets.UTF_8);
    }

    @Test
    void firstStartWithoutTheVariablePrintsARandomPasswordOnceAndNotAgainAfterARestart() {
        Path db = dir.resolve("loalang.db");
        String password;
        try (Store store = Store.open(db)) {
            assertTrue(directory(store, new PasswordHasher(1000)).ensureFirstAdmin(() -> null, out()));
            String printed = console.toString(StandardCharsets.UTF_8);
            assertTrue(printed.contains("Tài khoản quản trị đầu tiên / First administrator: admin"), printed);
            Matcher m = Pattern.compile("mật khẩu / password: (\\S+)").matcher(printed);
            assertTrue(m.find(), printed);
            password = m.group(1);
            assertEquals(20, password.length());
        }
        console.reset();
        try (Store store = Store.open(db)) {
            UserDirectory users = directory(store, new PasswordHasher(1000));
            assertFalse(users.ensureFirstAdmin(() -> null, out()));
            assertEquals("", console.toString(StandardCharsets.UTF_8));
            assertEquals(Role.ADMIN, users.authenticate("admin", password).orElseThrow().role());
        }
    }

    @Test
    void firstStartWithTheVariableUsesItAndPrintsNothing() {
        try (Store store = Store.open(dir.resolve("loalang.db"))) {
            UserDirectory users = directory(store, new PasswordHasher(1000));
            assertTrue(users.ensureFirstAdmin(() -> "from-the-environment", out()));
            assertEquals("", console.toString(StandardCharsets.UTF_8));
            assertTrue(users.authenticate("admin", "from-the-environment").isPresent());
            assertTrue(users.authenticate("admin", "something-else").isEmpty());
        }
    }

    @Test
    void aLoginRehashesAPasswordHashedWithFewerIterations() {
        try (Store store = Store.open(dir.resolve("loalang.db"))) {
            directory(store, new PasswordHasher(1000)).create("system",
                    new UserDirectory.NewUser("op.an", "An", Role.OPERATOR, List.of(), "vi", "long-enough-pw"));
            assertTrue(directory(store, new PasswordHasher(2000)).authenticate("op.an", "long-enough-pw").isPresent());
            String hash = store.query(c -> {
                try (PreparedStatement s = c.prepareStatement("SELECT password_hash FROM app_user WHERE username = 'op.an'");
                     ResultSet rs = s.executeQuery()) {
                    rs.next();
                    return rs.getString(1);
                }
            });
            assertTrue(hash.startsWith("pbkdf2-sha256$2000$"), hash);
        }
    }

    @Test
    void aDisabledUserCannotLogIn() {
        try (Store store = Store.open(dir.resolve("loalang.db"))) {
            UserDirectory users = directory(store, new PasswordHasher(1000));
            users.create("system", new UserDirectory.NewUser("ky.thuat", null, Role.TECHNICIAN, List.of(), null,
                    "long-enough-pw"));
            users.disable("admin", "ky.thuat");
            assertTrue(users.authenticate("ky.thuat", "long-enough-pw").isEmpty());
        }
    }

    @Test
    void eachUserChoosesTheLanguageOfTheirConsoleAndNoOtherLanguageIsTaken() {
        try (Store store = Store.open(dir.resolve("loalang.db"))) {
            UserDirectory users = directory(store, new PasswordHasher(1000));
            users.create("system", new UserDirectory.NewUser("ky.thuat", null, Role.TECHNICIAN, List.of(), "vi",
                    "long-enough-pw"));
            assertEquals("en", users.setLanguage("ky.thuat", "en").language());
            assertEquals("en", users.find("ky.thuat").orElseThrow().language(), "kept in the store");
            assertEquals("language", assertThrows(UserException.class, () -> users.setLanguage("ky.thuat", "fr")).field());
        }
    }

    @Test
    void aVillageHeadNeedsVillagesThatExist() {
        try (Store store = Store.open(dir.resolve("loalang.db"))) {
            UserDirectory users = directory(store, new PasswordHasher(1000));
            UserException e = assertThrows(UserException.class, () -> users.create("admin",
                    new UserDirectory.NewUser("truong.thon", null, Role.VILLAGE_HEAD, List.of("thon-bac"), "vi",
                            "long-enough-pw")));
            assertEquals("villages", e.field());
            User head = users.create("admin", new UserDirectory.NewUser("truong.thon", "Ông Ba", Role.VILLAGE_HEAD,
                    List.of("thon-dong"), "vi", "long-enough-pw"));
            assertEquals(List.of("thon-dong"), users.find("truong.thon").orElseThrow().villages());
            assertEquals(head.villages(), List.of("thon-dong"));
        }
    }
}
