package vn.loalang.controller.mirror;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import vn.loalang.controller.audit.AuditLog;
import vn.loalang.controller.change.ChangeException;
import vn.loalang.controller.change.ChangeException.Kind;
import vn.loalang.controller.directory.Commune;
import vn.loalang.controller.store.Store;
import vn.loalang.protocol.Json;
import vn.loalang.protocol.LogText;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * What the commune set for its chat and SMS mirror (tables {@code mirror_channel} and {@code mirror_target}): the
 * channels with their non-secret settings, their secrets (write-only, in files: {@link FileChannelSecrets}), and
 * per village the places a message goes, each with the library categories it takes besides alerts (which always
 * go). Phone numbers are personal data (Decree 13/2023/NĐ-CP): added only with the resident's consent recorded
 * (when, by whom), kept as E.164, shown and audited masked, deleted at once with their waiting messages.
 * Every change is written with its audit row in one transaction. The sender (WP2) reads these tables and writes
 * only a channel's status and a target's member count.
 */
public final class MirrorSettings {
    private static final Logger log = LoggerFactory.getLogger(MirrorSettings.class);
    private static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");
    /** Seven digits in a row (separators aside) look like a phone number. */
    private static final Pattern DIGIT_RUN = Pattern.compile("\\d{7}");
    private static final int MAX_NAME = 80;
    private static final int MAX_CHANNELS = 20;
    private static final int MAX_CHAT_TARGETS_PER_VILLAGE = 100;
    private static final int MAX_PHONES_PER_VILLAGE = 2000;
    private static final int MAX_SECRET = 4096;
    private static final int MAX_MEMBERS = 1_000_000;
    /** Shorter secrets show no hint: four characters of eight would give away half of it. */
    private static final int HINT_FROM_LENGTH = 12;

    /** A channel as asked for: on update, the kind cannot change and the id is the path's. */
    public record ChannelInput(String id, ChannelKind kind, String name, Map<String, String> settings,
                               Boolean enabled) {
    }

    /**
     * A channel as shown: never a secret, only which are set and a hint of each ({@code …a9F2}). {@code status} is
     * as the sender stored it (OK, PAUSED, DOWN) with its detail; {@code targets} counts its active targets.
     */
    public record ChannelView(String id, ChannelKind kind, String name, Map<String, String> settings, boolean enabled,
                              String status, String statusDetail, Instant statusAt, Instant lastSuccess,
                              boolean secretSet, String hint, List<String> secretNames, Map<String, String> secrets,
                              int targets, Instant createdAt, String createdBy) {
    }

    /** A chat target as asked for; {@code id} names an existing one to change, null adds one. */
    public record TargetInput(String id, String channel, String address, String label, List<String> categories,
                              Integer members) {
    }

    /** A phone number to add, with the resident's consent (required). */
    public record PhoneInput(String channel, String phone, String label, List<String> categories, Boolean consent) {
    }

    /** A target as shown and audited: a phone number's {@code address} is masked. */
    public record TargetView(String id, String channel, ChannelKind channelKind, String village, String address,
                             boolean phone, String label, List<String> categories, Integer members, Instant consentAt,
                             String consentBy, Instant createdAt, String createdBy) {
    }

    /** A channel named in a village's view. */
    public record ChannelName(String id, String name, ChannelKind kind, boolean enabled) {
    }

    /** A village's targets, the channels there are, and the categories a target may take. */
    public record VillageMirror(String village, List<ChannelName> channels, List<TargetView> targets,
                                List<String> categories) {
    }

    /** A channel in the audit log: what was set, never a secret. */
    private record ChannelRecord(String id, ChannelKind kind, String name, Map<String, String> settings,
                                 boolean enabled) {
    }

    /** Which secrets were set or removed, by name: the values never reach the audit log. */
    private record SecretChange(List<String> set, List<String> removed) {
    }

