package vn.loalang.controller.broker;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import vn.loalang.controller.change.ChangeException;
import vn.loalang.controller.change.ChangeException.Kind;
import vn.loalang.controller.audit.AuditLog;
import vn.loalang.controller.directory.Commune;
import vn.loalang.controller.store.Store;
import vn.loalang.protocol.Topics;
import vn.loalang.provisioning.broker.BrokerAccount;
import vn.loalang.provisioning.broker.MosquittoFiles;
import vn.loalang.provisioning.broker.MosquittoPassword;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The stations' accounts on the production broker, kept by the controller because it knows the
 * directory: a station's access list names its village, so a station moved to another village, or
 * a village merged into another, hears its new village's alerts as soon as the change is saved,
 * with nobody to remember a second step. A removed station loses its account with it.
 *
 * <p>After each change the controller rewrites Mosquitto's {@code passwd} and {@code acl} and asks
 * the broker to read them again (the reload command; on a server, a systemd path unit does it).
 * Mosquitto applies the access list to connected clients at once: a revoked station can neither
 * publish nor hear anything more, even before its connection drops.
 *
 * <p>The controller's embedded broker reads the same accounts from here, without files: each
 * change is handed to the {@link #onChange listeners} ({@link BrokerGate}) as the whole new list.
 */
public final class BrokerAccounts {
    private static final Logger log = LoggerFactory.getLogger(BrokerAccounts.class);

    /** A station's new credentials, given once: only the hash is kept. */
    public record Issued(String stationId, String username, String password, String village, int generation) {
    }

    /**
     * @param dir           where {@code passwd} and {@code acl} are written ({@code /etc/mosquitto/loalang/accounts})
     *                      (the Settings as a whole is null for the embedded broker, which needs no files)
     * @param reloadCommand run after the files changed, e.g. {@code kill -HUP PID}; empty: none (a path unit reloads)
     */
    public record Settings(Path dir, List<String> reloadCommand) {
        public Settings {
            reloadCommand = reloadCommand == null ? List.of() : List.copyOf(reloadCommand);
        }
    }

    private final Store store;
    private final AuditLog audit;
    private final Clock clock;
    private final Supplier<Commune> commune;
    /** Null for the embedded broker: it is told of each change through {@link #onChange}, no file is written. */
    private final MosquittoFiles files;
    private final Settings settings;
    private final BrokerAccount controller;
    private final List<java.util.function.Consumer<List<BrokerAccount>>> listeners =
            new java.util.concurrent.CopyOnWriteArrayList<>();
    private volatile List<BrokerAccount> current = List.of();
    /** Passwords that {@link #verify} found right, by account; dropped when the account's hash changes. */
    private final Map<String, Verified> verified = new java.util.concurrent.ConcurrentHashMap<>();

    public BrokerAccounts(Store store, AuditLog audit, Clock clock, Supplier<Commune> commune, Topics topics,
                          Settings settings, String controllerUser, String controllerPassword) {
        this.store = store;
        this.audit = audit;
        this.clock = clock;
        this.commune = commune;
        this.settings = settings;
        this.files = settings == null ? null : new MosquittoFiles(settings.dir(), topics);
        if (controllerUser == null || controllerPassword == null) {
            throw new IllegalArgumentException("the controller manages broker accounts only with its own broker "
                    + "account: give --mqtt-user and --mqtt-password-file (written by 'provision init')");
        }
        this.controller = BrokerAccount.controller(controllerUser, controllerHash(controllerUser, controllerPassword));
    }

    /** The hash already in passwd when it still matches: a restart then changes nothing and reloads nothing. */
    private String controllerHash(String user, String password) {
        String prefix = user + ":";
        if (files == null) {
            return MosquittoPassword.hash(password);
        }
        try {
            if (java.nio.file.Files.isReadable(files.passwordFile())) {
                for (String line : java.nio.file.Files.readAllLines(files.passwordFile(), StandardCharsets.UTF_8)) {
                    if (line.startsWith(prefix) && MosquittoPassword.matches(password, line.substring(prefix.length()))) {
                        return line.substring(prefix.length());
                    }
                }
            }
        } catch (IOException | IllegalArgumentException e) {
            log.warn("Controller cannot read the broker's passwd in {} ({}); it writes it anew", settings.dir(), e.getMessage());
        }
        return MosquittoPassword.hash(password);
    }

    /** A new password for a station of the directory: its first, or one replacing the old (rotation). */
    public Issued issue(String actor, String stationId) {
        Commune.Station station = commune.get().stations().stream().filter(s -> s.id().equals(stationId))
                .findFirst().orElseThrow(() -> new ChangeException(Kind.NOT_FOUND, "station",
                        "Không có trạm " + stationId + " / no station " + stationId + " in the directory: add it first"));
        if (reservedNames().contains(stationId)) {
            throw new ChangeException(Kind.CONFLICT, "station", "Trạm " + stationId + " trùng tên tài khoản của máy chủ / "
                    + "station id " + stationId + " is a broker account already (the controller's or an observer's)");
        }
        String password = MosquittoPassword.newSecret();
        String hash = MosquittoPassword.hash(password);
        int generation = store.transaction(c -> {
            int previous = generation(c, stationId);
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO broker_account "
                    + "(station_id, password_hash, issued_at, issued_by, generation) VALUES (?, ?, ?, ?, ?) "
                    + "ON CONFLICT (station_id) DO UPDATE SET password_hash = excluded.password_hash, "
                    + "issued_at = excluded.issued_at, issued_by = excluded.issued_by, generation = excluded.generation")) {
                ps.setString(1, stationId);
                ps.setString(2, hash);
                ps.setString(3, clock.instant().toString());
                ps.setString(4, actor);
                ps.setInt(5, previous + 1);
                ps.executeUpdate();
            }
            audit.record(c, actor, previous == 0 ? "broker.enrol" : "broker.rotate", stationId,
                    previous == 0 ? null : Map.of("generation", previous), Map.of("generation", previous + 1));
            return previous + 1;
        });
        log.info("Station {} has new broker credentials (generation {}), issued by {}", stationId, generation, actor);
        requireWritten(writeFiles(), "the new password is saved but the broker does not know it yet");
        return new Issued(stationId, stationId, password, station.village(), generation);
    }

    /** The station may no longer connect; returns false if it had no account. */
    public boolean revoke(String actor, String stationId) {
        boolean had = store.transaction(c -> {
            int previous = generation(c, stationId);
            if (previous == 0) {
                return false;
            }
            delete(c, stationId);
            audit.record(c, actor, "broker.revoke", stationId, Map.of("generation", previous), null);
            return true;
        });
        if (had) {
            log.info("Station {} lost its broker account, revoked by {}", stationId, actor);
            requireWritten(writeFiles(), "the revocation is saved but THE BROKER STILL ACCEPTS THE OLD PASSWORD");
        }
        return had;
    }

    /** Whether the station has an account, and which generation. 0: none. */
    public int generation(String stationId) {
        return store.query(c -> generation(c, stationId));
    }

    /**
     * After a directory change: accounts of removed stations go, and the access list follows each
     * station's village. Called at start too, so the files always match the store.
     */
    public void directoryChanged(Commune now) {
        Set<String> present = new java.util.HashSet<>();
        now.stations().forEach(s -> present.add(s.id()));
        List<String> gone = store.transaction(c -> {
            List<String> removed = new ArrayList<>();
            for (String id : hashes(c).keySet()) {
                if (!present.contains(id)) {
                    delete(c, id);
                    audit.record(c, "system", "broker.revoke", id, Map.of("reason", "station removed"), null);
                    removed.add(id);
                }
            }
            return removed;
        });
        gone.forEach(id -> log.info("Station {} was removed from the directory: its broker account is revoked", id));
        writeFiles();
    }

    /** The controller's account and the observers': no station may be named like them. */
    private Set<String> reservedNames() {
        Set<String> names = new java.util.HashSet<>(Set.of(controller.username()));
        if (files == null) {
            return names;
        }
        try {
            MosquittoFiles.readObservers(files.observersFile()).forEach(o -> names.add(o.username()));
        } catch (IOException e) {
            log.warn("Controller cannot read the broker's observers in {}: {}", files.observersFile(), e.getMessage());
        }
        return names;
    }

    /** A revoke that the broker never heard of must not look done: the technician is told, the command fails. */
    private void requireWritten(Optional<String> failure, String consequence) {
        failure.ifPresent(reason -> {
            throw new ChangeException(Kind.UNAVAILABLE, null, "Chưa ghi được tệp của máy chủ MQTT / " + consequence
                    + ": " + reason + ". They are written again at the next change or restart of the controller;"
                    + " see docs/deployment.md (was the controller started before 'provision init'?)");
        });
    }

    /**
     * Called with the whole list of accounts after every change, and at once with the present one;
     * on the thread that made the change, which waits for it.
     */
    public void onChange(java.util.function.Consumer<List<BrokerAccount>> listener) {
        listeners.add(listener);
        listener.accept(current);
    }

    /**
     * The account {@code username} when {@code password} is its password now, as the broker would
     * check it: the stations' audio streams log in with their broker account (decision 0030), so
     * one revocation cuts the station's MQTT and its audio together. A check that passed is kept
     * per account and hash (a new generation has a new hash), so a 3G station reconnecting every
     * few seconds does not cost a PBKDF2 each time; a wrong password is checked in full every time.
     */
    public Optional<BrokerAccount> verify(String username, String password) {
        if (username == null || password == null) {
            return Optional.empty();
        }
        BrokerAccount account = null;
        for (BrokerAccount a : current) {
            if (a.username().equals(username)) {
                account = a;
                break;
            }
        }
        if (account == null) {
            return Optional.empty();
        }
        byte[] digest = sha256(password);
        Verified known = verified.get(username);
        if (known != null && known.hash().equals(account.passwordHash())
                && java.security.MessageDigest.isEqual(known.passwordDigest(), digest)) {
            return Optional.of(account);
        }
        boolean ok;
        try {
            ok = MosquittoPassword.matches(password, account.passwordHash());
        } catch (IllegalArgumentException bad) {
            log.error("The broker account {} has a damaged password hash: {}", username, bad.getMessage());
            return Optional.empty();
        }
        if (!ok) {
            return Optional.empty();
        }
        verified.put(username, new Verified(account.passwordHash(), digest));
        return Optional.of(account);
    }

    /** A password that matched {@code hash}, kept as its SHA-256 only. */
    private record Verified(String hash, byte[] passwordDigest) {
    }

    private static byte[] sha256(String password) {
        try {
            return java.security.MessageDigest.getInstance("SHA-256").digest(password.getBytes(StandardCharsets.UTF_8));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Every account the broker knows now: the controller's, the stations', the observers'. */
    public List<BrokerAccount> accounts() {
        return current;
    }

    /**
     * Tells the listeners, then writes passwd and acl if they changed and asks the broker to reload;
     * the reason it could not, if it could not.
     */
    private synchronized Optional<String> writeFiles() {
        Commune c = commune.get();
        Map<String, String> villageOf = new HashMap<>();
        c.stations().forEach(s -> villageOf.put(s.id(), s.village()));
        // The controller first, then the stations, then the observers: a name taken twice keeps its first
        // owner, so no observer line can take a station's account (and its village's alerts) away.
        List<BrokerAccount> accounts = new ArrayList<>(List.of(controller));
        Set<String> taken = new java.util.HashSet<>(Set.of(controller.username()));
        store.query(this::hashes).forEach((id, hash) -> {
            String village = villageOf.get(id);
            if (village != null && taken.add(id)) {
                accounts.add(BrokerAccount.station(id, hash, List.of(village)));
            } else if (village != null) {
                logClash("station", id);
            }
        });
        try {
            for (BrokerAccount o : files == null ? List.<BrokerAccount>of() : MosquittoFiles.readObservers(files.observersFile())) {
                if (taken.add(o.username())) {
                    accounts.add(o);
                } else {
                    logClash("observer", o.username());
                }
            }
        } catch (IOException e) {
            log.error("Controller leaves the observers out of the broker's accounts: {}", e.getMessage());
        }
        current = List.copyOf(accounts);
        Map<String, String> hashNow = new HashMap<>();
        accounts.forEach(a -> hashNow.put(a.username(), a.passwordHash()));
        verified.entrySet().removeIf(e -> !e.getValue().hash().equals(hashNow.get(e.getKey())));
        listeners.forEach(l -> l.accept(current));
        if (files == null) {
            return Optional.empty();
        }
        try {
            if (files.write(accounts)) {
                log.info("Controller wrote the broker's accounts ({} account(s) besides its own) to {}",
                        accounts.size() - 1, settings.dir());
                reload();
            }
            return Optional.empty();
        } catch (IOException e) {
            // The store holds the truth; the next change or restart writes the files again.
            log.error("Controller cannot write the broker's accounts to {}: {}; the broker keeps its old ones",
                    settings.dir(), e.toString());
            return Optional.of(e.toString());
        }
    }

    private static void logClash(String kind, String name) {
        log.error("The broker account name {} is taken twice: this {} is left out of the broker's files", name, kind);
    }

    private void reload() {
        if (settings.reloadCommand().isEmpty()) {
            return;
        }
        try {
            vn.loalang.provisioning.Command.run(java.time.Duration.ofSeconds(30), settings.reloadCommand());
        } catch (IOException e) {
            // The files are right; the broker reads them at its next reload or restart.
            log.error("Controller could not have the broker reload its accounts: {}", e.getMessage());
        }
    }

    private Map<String, String> hashes(Connection c) throws SQLException {
        Map<String, String> out = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT station_id, password_hash FROM broker_account");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.put(rs.getString(1), rs.getString(2));
            }
        }
        return out;
    }

    private static int generation(Connection c, String stationId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT generation FROM broker_account WHERE station_id = ?")) {
            ps.setString(1, stationId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getInt(1) : 0;
            }
        }
    }

    private static void delete(Connection c, String stationId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM broker_account WHERE station_id = ?")) {
            ps.setString(1, stationId);
            ps.executeUpdate();
        }
    }
}
