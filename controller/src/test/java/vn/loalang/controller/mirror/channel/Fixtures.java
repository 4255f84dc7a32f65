package vn.loalang.controller.mirror.channel;

import org.tinylog.Level;
import vn.loalang.controller.mirror.ChannelConfig;
import vn.loalang.controller.mirror.ChannelKind;
import vn.loalang.controller.mirror.FileChannelSecrets;
import vn.loalang.controller.mirror.MirrorMessage;
import vn.loalang.controller.mirror.MirrorTarget;
import vn.loalang.controller.testing.CapturedLog;

import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** What the channel tests share: a config with real secrets files, a storm warning, the checks on secrets. */
final class Fixtures {
    static final HttpClient HTTP = ChannelHttp.client();
    static final String ALERT_TEXT = "🔴 CẢNH BÁO KHẨN — Lũ trên sông Kiến Giang\n"
            + "Mực nước sông Kiến Giang đang lên nhanh, dự báo vượt báo động 3 lúc 17 giờ chiều nay. "
            + "Các hộ ven sông thôn Đông di chuyển người già, trẻ em lên nhà văn hoá thôn. "
            + "Không đi qua ngầm tràn Cầu Đá.\n"
            + "Hiệu lực đến 17:30 06/12 — UBND xã Hưng Thủy";

    private Fixtures() {
    }

    /** A channel that may call the local fakes, as under {@code --mirror-allow-local}. */
    static ChannelConfig config(Path dataDir, String id, ChannelKind kind, Map<String, String> settings,
                                Map<String, String> secrets) {
        return config(dataDir, id, kind, settings, secrets, true);
    }

    static ChannelConfig config(Path dataDir, String id, ChannelKind kind, Map<String, String> settings,
                                Map<String, String> secrets, boolean allowLocal) {
        FileChannelSecrets files = new FileChannelSecrets(dataDir, id);
        files.write(secrets);
        return new ChannelConfig(id, kind, "kênh thử", settings, files, allowLocal);
    }

    static Map<String, String> settings(URI base, String... more) {
        Map<String, String> s = new HashMap<>();
        s.put("apiBase", base.toString());
        for (int i = 0; i + 1 < more.length; i += 2) {
            s.put(more[i], more[i + 1]);
        }
        return s;
    }

    static MirrorMessage alert(long id, String text, Path audio) {
        return new MirrorMessage(id, MirrorMessage.Kind.ALERT, "thon-dong", "Cảnh báo lũ sông Kiến Giang", text,
                URI.create("https://xa-hung-thuy.vn/nghe-lai/canh-bao/" + id), null, audio, audio == null ? 0 : 31,
                Instant.parse("2026-12-06T10:30:00Z"));
    }

    static MirrorMessage session(long id) {
        return new MirrorMessage(id, MirrorMessage.Kind.SESSION, "thon-dong", "Buổi sáng 06/12",
                "Buổi sáng 06/12 thôn Đông đã phát: Giá cả nông sản; Bảo hiểm y tế.",
                URI.create("https://xa-hung-thuy.vn/nghe-lai/thon-dong/"), null, null, 0,
                Instant.parse("2026-12-06T23:00:00Z"));
    }

    static MirrorTarget target(String channelId, String address) {
        return new MirrorTarget("t-" + Math.abs(address.hashCode()), channelId, "thon-dong", address, "Nhóm thôn Đông");
    }

    /** No log line of the channels, at any level captured, and no {@code reason} contains any of {@code secrets}. */
    static void neverShown(String reason, String... secrets) {
        for (String secret : secrets) {
            assertFalse(reason.contains(secret), "a reason quotes a secret: " + reason);
            for (Class<?> c : new Class<?>[]{TelegramChannel.class, ZaloChannel.class, EsmsChannel.class,
                    AndroidSmsChannel.class, ChannelHttp.class}) {
                assertEquals(0, CapturedLog.lines(c, Level.TRACE, secret).size(),
                        "a log line of " + c.getSimpleName() + " quotes a secret");
            }
        }
    }
}