    private record Target(String id, String channelId, ChannelKind kind, String village, String address, String label,
                          List<String> categories, Integer members, String consentAt, String consentBy,
                          String createdAt, String createdBy) {
        TargetView view() {
            boolean phone = kind.sms();
            return new TargetView(id, channelId, kind, village, phone ? Phones.mask(address) : address, phone, label,
                    categories, members, StoredTime.parse(consentAt), consentBy, StoredTime.parse(createdAt), createdBy);
        }
    }

    private final Store store;
    private final AuditLog audit;
    private final Clock clock;
    private final Path dataDir;
    private final Supplier<Set<String>> villages;
    private final boolean allowLocal;

    /**
     * @param dataDir    where {@code secrets/} is
     * @param villages   the commune's village ids, as the directory has them now
     * @param allowLocal addresses on this machine are allowed ({@code --mirror-allow-local}, tests)
     */
    public MirrorSettings(Store store, AuditLog audit, Clock clock, Path dataDir, Supplier<Set<String>> villages,
                          boolean allowLocal) {
        this.store = Objects.requireNonNull(store, "store");
        this.audit = Objects.requireNonNull(audit, "audit");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.dataDir = Objects.requireNonNull(dataDir, "dataDir");
        this.villages = Objects.requireNonNull(villages, "villages");
        this.allowLocal = allowLocal;
    }

    // ---- channels ----

