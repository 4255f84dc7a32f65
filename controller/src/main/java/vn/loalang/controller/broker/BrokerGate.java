package vn.loalang.controller.broker;

import vn.loalang.protocol.LogText;
import io.moquette.broker.security.IAuthenticator;
import io.moquette.broker.security.IAuthorizatorPolicy;
import io.moquette.broker.subscriptions.Topic;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import vn.loalang.protocol.Topics;
import vn.loalang.provisioning.broker.AccessList;
import vn.loalang.provisioning.broker.BrokerAccount;
import vn.loalang.provisioning.broker.MosquittoPassword;
import vn.loalang.provisioning.broker.TopicRule;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Who may connect to the embedded broker and what each may read and write: the accounts
 * {@link BrokerAccounts} keeps (the controller's, each station's, the observers'), checked against
 * their Mosquitto {@code $7$} hashes, with the rights of {@link AccessList#rulesOf}, the very rules
 * Mosquitto's {@code acl} file is written from.
 *
 * <p>A client id belongs to one user only ({@link #ownerOf}), as Mosquitto's
 * {@code use_username_as_clientid} makes it: a station that knows its own password cannot log in
 * under another's client id and push that one (or the controller) off the broker.
 *
 * <p>Anonymous clients, where the broker allows them at all (on the loopback address only), may
 * read and write everything: they are this machine's own programs.
 */
public final class BrokerGate implements IAuthenticator, IAuthorizatorPolicy {
    private static final Logger log = LoggerFactory.getLogger(BrokerGate.class);
    /** The prefixes Loa Làng's own programs put before their user name in a client id (agent, controller). */
    private static final List<String> CLIENT_ID_PREFIXES = List.of("loalang-station-", "loalang-");
    private static final long LOG_EVERY_NANOS = TimeUnit.MINUTES.toNanos(1);
    /** Refusals of names that are no account are logged under one key: a flood of made-up names stays one line a minute. */
    private static final String UNKNOWN = "\u0000unknown";

    private record Entry(BrokerAccount account, List<TopicRule> rules) {
        boolean same(Entry other) {
            return other != null && account.passwordHash().equals(other.account.passwordHash()) && rules.equals(other.rules);
        }
    }

    private final AccessList access;
    private final boolean anonymous;
    private volatile Map<String, Entry> users = Map.of();
    private final Map<String, Long> lastLogged = new ConcurrentHashMap<>();

    /** @param anonymous whether clients without a user name may connect (loopback only: see {@link EmbeddedBroker}) */
    public BrokerGate(Topics topics, boolean anonymous) {
        this.access = new AccessList(topics);
        this.anonymous = anonymous;
    }

    public boolean anonymousAllowed() {
        return anonymous;
    }

    /**
     * The accounts as they are now. Returns the users whose password or rights changed, or who are
     * gone: their open connections must close, as Mosquitto closes them when it reloads.
     */
    public synchronized Set<String> update(List<BrokerAccount> accounts) {
        Map<String, Entry> next = new HashMap<>();
        for (BrokerAccount a : accounts) {
            next.putIfAbsent(a.username(), new Entry(a, access.rulesOf(a)));
        }
        Set<String> changed = new HashSet<>();
        users.forEach((name, before) -> {
            if (!before.same(next.get(name))) {
                changed.add(name);
            }
        });
        users = Map.copyOf(next);
        lastLogged.keySet().removeIf(k -> !k.equals(UNKNOWN) && !next.containsKey(k));
        return changed;
    }

    /**
     * The one user a client id may be used by: the id without the prefix Loa Làng's programs give it
     * ({@code loalang-station-thon-dong-1} is thon-dong-1's, {@code loalang-controller} the
     * controller's), or the id itself. A function, so no two users can ever claim the same id.
     */
    public static String ownerOf(String clientId) {
        for (String prefix : CLIENT_ID_PREFIXES) {
            if (clientId.startsWith(prefix) && clientId.length() > prefix.length()) {
                return clientId.substring(prefix.length());
            }
        }
        return clientId;
    }

    @Override
    public boolean checkValid(String clientId, String username, byte[] password) {
        Entry e = username == null ? null : users.get(username);
        if (e == null) {
            return refuse(UNKNOWN, username, clientId, "no such account");
        }
        if (password == null) {
            return refuse(username, username, clientId, "no password given");
        }
        if (clientId == null || !ownerOf(clientId).equals(username)) {
            return refuse(username, username, clientId, "the client id is not this user's (use loalang-station-"
                    + username + " or " + username + ")");
        }
        boolean ok;
        try {
            ok = MosquittoPassword.matches(new String(password, StandardCharsets.UTF_8), e.account().passwordHash());
        } catch (IllegalArgumentException bad) {
            log.error("The broker account {} has a damaged password hash: {}", username, bad.getMessage());
            return false;
        }
        return ok || refuse(username, username, clientId, "wrong password");
    }

    @Override
    public boolean canWrite(Topic topic, String user, String client) {
        if (user == null) {
            return anonymous;
        }
        Entry e = users.get(user);
        String t = topic.toString();
        if (e != null && e.rules().stream().anyMatch(r -> r.permitsWrite(t))) {
            return true;
        }
        noteRefusal(e == null ? UNKNOWN : user, user, client, "may not publish on " + LogText.of(t));
        return false;
    }

    @Override
    public boolean canRead(Topic topic, String user, String client) {
        if (user == null) {
            return anonymous;
        }
        Entry e = users.get(user);
        String t = topic.toString();
        if (e != null && e.rules().stream().anyMatch(r -> r.permitsRead(t))) {
            return true;
        }
        noteRefusal(e == null ? UNKNOWN : user, user, client, "may not subscribe to " + LogText.of(t));
        return false;
    }

    /**
     * Moquette 0.17 never checks the topic of a client's Last Will, and offers no way to refuse one
     * at CONNECT: it is told only after the connection is accepted ({@link EmbeddedBroker}'s
     * interceptor calls this). What it can do is say so, once a minute per account, so that a
     * stolen station forging another's Will is seen. Mosquitto refuses such a CONNECT.
     */
    void willSet(String user, String clientId, String willTopic) {
        if (user == null || willTopic == null) {
            return;
        }
        Entry e = users.get(user);
        if (e != null && e.rules().stream().anyMatch(r -> r.permitsWrite(willTopic))) {
            return;
        }
        long now = System.nanoTime();
        String key = e == null ? UNKNOWN : user;
        Long before = lastLogged.get(key);
        if (before != null && now - before < LOG_EVERY_NANOS) {
            return;
        }
        lastLogged.put(key, now);
        log.error("Embedded broker: user {} (client id {}) set its Last Will on {}, a topic it may not write; the "
                        + "embedded broker cannot refuse it and will deliver it when the connection drops: revoke the "
                        + "station if it is not a known agent, and use Mosquitto for stations beyond this machine",
                LogText.of(user), LogText.of(Objects.toString(clientId, "(none)")), LogText.of(willTopic));
    }

    private boolean refuse(String key, String user, String clientId, String why) {
        noteRefusal(key, user, clientId, "refused at login: " + why);
        return false;
    }

    /** Logged once a minute per account at most: a stolen station retrying cannot fill the disk. */
    private void noteRefusal(String key, String user, String clientId, String what) {
        long now = System.nanoTime();
        Long before = lastLogged.get(key);
        if (before != null && now - before < LOG_EVERY_NANOS) {
            return;
        }
        lastLogged.put(key, now);
        log.warn("Embedded broker: user {} (client id {}) {}; further refusals of this user are not logged for a minute",
                LogText.of(Objects.toString(user, "(none)")), LogText.of(Objects.toString(clientId, "(none)")), what);
    }
}
