package vn.loalang.controller.mirror;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vn.loalang.controller.audit.AuditLog;
import vn.loalang.controller.change.ChangeException;
import vn.loalang.controller.store.Store;
import vn.loalang.protocol.Json;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The mirror's settings on a real SQLite store and real secret files. */
class MirrorSettingsTest {
    private static final String BOT_TOKEN = "7012345678:AAHfX-very-secret-bot-token-a9F2";

    @TempDir
    Path dir;
    private Store store;
    private AuditLog audit;
    private final Clock clock = Clock.fixed(Instant.parse("2026-12-06T05:10:00Z"), ZoneOffset.UTC);

    @BeforeEach
    void open() {
        store = Store.open(dir.resolve("loalang.db"));
        audit = new AuditLog(clock);
    }

    @AfterEach
    void close() {
        store.close();
    }

    private MirrorSettings settings(boolean allowLocal) {
        return new MirrorSettings(store, audit, clock, dir, () -> Set.of("thon-dong", "thon-tay"), allowLocal);
    }

    private static MirrorSettings.ChannelInput channel(ChannelKind kind, Map<String, String> settings) {
        return new MirrorSettings.ChannelInput(null, kind, "Kênh " + kind, settings, null);
    }

    private String auditText() {
        return store.query(c -> audit.latest(c, 1000)).toString();
    }

    @Test
    void vietnameseMobileNumbersAreNormalisedToE164AndMaskedForPeople() {
        for (String typed : List.of("0912345678", "0912 345 678", "0912.345.678", "091-234-5678", "+84912345678",
                "+84 912 345 678", "84912345678", " (091) 2345678 ")) {
            assertEquals(Optional.of("+84912345678"), Phones.normalise(typed), typed);
        }
        assertEquals(Optional.of("+84332345678"), Phones.normalise("0332345678"), "Viettel's 03x since 2018");
        assertEquals(Optional.of("+84562345678"), Phones.normalise("0562345678"));
        assertEquals(Optional.of("+84782345678"), Phones.normalise("0782345678"));
        assertEquals(Optional.of("+84862345678"), Phones.normalise("0862345678"));
        for (String wrong : List.of("", "02438123456", "0123456789", "091234567", "09123456789", "+8591234567",
                "0912345abc", "+840912345678", "1".repeat(40))) {
            assertEquals(Optional.empty(), Phones.normalise(wrong), wrong);
        }
        assertEquals(Optional.empty(), Phones.normalise(null));
        assertEquals("09x xxx x678", Phones.mask("+84912345678"));
        assertEquals("03x xxx x901", Phones.mask("+84387654901"));
        assertEquals("xxx xxx xxxx", Phones.mask("not a number"), "anything else is masked whole");
    }

