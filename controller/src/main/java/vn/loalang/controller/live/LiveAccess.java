package vn.loalang.controller.live;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import vn.loalang.provisioning.broker.BrokerAccount;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;
import java.util.function.Predicate;

/**
 * Who may hear a live mount (decision 0030): a station of the commune, logging in with its broker
 * account (station id and MQTT password, checked against the broker's {@code $7$} hash), on a
 * mount open to it. One connection per station and mount, and the newest wins: a 3G drop leaves a
 * half-open socket that the server notices only minutes later, so refusing the second connection
 * would lock the station out; the older one is kicked instead. A station whose account is revoked
 * or rotated is kicked from every mount at once, as the broker drops its MQTT connection.
 *
 * <p>The same decisions serve the embedded server ({@code content.LiveStreamServer}) and Icecast's
 * URL authentication ({@code /internal/icecast/listener-add}); only the way to kick differs.
 */
public final class LiveAccess {
    private static final Logger log = LoggerFactory.getLogger(LiveAccess.class);

    /** Disconnects a listener: Icecast's killclient, or the embedded server closing its connection. */
    public interface Kicker {
        void kick(String mount, String client);
    }

    /** The answer to one listener: admitted as {@code station}, or refused with the reason (for the log and the 401). */
    public record Decision(boolean admitted, String station, String reason) {
        static Decision admit(String station) {
            return new Decision(true, station, null);
        }

        static Decision refuse(String station, String reason) {
            return new Decision(false, station, reason);
        }
    }

    /** A listener let in: its station, mount and the server's id for it. */
    private record Listener(String station, String mount, String client, String ip, String passwordHash) {
    }

    private final BiFunction<String, String, Optional<BrokerAccount>> verify;
    private volatile Kicker kicker;
    /** The listener of each "station mount". */
    private final Map<String, Listener> byStation = new HashMap<>();
    /** Mounts open only to some stations (a talk: its villages'); other mounts are open to every station. */
    private final Map<String, Predicate<String>> restricted = new ConcurrentHashMap<>();

    /**
     * @param verify {@code BrokerAccounts::verify}: the account when the password is its own now
     * @param kicker how listeners are disconnected; may be set later with {@link #kickWith}
     */
    public LiveAccess(BiFunction<String, String, Optional<BrokerAccount>> verify, Kicker kicker) {
        this.verify = verify;
        this.kicker = kicker;
    }

    public void kickWith(Kicker kicker) {
        this.kicker = kicker;
    }

    /** From now on only stations {@code allowed} may hear {@code mount}. */
    public void restrict(String mount, Predicate<String> allowed) {
        restricted.put(mount, allowed);
    }

    /** {@code mount} is gone; its restriction with it. */
    public void forget(String mount) {
        restricted.remove(mount);
    }

    /**
     * Whether {@code station} with {@code password} may hear {@code mount} on the server's
     * connection {@code client} (from {@code ip}). When it may, an older connection of the same
     * station to the same mount is kicked.
     */
    public Decision admit(String station, String password, String mount, String client, String ip) {
        if (station == null || station.isEmpty() || password == null) {
            log.info("Live listener {} from {} on {} refused: no credentials", client, ip, mount);
            return Decision.refuse(null, "no credentials");
        }
        Optional<BrokerAccount> account = verify.apply(station, password);
        if (account.isEmpty()) {
            log.warn("Station {} refused on live mount {} from {}: wrong password, or no broker account", station, mount, ip);
            return Decision.refuse(station, "wrong credentials");
        }
        if (account.get().kind() != BrokerAccount.Kind.STATION) {
            log.warn("Broker account {} refused on live mount {} from {}: it is not a station's", station, mount, ip);
            return Decision.refuse(station, "not a station");
        }
        Predicate<String> allowed = restricted.get(mount);
        if (allowed != null && !allowed.test(station)) {
            log.warn("Station {} refused on live mount {} from {}: this mount is not for its village", station, mount, ip);
            return Decision.refuse(station, "not on this mount");
        }
        Listener before;
        synchronized (byStation) {
            before = byStation.put(key(station, mount), new Listener(station, mount, client, ip,
                    account.get().passwordHash()));
        }
        if (before != null && !before.client().equals(client)) {
            log.info("Station {} connected again to {} from {} (client {}): its older connection {} from {} is closed",
                    station, mount, ip, client, before.client(), before.ip());
            kick(before);
        } else {
            log.info("Station {} listens to {} from {} (client {})", station, mount, ip, client);
        }
        return Decision.admit(station);
    }

    /** The server's connection {@code client} on {@code mount} has ended. */
    public void left(String mount, String client) {
        synchronized (byStation) {
            byStation.values().removeIf(l -> {
                if (l.mount().equals(mount) && l.client().equals(client)) {
                    log.info("Station {} left {} (client {})", l.station(), mount, client);
                    return true;
                }
                return false;
            });
        }
    }

    /**
     * {@code BrokerAccounts.onChange}: listeners whose station has no account any more, or another
     * password now, are kicked.
     */
    public void accountsChanged(List<BrokerAccount> accounts) {
        Map<String, String> hashes = new HashMap<>();
        accounts.forEach(a -> hashes.put(a.username(), a.passwordHash()));
        List<Listener> kicked;
        synchronized (byStation) {
            kicked = byStation.values().stream().filter(l -> !l.passwordHash().equals(hashes.get(l.station())))
                    .toList();
            byStation.values().removeAll(kicked);
        }
        kicked.forEach(l -> {
            log.info("Station {} has no broker account any more, or a new password: its live connection to {} is closed",
                    l.station(), l.mount());
            kick(l);
        });
    }

    /** Stations listening to {@code mount} now. */
    public List<String> listeners(String mount) {
        synchronized (byStation) {
            return byStation.values().stream().filter(l -> l.mount().equals(mount)).map(Listener::station).sorted().toList();
        }
    }

    private void kick(Listener l) {
        Kicker k = kicker;
        if (k != null) {
            k.kick(l.mount(), l.client());
        }
    }

    private static String key(String station, String mount) {
        return station + " " + mount;
    }
}
