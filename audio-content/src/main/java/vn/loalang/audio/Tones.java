package vn.loalang.audio;

import java.time.Duration;

/** Generated signals: silence, test tones and the intro chime (generated so nothing needs downloading). */
public final class Tones {

    /** Long enough to avoid a click, short enough not to change a tone's perceived length. */
    private static final double FADE_SECONDS = 0.010;

    private Tones() {
    }

    public static Pcm silence(PcmFormat f, Duration d) {
        return new Pcm(f, new byte[Math.toIntExact(f.bytesFor(d))]);
    }

    /** Sine tone with short raised-cosine fade in/out (no clicks). amplitude 0..1 of full scale. */
    public static Pcm tone(PcmFormat f, double hz, Duration d, double amplitude) {
        checkAmplitude(amplitude);
        if (hz <= 0 || hz >= f.sampleRate() / 2.0) {
            throw new IllegalArgumentException(hz + " Hz cannot be represented at " + f.sampleRate() + " Hz");
        }
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
        double[] notes = {783.99, 659.26, 523.25};
        double spacing = 0.35;
        double ring = 0.8;
        int frames = (int) Math.round((spacing * (notes.length - 1) + ring) * f.sampleRate());
        double[] signal = new double[frames];
        for (int k = 0; k < notes.length; k++) {
            int start = (int) Math.round(k * spacing * f.sampleRate());
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
        double scale = 0.5 / peak;
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

    private static void checkAmplitude(double amplitude) {
        if (!(amplitude >= 0 && amplitude <= 1)) {
            throw new IllegalArgumentException("amplitude " + amplitude + " is outside 0..1 of full scale");
        }
    }
}
