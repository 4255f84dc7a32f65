package vn.loalang.agent.audio;

import vn.loalang.audio.PcmFormat;

import javax.sound.sampled.AudioSystem;
import javax.sound.sampled.DataLine;
import javax.sound.sampled.LineUnavailableException;
import javax.sound.sampled.Mixer;
import javax.sound.sampled.SourceDataLine;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The station's sound card through JavaSound. The line is chosen by (part of) its mixer name from
 * the config, e.g. "Headphones" or "USB Audio"; when it cannot be opened, the error lists the lines
 * that do exist, which is what a technician on a ladder needs to fix the config.
 */
public final class JavaSoundSink implements AudioSink {
    private final String device;
    private final Clock clock;

    public JavaSoundSink(String device, Clock clock) {
        this.device = device;
        this.clock = clock;
    }

    @Override
    public Output open(PcmFormat format, String label) throws IOException {
        DataLine.Info info = new DataLine.Info(SourceDataLine.class, format.toAudioFormat());
        try {
            SourceDataLine line = (SourceDataLine) (device == null || device.isBlank()
                    ? AudioSystem.getLine(info)
                    : mixerNamed(device).getLine(info));
            // 100 ms: enough for a Pi under load, and with the 100 ms fade a pre-empting emergency is heard
            // within 200 ms.
            line.open(format.toAudioFormat(), (int) format.bytesFor(java.time.Duration.ofMillis(100)));
            line.start();
            return new LineOutput(line, clock.instant());
        } catch (LineUnavailableException | IllegalArgumentException e) {
            throw new IOException("audio output " + (device == null ? "(default)" : "'" + device + "'")
                    + " cannot play " + format + ": " + e.getMessage() + ". Lines on this machine: " + describeLines(), e);
        }
    }

    private static Mixer mixerNamed(String name) {
        for (Mixer.Info m : AudioSystem.getMixerInfo()) {
            if (m.getName().contains(name) || m.getDescription().contains(name)) {
                return AudioSystem.getMixer(m);
            }
        }
        throw new IllegalArgumentException("no mixer named '" + name + "'");
    }

    static String describeLines() {
        List<String> names = new ArrayList<>();
        for (Mixer.Info m : AudioSystem.getMixerInfo()) {
            if (AudioSystem.getMixer(m).getSourceLineInfo().length > 0) {
                names.add("'" + m.getName() + "'");
            }
        }
        return names.isEmpty() ? "none (no sound card found)" : String.join(", ", names);
    }

    private record LineOutput(SourceDataLine line, Instant openedAt) implements Output {
        @Override
        public void write(byte[] buf, int off, int len) throws java.io.IOException {
            // A closed line, or one whose device went away (a USB card unplugged), writes short without
            // an exception: that is a dead output, not a success.
            int written = line.write(buf, off, len);
            if (written < len) {
                throw new java.io.IOException("the audio line took " + written + " of " + len + " bytes: it is closed"
                        + " or its device is gone");
            }
        }

        @Override
        public void drain() {
            line.drain();
        }

        @Override
        public void close() {
            line.stop();
            line.close();
        }
    }
}
