package vn.loalang.controller.live;

import org.junit.jupiter.api.Test;
import vn.loalang.protocol.testing.ManualClock;

import java.time.Instant;
import java.util.Base64;
import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The talk socket's one-time tickets: 128 random bits, 30 s, single use, one talk's only. */
class TalkTicketsTest {
    private static final Instant T0 = Instant.parse("2026-12-06T08:15:00Z");
    private final ManualClock clock = new ManualClock(T0);
    private final TalkTickets tickets = new TalkTickets(clock);

    @Test
    void aTicketOpensItsTalkOnceAndNoOtherTalk() {
        String ticket = tickets.issue("t-20261206-081500-ab12");
        assertEquals(16, Base64.getUrlDecoder().decode(ticket).length, "128 bits");
        assertFalse(tickets.redeem("t-20261206-081500-cd34", ticket), "another talk's");
        assertFalse(tickets.redeem("t-20261206-081500-ab12", "AAAAAAAAAAAAAAAAAAAAAA"), "a guess");
        assertFalse(tickets.redeem("t-20261206-081500-ab12", "not base64 !"), "garbage");
        assertTrue(tickets.redeem("t-20261206-081500-ab12", ticket), "a wrong guess does not burn the real one");
        assertFalse(tickets.redeem("t-20261206-081500-ab12", ticket), "replayed");
        assertFalse(tickets.waiting("t-20261206-081500-ab12"));
    }

    @Test
    void aTicketIsGoodForThirtySeconds() {
        String ticket = tickets.issue("t-20261206-081500-ab12");
        clock.set(T0.plus(TalkTickets.LIFETIME).minusMillis(1));
        assertTrue(tickets.waiting("t-20261206-081500-ab12"));
        clock.set(T0.plus(TalkTickets.LIFETIME));
        assertFalse(tickets.waiting("t-20261206-081500-ab12"));
        assertFalse(tickets.redeem("t-20261206-081500-ab12", ticket), "too old");
    }

    @Test
    void ticketsAreNotRepeated() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            assertTrue(seen.add(tickets.issue("t-20261206-081500-ab12")));
        }
    }
}
