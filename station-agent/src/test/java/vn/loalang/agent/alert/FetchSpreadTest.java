package vn.loalang.agent.alert;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FetchSpreadTest {
    private static final Duration SIREN = Duration.ofMillis(3600);

    @Test
    void withoutAPreambleTheAudioIsFetchedAtOnce() {
        assertEquals(Duration.ZERO, AlertKeeper.fetchSpread("loa-0001", Duration.ZERO));
    }

    @Test
    void aStationWaitsAtMostAQuarterOfThePreambleAndNeverMoreThanASecond() {
        for (int i = 1; i <= 1000; i++) {
            String id = "loa-%04d".formatted(i);
            Duration siren = AlertKeeper.fetchSpread(id, SIREN);
            assertTrue(!siren.isNegative() && siren.compareTo(Duration.ofMillis(900)) < 0, id + ": " + siren);
            Duration chime = AlertKeeper.fetchSpread(id, Duration.ofMillis(1200));
            assertTrue(chime.compareTo(Duration.ofMillis(300)) < 0, id + ": " + chime);
            assertTrue(AlertKeeper.fetchSpread(id, Duration.ofMinutes(1)).compareTo(AlertKeeper.MAX_FETCH_SPREAD) < 0);
        }
    }

    @Test
    void eachStationWaitsTheSameEveryTime() {
        assertEquals(AlertKeeper.fetchSpread("thon-dong-1", SIREN), AlertKeeper.fetchSpread("thon-dong-1", SIREN));
    }

    @Test
    void aVillageOfNumberedStationsSpreadsEvenlyOverTheWait() {
        // Ids that differ in one digit must not bunch up: the herd is what the wait is for.
        int[] perTenth = new int[10];
        for (int i = 1; i <= 1000; i++) {
            long ms = AlertKeeper.fetchSpread("loa-%04d".formatted(i), SIREN).toMillis();
            perTenth[(int) (ms / 90)]++;
        }
        for (int tenth = 0; tenth < 10; tenth++) {
            assertTrue(perTenth[tenth] >= 60 && perTenth[tenth] <= 140,
                    "tenth " + tenth + " of the wait holds " + perTenth[tenth] + " of 1000 stations");
        }
    }
}
