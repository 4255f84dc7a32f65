package vn.loalang.audio;

import java.time.Duration;

/** Generated signals: silence, test tones, the intro chime and the alert preambles (generated so nothing needs downloading). */
public final class Tones {

    /** Long enough to avoid a click, short enough not to change a tone's perceived length. */
    private static final double FADE_SECONDS = 0.010;

    private static final double C5 = 523.25;
    private static final double E5 = 659.26;
    private static final double G5 = 783.99;
    /** Chimes and siren peak at -6 dBFS: loud enough to lead in, with room left under full scale for the gain stage. */
    private static final double PREAMBLE_PEAK = 0.5;

    private static final double SIREN_LOW_HZ = 600;
    private static final double SIREN_HIGH_HZ = 1200;
    private static final int SIREN_SWEEPS = 3;
    private static final double SIREN_SWEEP_SECONDS = 1.2;
    private static final double SIREN_FADE_SECONDS = 0.150;

    private Tones() {
    }

    public static Pcm silence(PcmFormat f, Duration d) {
        return new Pcm(f, new byte[Math.toIntExact(f.bytesFor(d))]);
    }

    /** Sine tone with short raised-cosine fade in/out (no clicks). amplitude 0..1 of full scale. */
    public static Pcm tone(PcmFormat f, double hz, Duration d, double amplitude) {
        checkAmplitude(amplitude);
        checkRepresentable(f, hz);
        int frames = Math.toIntExact(f.bytesFor(d) / f.frameBytes());
        double[] signal = new double[frames];
        for (int n = 0; n < frames; n++) {
            signal[n] = amplitude * Math.sin(2 * Math.PI * hz * n / f.sampleRate());
        }
        fadeEdges(signal, (int) Math.min(frames / 2, Math.round(FADE_SECONDS * f.sampleRate())));
        return toPcm(f, signal);
    }

    /**
     * A pleasant three-note descending chime (G5, E5, C5: the familiar "ding-dong" of public
     * announcements), about 1.5 s: bell-like partials with exponential decay, peak at -6 dBFS.
     */
    public static Pcm chime(PcmFormat f) {
        return bells(f, new double[] {G5, E5, C5}, new double[] {0, 0.35, 0.70}, 0.8);
    }

    /**
     * The preamble of an alert that is not a danger to life (a warning: power cut, vaccination day):
     * the intro chime's notes rising (C5, E5, G5), twice, about 3.1 s, peak at -6 dBFS. Rising so
     * that listeners hear at once it is not the session's "ding-dong"; twice because the first
     * pass is what turns heads towards the loudspeaker.
     */
    public static Pcm alertChime(PcmFormat f) {
        return bells(f, new double[] {C5, E5, G5, C5, E5, G5}, new double[] {0, 0.3, 0.6, 1.5, 1.8, 2.1}, 1.0);
    }

    /**
     * The preamble of an emergency (flood, storm, fire): a wail sweeping between 600 and 1200 Hz
     * and back, three times, 1.2 s a sweep (3.6 s in all), peak at -6 dBFS like the chimes. The
     * band sits where horn loudspeakers are loudest and speech is not (a siren must not be taken
     * for a voice); the sweep starts and ends at 600 Hz with 150 ms fades, so it never clicks and
     * does not startle more than it must.
     */
    public static Pcm siren(PcmFormat f) {
        checkRepresentable(f, SIREN_HIGH_HZ);
        int frames = (int) Math.round(SIREN_SWEEPS * SIREN_SWEEP_SECONDS * f.sampleRate());
        double centre = (SIREN_LOW_HZ + SIREN_HIGH_HZ) / 2;
        double swing = (SIREN_HIGH_HZ - SIREN_LOW_HZ) / 2;
        double[] signal = new double[frames];
        double phase = 0;
        for (int n = 0; n < frames; n++) {
            signal[n] = PREAMBLE_PEAK * Math.sin(phase);
            double t = (double) n / f.sampleRate();
            // A raised-cosine frequency curve lingers at both ends, as a motor siren does, and
            // accumulating the phase (not sin(2*pi*f(t)*t)) keeps the waveform continuous.
            double hz = centre - swing * Math.cos(2 * Math.PI * t / SIREN_SWEEP_SECONDS);
            phase += 2 * Math.PI * hz / f.sampleRate();
        }
        fadeEdges(signal, (int) Math.round(SIREN_FADE_SECONDS * f.sampleRate()));
        return toPcm(f, signal);
    }

    /** Bell strikes of {@code notes} at {@code starts} (seconds), the last one ringing {@code ring} s; peak at -6 dBFS. */
    private static Pcm bells(PcmFormat f, double[] notes, double[] starts, double ring) {
        int frames = (int) Math.round((starts[starts.length - 1] + ring) * f.sampleRate());
        double[] signal = new double[frames];
        for (int k = 0; k < notes.length; k++) {
            int start = (int) Math.round(starts[k] * f.sampleRate());
            for (int n = start; n < frames; n++) {
                double t = (double) (n - start) / f.sampleRate();
                double envelope = Math.exp(-t * 4.5) * Math.min(1, t / 0.004); // 4 ms attack: a strike, not a click
                double hz = notes[k];
                // Fundamental plus a softer octave and twelfth: reads as a bell, not a beep.
                signal[n] += envelope * (Math.sin(2 * Math.PI * hz * t)
                        + 0.3 * Math.sin(2 * Math.PI * 2 * hz * t)
                        + 0.1 * Math.sin(2 * Math.PI * 3 * hz * t));
            }
        }
        fadeEdges(signal, (int) Math.round(FADE_SECONDS * f.sampleRate()));
        double peak = 0;
        for (double v : signal) {
            peak = Math.max(peak, Math.abs(v));
        }
        double scale = PREAMBLE_PEAK / peak;
        for (int n = 0; n < frames; n++) {
            signal[n] *= scale;
        }
        return toPcm(f, signal);
    }

    private static void fadeEdges(double[] signal, int fade) {
        for (int n = 0; n < fade; n++) {
            double g = 0.5 - 0.5 * Math.cos(Math.PI * n / fade);
            signal[n] *= g;
            signal[signal.length - 1 - n] *= g;
        }
    }

    /** Same signal on every channel. */
    private static Pcm toPcm(PcmFormat f, double[] signal) {
        byte[] data = new byte[signal.length * f.frameBytes()];
        int i = 0;
        for (double v : signal) {
            short s = Streams.clamp(v * Short.MAX_VALUE);
            for (int c = 0; c < f.channels(); c++) {
                data[i++] = (byte) s;
                data[i++] = (byte) (s >> 8);
            }
        }
        return new Pcm(f, data);
    }

    private static void checkRepresentable(PcmFormat f, double hz) {
        if (hz <= 0 || hz >= f.sampleRate() / 2.0) {
            throw new IllegalArgumentException(hz + " Hz cannot be represented at " + f.sampleRate() + " Hz");
        }
    }

    private static void checkAmplitude(double amplitude) {
        if (!(amplitude >= 0 && amplitude <= 1)) {
            throw new IllegalArgumentException("amplitude " + amplitude + " is outside 0..1 of full scale");
        }
    }
}
