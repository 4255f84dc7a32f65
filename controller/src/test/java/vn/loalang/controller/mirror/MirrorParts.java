package vn.loalang.controller.mirror;

import vn.loalang.controller.alert.AlertService;
import vn.loalang.controller.audit.AuditLog;
import vn.loalang.controller.directory.Commune;
import vn.loalang.controller.directory.Directory;
import vn.loalang.controller.mirror.channel.WebhookChannel;
import vn.loalang.controller.store.Store;
import vn.loalang.controller.testing.fake.FakeHttpApi;
import vn.loalang.protocol.schedule.QuietHours;
import vn.loalang.protocol.testing.ManualClock;

import java.net.URI;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The mirror's parts on a real SQLite store and a stepped clock, sending synchronously (the test's thread) through
 * the real webhook channel to a local receiver: a commune of two villages, channels and targets written as the
 * settings write them.
 */
final class MirrorParts implements AutoCloseable {
    /** 05:00 in the commune (UTC+7). */
    static final Instant T0 = Instant.parse("2026-12-05T22:00:00Z");
    static final String SECRET = "s3cret";

    final ManualClock clock = new ManualClock(T0);
    final Path dataDir;
    final Store store;
    final AuditLog audit;
    final Directory directory;
    final FakeHttpApi receiver = new FakeHttpApi();
    final Messages messages;
    final MirrorTargets targets;
    final MirrorChannels channels;
    final Outbox outbox;
    final Channels makers = new Channels();
    final MirrorSender sender;

    MirrorParts(Path dir, QuietHours quiet) {
        this.dataDir = dir;
        store = Store.open(dir.resolve("loalang.db"));
        audit = new AuditLog(clock);
        Commune seed = new Commune(new Commune.Settings("xa-an-binh", "Xã An Bình", "Asia/Ho_Chi_Minh", null, null,
                quiet),
                List.of(new Commune.Village("thon-dong", "Thôn Đông", null),
                        new Commune.Village("thon-tay", "Thôn Tây", null)),
                List.of(new Commune.Station("thon-dong-1", null, "thon-dong")), List.of(), null);
        directory = Directory.open(store, audit, clock, null, seed, null);
        messages = new Messages(directory::current, () -> URI.create("https://loa.xa-an-binh.vn/"));
        targets = new MirrorTargets(store);
        channels = new MirrorChannels(store, id -> new FileChannelSecrets(dataDir, id), true);
        outbox = new Outbox(store, clock, targets, messages);
        makers.register(ChannelKind.WEBHOOK, c -> new WebhookChannel(c, true, clock));
        sender = new MirrorSender(outbox, channels, targets, makers, messages, new RetryPolicy(() -> 0.5), clock,
                directory::current, id -> Optional.empty(), Runnable::run);
    }

    /** A webhook channel with its secret set, as the settings make one. */
    void channel(String id, String status) {
        channel(id, status, "{\"requestTimeoutSeconds\": 2}");
    }

    void channel(String id, String status, String settingsJson) {
        new FileChannelSecrets(dataDir, id).write(Map.of(WebhookChannel.SECRET, SECRET));
        sql("""
                INSERT INTO mirror_channel (id, kind, name, settings_json, enabled, status, created_at, created_by)
                VALUES (?, 'WEBHOOK', ?, ?, 1, ?, '2026-12-01T00:00:00Z', 'admin')""",
                id, "Kênh " + id, settingsJson, status);
    }

    /** A target of {@code channel} in {@code village} at the receiver's {@code /path}, taking {@code categories}. */
    void target(String id, String channel, String village, String path, String categoriesJson) {
        sql("""
                INSERT INTO mirror_target (id, channel_id, village, address, label, categories_json, active, created_at,
                                           created_by)
                VALUES (?, ?, ?, ?, ?, ?, 1, '2026-12-01T00:00:00Z', 'admin')""",
                id, channel, village, receiver.base().resolve(path).toString(), "Nơi nhận " + id, categoriesJson);
    }

    void sql(String sql, Object... args) {
        store.transaction(c -> {
            try (PreparedStatement s = c.prepareStatement(sql)) {
                for (int i = 0; i < args.length; i++) {
                    s.setObject(i + 1, args[i]);
                }
                s.executeUpdate();
            }
            return null;
        });
    }

    String one(String sql, Object... args) {
        return store.query(c -> {
            try (PreparedStatement s = c.prepareStatement(sql)) {
                for (int i = 0; i < args.length; i++) {
                    s.setObject(i + 1, args[i]);
                }
                try (var rs = s.executeQuery()) {
                    return rs.next() ? rs.getString(1) : null;
                }
            }
        });
    }

    AlertService.Published alert(String id, String priority, Duration life, List<String> villages) {
        return new AlertService.Published(id, villages, priority, "Nước lũ " + id, "Nước sông lên nhanh.", null, null,
                "nuoc-lu", clock.instant().plus(life));
    }

    /** The kinds and refs the receiver got, in order ("ALERT e1"). */
    List<String> received() {
        return receiver.requests().stream().map(r -> {
            try {
                var body = vn.loalang.protocol.Json.mapper().readTree(r.body());
                return body.get("kind").asText() + " " + body.get("ref").asText() + " " + r.path();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }).toList();
    }

    List<Outbox.Delivery> rows(String ref) {
        return outbox.about(ref);
    }

    @Override
    public void close() {
        sender.close();
        receiver.close();
        store.close();
    }
}
