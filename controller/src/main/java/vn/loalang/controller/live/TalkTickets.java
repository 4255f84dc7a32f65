package vn.loalang.controller.live;

import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The one-time tickets that open a talk's audio socket (plan §1.3 "talk ingest hijack"). A browser cannot
 * put its bearer token on a WebSocket, and the token must not appear in a URL, so {@code POST
 * /api/live/talks} (authenticated, rights checked) hands out a ticket instead: 128 random bits, good for
 * {@link #LIFETIME}, for that talk only, and used at most once (a replayed or guessed one is refused).
 */
final class TalkTickets {
    static final Duration LIFETIME = Duration.ofSeconds(30);

    private record Ticket(String talkId, byte[] value, Instant expiresAt) {
    }

    private final SecureRandom random = new SecureRandom();
    private final Clock clock;
    /** By talk: one ticket per talk, the newest. */
    private final Map<String, Ticket> tickets = new ConcurrentHashMap<>();

    TalkTickets(Clock clock) {
        this.clock = clock;
    }

    /** A new ticket for talk {@code talkId}, replacing any unused one. */
    String issue(String talkId) {
        byte[] value = new byte[16];
        random.nextBytes(value);
        tickets.put(talkId, new Ticket(talkId, value, clock.instant().plus(LIFETIME)));
        return Base64.getUrlEncoder().withoutPadding().encodeToString(value);
    }

    /**
     * Whether {@code ticket} is talk {@code talkId}'s, unused and unexpired. A matching ticket is used up
     * whether or not it was still in time; a wrong one leaves the real one in place (it cannot be guessed).
     */
    boolean redeem(String talkId, String ticket) {
        if (talkId == null || ticket == null) {
            return false;
        }
        byte[] presented;
        try {
            presented = Base64.getUrlDecoder().decode(ticket);
        } catch (IllegalArgumentException e) {
            return false;
        }
        Ticket t = tickets.get(talkId);
        if (t == null || !MessageDigest.isEqual(t.value(), presented) || !tickets.remove(talkId, t)) {
            return false;
        }
        return clock.instant().isBefore(t.expiresAt());
    }

    /** Whether talk {@code talkId} still has a ticket nobody used, within its life: the speaker may yet connect. */
    boolean waiting(String talkId) {
        Ticket t = tickets.get(talkId);
        return t != null && clock.instant().isBefore(t.expiresAt());
    }

    void forget(String talkId) {
        tickets.remove(talkId);
    }
}