    @Test
    void aPhoneIsKeptOnlyWithConsentAsE164ShownAndAuditedMaskedAndDeletedAtOnce() throws Exception {
        MirrorSettings s = settings(false);
        s.addChannel("admin", new MirrorSettings.ChannelInput("sms", ChannelKind.ESMS, "eSMS xã",
                Map.of("brandname", "UBND XA"), null));

        for (Boolean consent : java.util.Arrays.asList(null, false)) {
            ChangeException e = assertThrows(ChangeException.class, () -> s.addPhone("van.thu", "thon-dong",
                    new MirrorSettings.PhoneInput("sms", "0912345678", null, List.of(), consent)));
            assertEquals("consent", e.field());
            assertTrue(e.getMessage().contains("đồng ý"), e.getMessage());
        }
        assertEquals(List.of(), s.village("thon-dong").targets(), "nothing kept without consent");
        assertFalse(auditText().contains("mirror.phone.add"), "nor audited as added");

        ChangeException bad = assertThrows(ChangeException.class, () -> s.addPhone("van.thu", "thon-dong",
                new MirrorSettings.PhoneInput("sms", "02438123456", null, List.of(), true)));
        assertEquals("phone", bad.field(), "a Hà Nội landline is no mobile number");
        ChangeException numberInLabel = assertThrows(ChangeException.class, () -> s.addPhone("van.thu", "thon-dong",
                new MirrorSettings.PhoneInput("sms", "0912345678", "Bà Lan 0912.345.678", List.of(), true)));
        assertEquals("label", numberInLabel.field(), "the label would show the number whole");

        MirrorSettings.TargetView added = s.addPhone("van.thu", "thon-dong",
                new MirrorSettings.PhoneInput("sms", "0912 345 678", null, List.of("weather"), true));
        assertEquals("09x xxx x678", added.address());
        assertEquals("09x xxx x678", added.label(), "no label typed: the masked number");
        assertTrue(added.phone());
        assertEquals(Instant.parse("2026-12-06T05:10:00Z"), added.consentAt());
        assertEquals("van.thu", added.consentBy());
        assertEquals(List.of("weather"), added.categories());
        assertEquals("+84912345678", column("SELECT address FROM mirror_target WHERE id = ?", added.id()),
                "stored as E.164");
        assertEquals("2026-12-06T05:10:00.000Z", column("SELECT consent_at FROM mirror_target WHERE id = ?",
                added.id()));

        ChangeException twice = assertThrows(ChangeException.class, () -> s.addPhone("van.thu", "thon-dong",
                new MirrorSettings.PhoneInput("sms", "+84 912 345 678", null, List.of(), true)));
        assertEquals(ChangeException.Kind.CONFLICT, twice.kind());

        String answer = Json.mapper().writeValueAsString(s.village("thon-dong"));
        assertTrue(answer.contains("09x xxx x678"), answer);
        assertNoWholeNumber(answer);
        assertTrue(auditText().contains("mirror.phone.add") && auditText().contains("09x xxx x678"), auditText());
        assertNoWholeNumber(auditText());

        // A message waiting for the number is cancelled with it: nothing goes to a number no longer consented.
        long waiting = MirrorDeliveriesTest.insert(store, "ALERT", "a-1", "thon-dong", "sms", added.id(), "PENDING",
                "2026-12-06T05:10:00.000Z", "2026-12-06T08:00:00.000Z");
        ChangeException elsewhere = assertThrows(ChangeException.class,
                () -> s.removePhone("van.thu", "thon-tay", added.id()));
        assertEquals(ChangeException.Kind.NOT_FOUND, elsewhere.kind(), "removed only from its own village");
        s.removePhone("van.thu", "thon-dong", added.id());
        assertEquals(List.of(), s.village("thon-dong").targets());
        assertNull(column("SELECT address FROM mirror_target WHERE id = ?", added.id()), "the number is gone");
        assertEquals("CANCELLED", column("SELECT state FROM mirror_outbox WHERE id = ?", Long.toString(waiting)));
        assertTrue(auditText().contains("mirror.phone.remove"));
        assertNoWholeNumber(auditText());
    }

    private static void assertNoWholeNumber(String text) {
        for (String form : List.of("912345678", "912 345 678")) {
            assertFalse(text.contains(form), "the whole number appears: " + text);
        }
    }

    @Test
    void secretsAreWriteOnlyNeverInAnAnswerOrTheAuditLogAndKeptInAPrivateFile() throws Exception {
        MirrorSettings s = settings(false);
        MirrorSettings.ChannelView telegram = s.addChannel("admin", channel(ChannelKind.TELEGRAM, Map.of()));
        assertEquals("telegram-1", telegram.id(), "an id is chosen when none is given");
        assertFalse(telegram.secretSet());
        assertNull(telegram.hint());

        MirrorSettings.ChannelView set = s.setSecrets("admin", "telegram-1", Map.of("botToken", BOT_TOKEN));
        assertTrue(set.secretSet());
        assertEquals("…a9F2", set.hint());
        assertEquals(Map.of("botToken", "…a9F2"), set.secrets());

        String answers = Json.mapper().writeValueAsString(set) + Json.mapper().writeValueAsString(s.channels())
                + Json.mapper().writeValueAsString(s.channel("telegram-1"));
        assertFalse(answers.contains("very-secret"), answers);
        assertFalse(auditText().contains("very-secret"), auditText());
        assertTrue(auditText().contains("mirror.channel.secret") && auditText().contains("botToken"),
                "the audit names which secret was set: " + auditText());
        String everyRow = store.query(c -> {
            StringBuilder sb = new StringBuilder();
            for (String table : List.of("mirror_channel", "mirror_target", "audit_log")) {
                try (PreparedStatement p = c.prepareStatement("SELECT * FROM " + table); ResultSet rs = p.executeQuery()) {
                    while (rs.next()) {
                        for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                            sb.append(rs.getString(i)).append('|');
                        }
                    }
                }
            }
            return sb.toString();
        });
        assertFalse(everyRow.contains("very-secret"), "never in the store");

