package vn.loalang.controller.directory;

import vn.loalang.protocol.live.LatePolicy;

/**
 * The commune's rules for live relays and talks (issue 17), in its settings under {@code live}. Every field
 * may be left out of a commune file: it then takes the default below.
 *
 * @param missedRelay        what a station that missed a relay gets: nothing ({@code SKIP}) or the recording as a
 *                           late first item of its next session ({@code NEXT_SESSION}, the default)
 * @param coverageMinPercent below this share of a relay slot heard, the station counts as having missed it (80)
 * @param talkLate           whether a station that missed a live talk plays its recording late ({@code PLAY_LATE})
 * @param talkLateMinutes    how long after a talk's end its recording may still be played late (60)
 * @param keepRecordingDays  how long relay and talk recordings stay in the library (7): the rights to keep
 *                           broadcasts are not the commune's to stretch
 */
public record LiveSettings(MissedRelay missedRelay, Integer coverageMinPercent, LatePolicy talkLate,
                           Integer talkLateMinutes, Integer keepRecordingDays) {
    public static final LiveSettings DEFAULTS = new LiveSettings(null, null, null, null, null);

    public enum MissedRelay { SKIP, NEXT_SESSION }

    public LiveSettings {
        missedRelay = missedRelay == null ? MissedRelay.NEXT_SESSION : missedRelay;
        coverageMinPercent = coverageMinPercent == null ? 80 : coverageMinPercent;
        if (coverageMinPercent < 1 || coverageMinPercent > 100) {
            throw new IllegalArgumentException("live.coverageMinPercent must be from 1 to 100");
        }
        talkLate = talkLate == null ? LatePolicy.PLAY_LATE : talkLate;
        talkLateMinutes = talkLateMinutes == null ? 60 : talkLateMinutes;
        if (talkLateMinutes < 0 || talkLateMinutes > 24 * 60) {
            throw new IllegalArgumentException("live.talkLateMinutes must be from 0 to 1440");
        }
        keepRecordingDays = keepRecordingDays == null ? 7 : keepRecordingDays;
        if (keepRecordingDays < 1 || keepRecordingDays > 365) {
            throw new IllegalArgumentException("live.keepRecordingDays must be from 1 to 365");
        }
    }
}