    public List<ChannelView> channels() {
        return store.query(c -> {
            Map<String, Integer> counts = targetCounts(c);
            List<ChannelView> out = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement(CHANNEL_COLUMNS + " ORDER BY name, id");
                 ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    out.add(view(rs, counts));
                }
            }
            return out;
        });
    }

    public ChannelView channel(String id) {
        return store.query(c -> channel(c, id));
    }

    /** The channel's secrets, for the sender that makes it (WP2): never for an answer. */
    public ChannelSecrets secrets(String channelId) {
        return new FileChannelSecrets(dataDir, channelId);
    }

    public synchronized ChannelView addChannel(String actor, ChannelInput in) {
        if (in == null || in.kind() == null) {
            throw new ChangeException(Kind.INVALID, "kind", "Chọn loại kênh / choose the kind of channel: TELEGRAM,"
                    + " ZALO, ESMS, ANDROID_SMS or WEBHOOK");
        }
        String name = name(in.name(), "name");
        Map<String, String> settings = settings(in.kind(), in.settings());
        boolean enabled = in.enabled() == null || in.enabled();
        String id = store.transaction(c -> {
            if (count(c, "SELECT COUNT(*) FROM mirror_channel") >= MAX_CHANNELS) {
                throw new ChangeException(Kind.REFUSED, null, "Đã có " + MAX_CHANNELS + " kênh, không thêm được / at"
                        + " most " + MAX_CHANNELS + " channels");
            }
            String chosen = in.id() == null || in.id().isBlank() ? freeId(c, in.kind()) : in.id().strip();
            if (!ID.matcher(chosen).matches()) {
                throw new ChangeException(Kind.INVALID, "id", "Mã kênh gồm chữ thường, số và dấu '-' / a channel id"
                        + " is lower-case letters, digits and dashes");
            }
            if (exists(c, chosen)) {
                throw new ChangeException(Kind.CONFLICT, "id", "Đã có kênh " + chosen + " / there is already a"
                        + " channel " + chosen);
            }
            try (PreparedStatement s = c.prepareStatement("""
                    INSERT INTO mirror_channel (id, kind, name, settings_json, enabled, created_at, created_by)
                    VALUES (?, ?, ?, ?, ?, ?, ?)""")) {
                s.setString(1, chosen);
                s.setString(2, in.kind().name());
                s.setString(3, name);
                s.setString(4, json(settings));
                s.setInt(5, enabled ? 1 : 0);
                s.setString(6, now());
                s.setString(7, actor);
                s.executeUpdate();
            }
            audit.record(c, actor, "mirror.channel.add", chosen, null,
                    new ChannelRecord(chosen, in.kind(), name, settings, enabled));
            return chosen;
        });
        log.info("Mirror channel {} ({}) added by {}", id, in.kind(), actor);
        return channel(id);
    }

    public synchronized ChannelView updateChannel(String actor, String id, ChannelInput in) {
        ChannelView before = channel(id);
        if (in == null) {
            throw new ChangeException(Kind.INVALID, null, "the request body must name the channel's settings");
        }
        if (in.kind() != null && in.kind() != before.kind()) {
            throw new ChangeException(Kind.INVALID, "kind", "Không đổi được loại kênh; hãy tạo kênh mới / a channel's"
                    + " kind cannot change: add a new channel");
        }
        String name = in.name() == null ? before.name() : name(in.name(), "name");
        Map<String, String> settings = in.settings() == null ? before.settings() : settings(before.kind(), in.settings());
        boolean enabled = in.enabled() == null ? before.enabled() : in.enabled();
        store.transaction(c -> {
            try (PreparedStatement s = c.prepareStatement(
                    "UPDATE mirror_channel SET name = ?, settings_json = ?, enabled = ? WHERE id = ?")) {
                s.setString(1, name);
                s.setString(2, json(settings));
                s.setInt(3, enabled ? 1 : 0);
                s.setString(4, id);
                s.executeUpdate();
            }
            audit.record(c, actor, "mirror.channel.update", id, record(before),
                    new ChannelRecord(id, before.kind(), name, settings, enabled));
            return null;
        });
        log.info("Mirror channel {} changed by {} (enabled: {})", id, actor, enabled);
        return channel(id);
    }

    /** Removes the channel, its targets (phone numbers included), its waiting messages and its secrets. */
    public synchronized void removeChannel(String actor, String id) {
        ChannelView before = channel(id);
        store.transaction(c -> {
            cancelWaiting(c, "channel_id", id, "kênh đã bị xoá / the channel was removed");
            update(c, "DELETE FROM mirror_target WHERE channel_id = ?", id);
            update(c, "DELETE FROM mirror_channel WHERE id = ?", id);
            audit.record(c, actor, "mirror.channel.remove", id, record(before), null);
            return null;
        });
        new FileChannelSecrets(dataDir, id).delete();
        log.info("Mirror channel {} removed by {}, with its targets and secrets", id, actor);
    }

    /**
     * Sets the named secrets (a blank value removes one), keeping the others; the answer shows only hints.
     * The audit row names which were set, never their values.
     */
    public synchronized ChannelView setSecrets(String actor, String id, Map<String, String> typed) {
        ChannelView channel = channel(id);
        if (typed == null || typed.isEmpty()) {
            throw new ChangeException(Kind.INVALID, "secrets", "Chưa nhập bí mật nào / no secret given");
        }
        List<String> allowed = ChannelRules.secretNames(channel.kind());
        for (Map.Entry<String, String> e : typed.entrySet()) {
            if (!allowed.contains(e.getKey())) {
                throw new ChangeException(Kind.INVALID, "secrets", "Kênh " + channel.kind() + " không có bí mật '"
                        + LogText.of(e.getKey()) + "' / a " + channel.kind() + " channel's secrets are "
                        + String.join(", ", allowed));
            }
            String value = e.getValue() == null ? "" : e.getValue().strip();
            if (value.length() > MAX_SECRET || value.chars().anyMatch(Character::isISOControl)) {
                throw new ChangeException(Kind.INVALID, "secrets", "Bí mật '" + e.getKey() + "' không hợp lệ (quá dài"
                        + " hoặc có ký tự điều khiển) / secret '" + e.getKey() + "' is too long or has control characters");
            }
        }
        List<String> set = new ArrayList<>();
        List<String> removed = new ArrayList<>();
        // One step on the file (FileChannelSecrets.update): a Zalo renewal writing its new tokens meanwhile is neither
        // lost nor loses these.
        new FileChannelSecrets(dataDir, id).update(current -> {
            Map<String, String> next = new TreeMap<>(current);
            for (Map.Entry<String, String> e : typed.entrySet()) {
                String value = e.getValue() == null ? "" : e.getValue().strip();
                if (value.isEmpty()) {
                    if (next.remove(e.getKey()) != null) {
                        removed.add(e.getKey());
                    }
                } else {
                    next.put(e.getKey(), value);
                    set.add(e.getKey());
                }
            }
            // The audit row first: a secret that is written but not audited would be a change nobody can trace.
            store.transaction(c -> {
                audit.record(c, actor, "mirror.channel.secret", id, null, new SecretChange(set, removed));
                return null;
            });
            return next;
        });
        log.info("Mirror channel {}: secrets {} set and {} removed by {}", id, set, removed, actor);
        return channel(id);
    }

    // ---- targets ----

    public VillageMirror village(String village) {
        requireVillage(village);
        return store.query(c -> villageMirror(c, village));
    }

    /**
     * Replaces the village's chat targets (Telegram, Zalo, webhook) with {@code wanted}: a listed id is changed, an
     * entry without id is added, a chat target not listed is removed. Phone numbers are added and removed only
     * one by one ({@link #addPhone}, {@link #removePhone}); listed by id here, their label and categories change.
     */
    public synchronized VillageMirror replaceTargets(String actor, String village, List<TargetInput> wanted) {
        requireVillage(village);
        List<TargetInput> list = wanted == null ? List.of() : wanted;
        return store.transaction(c -> {
            Map<String, Target> existing = new LinkedHashMap<>();
            targets(c, village).forEach(t -> existing.put(t.id(), t));
            Map<String, ChannelKind> kinds = channelKinds(c);
            List<Target> after = new ArrayList<>();
            Set<String> kept = new LinkedHashSet<>();
            int chats = 0;
            for (int i = 0; i < list.size(); i++) {
                TargetInput in = list.get(i);
                if (in == null) {
                    throw new ChangeException(Kind.INVALID, "targets", "targets[" + i + "] is empty");
                }
                Target old = in.id() == null ? null : existing.get(in.id());
                if (in.id() != null && old == null) {
                    throw new ChangeException(Kind.NOT_FOUND, "targets", "Không có người nhận " + LogText.of(in.id())
                            + " ở thôn này / no target " + LogText.of(in.id()) + " in this village");
                }
                if (!kept.add(old == null ? "new-" + i : old.id())) {
                    throw new ChangeException(Kind.INVALID, "targets", "Người nhận " + old.id() + " được ghi hai lần /"
                            + " target " + old.id() + " is listed twice");
                }
                List<String> categories = categories(in.categories());
                String label;
                if (old != null && old.kind().sms()) {
                    label = in.label() == null ? old.label() : phoneLabel(in.label());
                    after.add(new Target(old.id(), old.channelId(), old.kind(), village, old.address(), label,
                            categories, old.members(), old.consentAt(), old.consentBy(), old.createdAt(),
                            old.createdBy()));
                    continue;
                }
                String channelId = old != null ? old.channelId() : in.channel();
                if (old != null && in.channel() != null && !in.channel().equals(old.channelId())) {
                    throw new ChangeException(Kind.INVALID, "channel", "Không chuyển người nhận sang kênh khác; hãy xoá"
                            + " và thêm mới / a target cannot move to another channel: remove it and add a new one");
                }
                ChannelKind kind = channelId == null ? null : kinds.get(channelId);
                if (kind == null) {
                    throw new ChangeException(Kind.INVALID, "channel", "Chọn một kênh có sẵn / choose an existing"
                            + " channel" + (channelId == null ? "" : ": no channel " + LogText.of(channelId)));
                }
                String address;
                try {
                    address = ChannelRules.targetAddress(kind, in.address(), allowLocal);
                } catch (ChannelRules.Refused e) {
                    throw new ChangeException(Kind.INVALID, e.field(), e.getMessage());
                }
                label = name(in.label(), "label");
                Integer members = members(kind, in.members(), old);
                chats++;
                after.add(new Target(old == null ? UUID.randomUUID().toString() : old.id(), channelId, kind, village,
                        address, label, categories, members, null, null,
                        old == null ? now() : old.createdAt(), old == null ? actor : old.createdBy()));
            }
            if (chats > MAX_CHAT_TARGETS_PER_VILLAGE) {
                throw new ChangeException(Kind.REFUSED, "targets", "Tối đa " + MAX_CHAT_TARGETS_PER_VILLAGE
                        + " nhóm mỗi thôn / at most " + MAX_CHAT_TARGETS_PER_VILLAGE + " chat targets per village");
            }
            Set<String> addresses = new java.util.HashSet<>();
            for (Target t : after) {
                if (!addresses.add(t.channelId() + " " + t.address())) {
                    throw new ChangeException(Kind.CONFLICT, "address", "Nhóm " + LogText.of(t.address(), 100)
                            + " được ghi hai lần trên một kênh / the same address twice on one channel");
                }
            }
            List<TargetView> before = existing.values().stream().map(Target::view).toList();
            for (Target old : existing.values()) {
                boolean listed = after.stream().anyMatch(t -> t.id().equals(old.id()));
                if (!listed && !old.kind().sms()) {
                    removeTarget(c, old.id());
                }
            }
            for (Target t : after) {
                save(c, t);
            }
            VillageMirror result = villageMirror(c, village);
            audit.record(c, actor, "mirror.targets.set", village, before, result.targets());
            log.info("Mirror targets of village {} set by {}: {} targets", village, actor, result.targets().size());
            return result;
        });
    }

    /** Adds a resident's phone number to an SMS channel, with the consent recorded as given by {@code actor}. */
    public synchronized TargetView addPhone(String actor, String village, PhoneInput in) {
        requireVillage(village);
        if (in == null) {
            throw new ChangeException(Kind.INVALID, null, "the request body must name the channel and the phone");
        }
        if (!Boolean.TRUE.equals(in.consent())) {
            throw new ChangeException(Kind.INVALID, "consent", "Cần xác nhận đã có đồng ý của người dân trước khi"
                    + " lưu số điện thoại (Nghị định 13/2023/NĐ-CP) / the resident's consent must be confirmed before"
                    + " the number is kept (Decree 13/2023 on personal data)");
        }
        String phone = Phones.normalise(in.phone()).orElseThrow(() -> new ChangeException(Kind.INVALID, "phone",
                "Số di động Việt Nam gồm 10 số, bắt đầu 03, 05, 07, 08, 09 (hoặc +84) / a Vietnamese mobile number:"
                        + " 10 digits starting 03, 05, 07, 08 or 09 (or +84)"));
        List<String> categories = categories(in.categories());
        String label = in.label() == null || in.label().isBlank() ? Phones.mask(phone) : phoneLabel(in.label());
        TargetView added = store.transaction(c -> {
            ChannelKind kind = in.channel() == null ? null : channelKinds(c).get(in.channel());
            if (kind == null || !kind.sms()) {
                throw new ChangeException(Kind.INVALID, "channel", "Chọn một kênh SMS có sẵn / choose an existing SMS"
                        + " channel");
            }
            if (count(c, "SELECT COUNT(*) FROM mirror_target WHERE village = ? AND channel_id = ?", village,
                    in.channel()) >= MAX_PHONES_PER_VILLAGE) {
                throw new ChangeException(Kind.REFUSED, "phone", "Tối đa " + MAX_PHONES_PER_VILLAGE + " số mỗi thôn /"
                        + " at most " + MAX_PHONES_PER_VILLAGE + " numbers per village and channel");
            }
            // A number the SMS service reported gone is hidden from the list; added again (the resident got a new
            // SIM, or the service was wrong), the old row makes way for the new one with its new consent.
            try (PreparedStatement gone = c.prepareStatement(
                    "DELETE FROM mirror_target WHERE village = ? AND channel_id = ? AND address = ? AND active = 0")) {
                gone.setString(1, village);
                gone.setString(2, in.channel());
                gone.setString(3, phone);
                gone.executeUpdate();
            }
            if (count(c, "SELECT COUNT(*) FROM mirror_target WHERE village = ? AND channel_id = ? AND address = ?",
                    village, in.channel(), phone) > 0) {
                throw new ChangeException(Kind.CONFLICT, "phone", "Số " + Phones.mask(phone) + " đã có trong danh sách"
                        + " / this number is already on the list");
            }
            String at = now();
            Target t = new Target(UUID.randomUUID().toString(), in.channel(), kind, village, phone, label, categories,
                    null, at, actor, at, actor);
            save(c, t);
            audit.record(c, actor, "mirror.phone.add", village, null, t.view());
            return t.view();
        });
        log.info("Phone {} added to village {} on channel {} by {}, consent recorded", added.address(), village,
                in.channel(), actor);
        return added;
    }

    /** Deletes a phone number at once, and every message still waiting for it. */
    public synchronized void removePhone(String actor, String village, String targetId) {
        requireVillage(village);
        store.transaction(c -> {
            Target t = targets(c, village).stream().filter(x -> x.id().equals(targetId) && x.kind().sms()).findFirst()
                    .orElseThrow(() -> new ChangeException(Kind.NOT_FOUND, "id", "Không có số điện thoại này ở thôn "
                            + village + " / no such phone number in this village"));
            removeTarget(c, t.id());
            audit.record(c, actor, "mirror.phone.remove", village, t.view(), null);
            log.info("Phone {} removed from village {} by {}, with its waiting messages", Phones.mask(t.address()),
                    village, actor);
            return null;
        });
    }

    /** A target by id, as shown (phones masked), for a test message; empty when there is none. */
    public Optional<TargetView> target(String id) {
        return store.query(c -> {
            try (PreparedStatement s = c.prepareStatement(TARGET_COLUMNS + " WHERE t.id = ?")) {
                s.setString(1, id);
                try (ResultSet rs = s.executeQuery()) {
                    return rs.next() ? Optional.of(target(rs).view()) : Optional.empty();
                }
            }
        });
    }

    // ---- reading and writing rows ----

    private static final String CHANNEL_COLUMNS = """
            SELECT id, kind, name, settings_json, enabled, status, status_detail, status_at, last_success,
                   created_at, created_by FROM mirror_channel""";
    private static final String TARGET_COLUMNS = """
            SELECT t.id, t.channel_id, c.kind, t.village, t.address, t.label, t.categories_json, t.members,
                   t.consent_at, t.consent_by, t.created_at, t.created_by
            FROM mirror_target t JOIN mirror_channel c ON c.id = t.channel_id""";

    private ChannelView channel(Connection c, String id) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(CHANNEL_COLUMNS + " WHERE id = ?")) {
            s.setString(1, id);
            try (ResultSet rs = s.executeQuery()) {
                if (!rs.next()) {
                    throw new ChangeException(Kind.NOT_FOUND, "id", "Không có kênh " + LogText.of(id) + " / no channel "
                            + LogText.of(id));
                }
                return view(rs, targetCounts(c));
            }
        }
    }

    private ChannelView view(ResultSet rs, Map<String, Integer> counts) throws SQLException {
        String id = rs.getString(1);
        ChannelKind kind = ChannelKind.valueOf(rs.getString(2));
        Map<String, String> set = new FileChannelSecrets(dataDir, id).read();
        List<String> names = ChannelRules.secretNames(kind);
        Map<String, String> hints = new TreeMap<>();
        set.forEach((k, v) -> hints.put(k, hint(v)));
        boolean complete = names.stream().allMatch(set::containsKey);
        return new ChannelView(id, kind, rs.getString(3), readMap(rs.getString(4)), rs.getInt(5) != 0,
                rs.getString(6), rs.getString(7), StoredTime.parse(rs.getString(8)), StoredTime.parse(rs.getString(9)),
                complete, set.containsKey(names.get(0)) ? hints.get(names.get(0)) : null, names, hints,
                counts.getOrDefault(id, 0), StoredTime.parse(rs.getString(10)), rs.getString(11));
    }

    /** The last four characters, for the officer to recognise which token is set; nothing of a short one. */
    static String hint(String secret) {
        return secret.length() >= HINT_FROM_LENGTH ? "…" + secret.substring(secret.length() - 4) : "…";
    }

    private static ChannelRecord record(ChannelView v) {
        return new ChannelRecord(v.id(), v.kind(), v.name(), v.settings(), v.enabled());
    }

    private VillageMirror villageMirror(Connection c, String village) throws SQLException {
        List<ChannelName> channels = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement("SELECT id, name, kind, enabled FROM mirror_channel ORDER BY name, id");
             ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                channels.add(new ChannelName(rs.getString(1), rs.getString(2), ChannelKind.valueOf(rs.getString(3)),
                        rs.getInt(4) != 0));
            }
        }
        return new VillageMirror(village, channels, targets(c, village).stream().map(Target::view).toList(),
                Commune.LibraryEntry.CATEGORIES);
    }

    private List<Target> targets(Connection c, String village) throws SQLException {
        List<Target> out = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement(TARGET_COLUMNS
                + " WHERE t.village = ? AND t.active = 1 ORDER BY c.name, t.label, t.created_at")) {
            s.setString(1, village);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    out.add(target(rs));
                }
            }
        }
        return out;
    }

    private static Target target(ResultSet rs) throws SQLException {
        Integer members = rs.getObject(8) == null ? null : rs.getInt(8);
        return new Target(rs.getString(1), rs.getString(2), ChannelKind.valueOf(rs.getString(3)), rs.getString(4),
                rs.getString(5), rs.getString(6), readList(rs.getString(7)), members, rs.getString(9),
                rs.getString(10), rs.getString(11), rs.getString(12));
    }

    private static void save(Connection c, Target t) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("""
                INSERT INTO mirror_target (id, channel_id, village, address, label, categories_json, members,
                    consent_at, consent_by, active, created_at, created_by)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?)
                ON CONFLICT (id) DO UPDATE SET address = excluded.address, label = excluded.label,
                    categories_json = excluded.categories_json, members = excluded.members""")) {
            s.setString(1, t.id());
            s.setString(2, t.channelId());
            s.setString(3, t.village());
            s.setString(4, t.address());
            s.setString(5, t.label());
            s.setString(6, json(t.categories()));
            if (t.members() == null) {
                s.setNull(7, java.sql.Types.INTEGER);
            } else {
                s.setInt(7, t.members());
            }
            s.setString(8, t.consentAt());
            s.setString(9, t.consentBy());
            s.setString(10, t.createdAt());
            s.setString(11, t.createdBy());
            s.executeUpdate();
        }
    }

    private void removeTarget(Connection c, String id) throws SQLException {
        cancelWaiting(c, "target_id", id, "người nhận đã bị xoá / the target was removed");
        update(c, "DELETE FROM mirror_target WHERE id = ?", id);
    }

    /** Messages not yet sent to what is removed are cancelled, never sent to a number no longer consented. */
    private void cancelWaiting(Connection c, String column, String id, String reason) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("UPDATE mirror_outbox SET state = 'CANCELLED', last_error = ?"
                + " WHERE " + column + " = ? AND state IN ('PENDING', 'SENDING')")) {
            s.setString(1, reason);
            s.setString(2, id);
            s.executeUpdate();
        }
    }

    private static Map<String, Integer> targetCounts(Connection c) throws SQLException {
        Map<String, Integer> out = new HashMap<>();
        try (PreparedStatement s = c.prepareStatement(
                "SELECT channel_id, COUNT(*) FROM mirror_target WHERE active = 1 GROUP BY channel_id");
             ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                out.put(rs.getString(1), rs.getInt(2));
            }
        }
        return out;
    }

    private static Map<String, ChannelKind> channelKinds(Connection c) throws SQLException {
        Map<String, ChannelKind> out = new HashMap<>();
        try (PreparedStatement s = c.prepareStatement("SELECT id, kind FROM mirror_channel");
             ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                out.put(rs.getString(1), ChannelKind.valueOf(rs.getString(2)));
            }
        }
        return out;
    }

    private static String freeId(Connection c, ChannelKind kind) throws SQLException {
        String base = kind.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        for (int n = 1; ; n++) {
            String id = base + "-" + n;
            if (!exists(c, id)) {
                return id;
            }
        }
    }

    private static boolean exists(Connection c, String id) throws SQLException {
        return count(c, "SELECT COUNT(*) FROM mirror_channel WHERE id = ?", id) > 0;
    }

    private static int count(Connection c, String sql, String... args) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                s.setString(i + 1, args[i]);
            }
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    private static void update(Connection c, String sql, String arg) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql)) {
            s.setString(1, arg);
            s.executeUpdate();
        }
    }

    // ---- checks ----

    private void requireVillage(String village) {
        if (village == null || !villages.get().contains(village)) {
            throw new ChangeException(Kind.NOT_FOUND, "village", "Không có thôn " + LogText.of(village) + " / no"
                    + " village " + LogText.of(village));
        }
    }

    private Map<String, String> settings(ChannelKind kind, Map<String, String> typed) {
        try {
            return ChannelRules.settings(kind, typed, allowLocal);
        } catch (ChannelRules.Refused e) {
            throw new ChangeException(Kind.INVALID, e.field(), e.getMessage());
        }
    }

    private static String name(String typed, String field) {
        String v = typed == null ? "" : typed.strip();
        if (v.isEmpty() || v.length() > MAX_NAME || !LogText.of(v, MAX_NAME).equals(v)) {
            throw new ChangeException(Kind.INVALID, field, "Tên từ 1 đến " + MAX_NAME + " ký tự, không có ký tự điều"
                    + " khiển / a name of 1 to " + MAX_NAME + " characters, no control characters");
        }
        return v;
    }

    /**
     * A phone's label ("Bà Lan, xóm 3"): never the number itself, which would then be shown and audited whole.
     */
    private static String phoneLabel(String typed) {
        String label = name(typed, "label");
        if (DIGIT_RUN.matcher(label.replaceAll("[\\s.\\-]", "")).find()) {
            throw new ChangeException(Kind.INVALID, "label", "Không ghi số điện thoại vào tên gọi: số được lưu riêng và"
                    + " luôn hiện che / do not write the number in the label: it is kept apart and always masked");
        }
        return label;
    }

    /** The categories in the library's order, each known; alerts are not a category: they always go. */
    private static List<String> categories(List<String> typed) {
        Set<String> wanted = new java.util.HashSet<>(typed == null ? List.of() : typed);
        for (String c : wanted) {
            if (!Commune.LibraryEntry.CATEGORIES.contains(c)) {
                throw new ChangeException(Kind.INVALID, "categories", "Không có chuyên mục '" + LogText.of(c)
                        + "' / no library category '" + LogText.of(c) + "'");
            }
        }
        return Commune.LibraryEntry.CATEGORIES.stream().filter(wanted::contains).toList();
    }

    /** Telegram counts its groups' members itself (the sender keeps it); for the others the officer types it. */
    private static Integer members(ChannelKind kind, Integer typed, Target old) {
        if (kind == ChannelKind.TELEGRAM) {
            return old == null ? null : old.members();
        }
        if (typed != null && (typed < 0 || typed > MAX_MEMBERS)) {
            throw new ChangeException(Kind.INVALID, "members", "Số thành viên từ 0 đến " + MAX_MEMBERS
                    + " / members from 0 to " + MAX_MEMBERS);
        }
        return typed;
    }

    private String now() {
        return StoredTime.of(clock.instant());
    }

    private static String json(Object value) {
        try {
            return Json.mapper().writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + value + " as JSON", e);
        }
    }

    private static Map<String, String> readMap(String json) {
        try {
            return json == null ? Map.of() : Json.mapper().readValue(json, new TypeReference<LinkedHashMap<String, String>>() { });
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("mirror_channel.settings_json is not a JSON object of texts: " + e.getMessage());
        }
    }

    private static List<String> readList(String json) {
        try {
            return json == null ? List.of() : Json.mapper().readValue(json, new TypeReference<List<String>>() { });
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("mirror_target.categories_json is not a JSON array: " + e.getMessage());
        }
    }
}