        Path file = dir.resolve("secrets").resolve("channel-telegram-1.json");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertTrue(Files.readString(file, StandardCharsets.UTF_8).contains(BOT_TOKEN));
        assertEquals(Map.of("botToken", BOT_TOKEN), s.secrets("telegram-1").read(), "the sender reads it");

        assertEquals("…", MirrorSettings.hint("short-1"), "a short secret shows no characters");
        ChangeException unknown = assertThrows(ChangeException.class,
                () -> s.setSecrets("admin", "telegram-1", Map.of("apiKey", "x".repeat(20))));
        assertEquals("secrets", unknown.field());
        assertTrue(unknown.getMessage().contains("botToken"), unknown.getMessage());

        Map<String, String> blank = new HashMap<>();
        blank.put("botToken", " ");
        assertFalse(s.setSecrets("admin", "telegram-1", blank).secretSet(), "a blank value removes the secret");
        s.setSecrets("admin", "telegram-1", Map.of("botToken", BOT_TOKEN));
        s.removeChannel("admin", "telegram-1");
        assertFalse(Files.exists(file), "the secrets go with the channel");
    }

    @Test
    void addressesOnThisMachineOrLinkLocalAreRefusedUnlessAllowed() {
        MirrorSettings s = settings(false);
        s.addChannel("admin", new MirrorSettings.ChannelInput("hook", ChannelKind.WEBHOOK, "Webhook", Map.of(), null));
        for (String url : List.of("http://127.0.0.1:8080/api", "http://localhost/x", "https://LOCALHOST./x",
                "http://api.localhost/x", "http://[::1]:9000/", "http://169.254.169.254/latest/meta-data",
                "http://0.0.0.0/", "http://2130706433/", "http://127.1/", "http://[::ffff:127.0.0.1]/",
                "http://[fe80::1]/", "file:///etc/passwd", "gopher://example.vn/", "https://user:pw@example.vn/",
                "https:///nohost", "not a url")) {
            ChangeException e = assertThrows(ChangeException.class, () -> s.replaceTargets("admin", "thon-dong",
                    List.of(new MirrorSettings.TargetInput(null, "hook", url, "Nhóm", List.of(), null))), url);
            assertEquals("address", e.field(), url);
        }
        for (Map<String, String> refused : List.of(Map.of("address", "http://127.0.0.1:8080"),
                Map.of("address", "http://192.168.1.20:8080", "apiBase", "http://169.254.169.254"))) {
            assertThrows(ChangeException.class, () -> s.addChannel("admin", channel(ChannelKind.ANDROID_SMS, refused)));
        }
        assertEquals(List.of(), s.village("thon-dong").targets());

        // The office LAN and the Internet are fine: the Android gateway is a phone on the LAN.
        s.replaceTargets("admin", "thon-dong", List.of(new MirrorSettings.TargetInput(null, "hook",
                "https://hooks.example.vn/loa", "Hệ thống huyện", List.of(), 12)));
        s.addChannel("admin", channel(ChannelKind.ANDROID_SMS, Map.of("address", "http://192.168.1.20:8080")));

        MirrorSettings tests = settings(true);
        tests.replaceTargets("admin", "thon-tay", List.of(new MirrorSettings.TargetInput(null, "hook",
                "http://127.0.0.1:8080/hook", "Fake", List.of(), null)));
        assertEquals("http://127.0.0.1:8080/hook", tests.village("thon-tay").targets().get(0).address(),
                "allowed with --mirror-allow-local");
        assertThrows(ChangeException.class, () -> tests.replaceTargets("admin", "thon-tay", List.of(
                new MirrorSettings.TargetInput(null, "hook", "ftp://127.0.0.1/", "Fake", List.of(), null))),
                "still http or https");
    }

    @Test
    void eachKindTakesItsOwnSettingsChecked() {
        MirrorSettings s = settings(false);
        assertEquals("appId", assertThrows(ChangeException.class,
                () -> s.addChannel("admin", channel(ChannelKind.ZALO, Map.of()))).field(), "Zalo needs its app id");
        assertEquals("appId", assertThrows(ChangeException.class,
                () -> s.addChannel("admin", channel(ChannelKind.ZALO, Map.of("appId", "12ab")))).field());
        assertEquals("brandname", assertThrows(ChangeException.class, () -> s.addChannel("admin",
                channel(ChannelKind.ESMS, Map.of("brandname", "UBND XA AN BINH")))).field(), "11 characters at most");
        assertEquals("maxSegments", assertThrows(ChangeException.class, () -> s.addChannel("admin",
                channel(ChannelKind.ESMS, Map.of("brandname", "UBND", "maxSegments", "9")))).field());
        assertEquals("unicode", assertThrows(ChangeException.class, () -> s.addChannel("admin",
                channel(ChannelKind.ESMS, Map.of("brandname", "UBND", "unicode", "yes")))).field());
        assertEquals("brandname", assertThrows(ChangeException.class, () -> s.addChannel("admin",
                channel(ChannelKind.TELEGRAM, Map.of("brandname", "UBND")))).field(), "not a Telegram setting");
        assertEquals("ratePerMinute", assertThrows(ChangeException.class, () -> s.addChannel("admin",
                channel(ChannelKind.TELEGRAM, Map.of("ratePerMinute", "0")))).field());
        assertEquals(List.of(), s.channels(), "nothing refused was kept");

        MirrorSettings.ChannelView esms = s.addChannel("admin", channel(ChannelKind.ESMS,
                Map.of("brandname", " UBND XA ", "unicode", "true", "maxSegments", "3", "ratePerMinute", "120")));
        assertEquals(Map.of("brandname", "UBND XA", "unicode", "true", "maxSegments", "3", "ratePerMinute", "120"),
                esms.settings());
        assertEquals(List.of("apiKey", "secretKey"), esms.secretNames());
        MirrorSettings.ChannelView zalo = s.addChannel("admin", channel(ChannelKind.ZALO, Map.of("appId", "4321")));
        assertEquals("OK", zalo.status(), "as the store starts it, until the sender says otherwise");

        MirrorSettings.ChannelView off = s.updateChannel("admin", "zalo-1",
                new MirrorSettings.ChannelInput(null, null, "Zalo OA xã", null, false));
        assertFalse(off.enabled());
        assertEquals(Map.of("appId", "4321"), off.settings(), "settings left out are kept");
        assertEquals("kind", assertThrows(ChangeException.class, () -> s.updateChannel("admin", "zalo-1",
                new MirrorSettings.ChannelInput(null, ChannelKind.TELEGRAM, null, null, null))).field());
        assertEquals(ChangeException.Kind.CONFLICT, assertThrows(ChangeException.class, () -> s.addChannel("admin",
                new MirrorSettings.ChannelInput("zalo-1", ChannelKind.TELEGRAM, "x", Map.of(), null))).kind());
        assertTrue(auditText().contains("mirror.channel.update") && auditText().contains("Zalo OA xã"));
    }

    @Test
    void aVillagesTargetsTakeLibraryCategoriesAndAreReplacedWholeWhilePhonesStay() throws Exception {
        MirrorSettings s = settings(false);
        s.addChannel("admin", new MirrorSettings.ChannelInput("tg", ChannelKind.TELEGRAM, "Telegram", Map.of(), null));
        s.addChannel("admin", new MirrorSettings.ChannelInput("zalo", ChannelKind.ZALO, "Zalo", Map.of("appId", "1"), null));
        s.addChannel("admin", new MirrorSettings.ChannelInput("sms", ChannelKind.ANDROID_SMS, "SMS",
                Map.of("address", "http://192.168.1.20:8080"), null));
        MirrorSettings.TargetView phone = s.addPhone("van.thu", "thon-dong",
                new MirrorSettings.PhoneInput("sms", "0387654901", "Bà Lan (khiếm thính)", List.of(), true));

        MirrorSettings.VillageMirror v = s.replaceTargets("van.thu", "thon-dong", List.of(
                new MirrorSettings.TargetInput(null, "tg", "-1001234567890", "Nhóm Telegram thôn Đông",
                        List.of("weather", "market-prices"), 999),
                new MirrorSettings.TargetInput(null, "zalo", "g_8833", "Nhóm Zalo thôn Đông", List.of(), 240)));
        assertEquals(3, v.targets().size());
        MirrorSettings.TargetView tg = v.targets().stream().filter(t -> t.channel().equals("tg")).findFirst().orElseThrow();
        assertEquals(List.of("market-prices", "weather"), tg.categories(), "in the library's order");
        assertNull(tg.members(), "Telegram counts its members itself");
        assertEquals(240, v.targets().stream().filter(t -> t.channel().equals("zalo")).findFirst().orElseThrow().members(),
                "typed for Zalo");
        assertTrue(v.categories().contains("market-prices") && !v.categories().contains("alert"));
        assertEquals(3, s.channels().stream().mapToInt(MirrorSettings.ChannelView::targets).sum());

        assertEquals("categories", assertThrows(ChangeException.class, () -> s.replaceTargets("van.thu", "thon-dong",
                List.of(new MirrorSettings.TargetInput(null, "tg", "-100", "x", List.of("alerts"), null)))).field());
        assertEquals("address", assertThrows(ChangeException.class, () -> s.replaceTargets("van.thu", "thon-dong",
                List.of(new MirrorSettings.TargetInput(null, "tg", "chat 1", "x", List.of(), null)))).field());
        assertEquals("channel", assertThrows(ChangeException.class, () -> s.replaceTargets("van.thu", "thon-dong",
                List.of(new MirrorSettings.TargetInput(null, "sms", "0912345678", "x", List.of(), null)))).field(),
                "a phone only through the phone list, with consent");
        assertEquals(ChangeException.Kind.NOT_FOUND, assertThrows(ChangeException.class,
                () -> s.village("thon-nam")).kind());
        assertEquals(3, s.village("thon-dong").targets().size(), "a refused change keeps what was");

        // The Telegram group changes its categories, the Zalo group goes; the phone, not listed, stays.
        MirrorSettings.VillageMirror after = s.replaceTargets("van.thu", "thon-dong", List.of(
                new MirrorSettings.TargetInput(tg.id(), null, "-1001234567890", "Nhóm Telegram", List.of("policy"), null),
                new MirrorSettings.TargetInput(phone.id(), null, null, null, List.of("health-insurance"), null)));
        assertEquals(List.of("Bà Lan (khiếm thính)", "Nhóm Telegram"),
                after.targets().stream().map(MirrorSettings.TargetView::label).sorted().toList());
        MirrorSettings.TargetView phoneAfter = after.targets().stream().filter(MirrorSettings.TargetView::phone)
                .findFirst().orElseThrow();
        assertEquals(List.of("health-insurance"), phoneAfter.categories());
        assertEquals("03x xxx x901", phoneAfter.address());
        assertEquals("+84387654901", column("SELECT address FROM mirror_target WHERE id = ?", phone.id()),
                "the number itself unchanged");
        String audited = auditText();
        assertTrue(audited.contains("mirror.targets.set"));
        assertFalse(audited.contains("387654901"), audited);
    }

    private String column(String sql, String arg) {
        return store.query(c -> {
            try (PreparedStatement p = c.prepareStatement(sql)) {
                p.setString(1, arg);
                try (ResultSet rs = p.executeQuery()) {
                    return rs.next() ? rs.getString(1) : null;
                }
            }
        });
    }
}
