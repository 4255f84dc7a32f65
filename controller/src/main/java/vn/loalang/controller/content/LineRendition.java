package vn.loalang.controller.content;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import vn.loalang.audio.AudioContentException;
import vn.loalang.audio.AudioDecoder;
import vn.loalang.audio.AudioInfo;
import vn.loalang.audio.AudioProbe;
import vn.loalang.audio.PcmConverter;
import vn.loalang.audio.PcmStream;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Brings a library file to the stations' {@link LineFormat} once, at the commune office, instead of
 * on every pole at every play. The sound is converted by the project's own decoder and converter
 * (the very code a station would otherwise run: same gapless trim, same windowed-sinc resampler)
 * and encoded to constant-bitrate MP3 by LAME (Debian's {@code lame}), which writes the gapless
 * header the stations' decoder trims by. A file already at the line format is kept as it is.
 */
public final class LineRendition {
    private static final Logger log = LoggerFactory.getLogger(LineRendition.class);
    private static final long TIMEOUT_MINUTES = 10;

    private final LineFormat line;
    private final String lame;

    LineRendition(LineFormat line, String lame) {
        this.line = line;
        this.lame = lame;
    }

    /** Renditions at {@code line}, encoded with the {@code lame} program on the PATH. */
    public static LineRendition to(LineFormat line) {
        return new LineRendition(line, "lame");
    }

    public LineFormat line() {
        return line;
    }

    /**
     * {@code source} itself when it is already at the line format; otherwise a new MP3 {@code out}
     * at it. A file that does not decode is refused by the decoder's own exception, as by
     * {@link LibraryIngest}; an encoder that is missing or fails is an {@link IOException} naming it.
     */
    public Path render(Path source, Path out) throws AudioContentException, IOException {
        AudioInfo info = AudioProbe.probe(source);
        if (line.matches(info)) {
            return source;
        }
        List<String> command = List.of(lame, "--quiet", "--noreplaygain", "-r", "-s", khz(line.sampleRate()),
                "--bitwidth", "16", "--signed", "--little-endian", "-m", line.channels() == 1 ? "m" : "j",
                "-b", Integer.toString(kbps(line)), "-", out.toString());
        Process encoder;
        try {
            encoder = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.PIPE).start();
        } catch (IOException e) {
            throw new IOException("the MP3 encoder '" + lame + "' cannot be started (sudo apt-get install -y lame): "
                    + e.getMessage(), e);
        }
        try (PcmStream pcm = PcmConverter.convert(AudioDecoder.open(source), line.pcm());
             OutputStream toEncoder = encoder.getOutputStream()) {
            byte[] buf = new byte[64 * 1024];
            for (int n; (n = pcm.read(buf, 0, buf.length)) >= 0; ) {
                toEncoder.write(buf, 0, n);
            }
        } catch (IOException e) {
            encoder.destroyForcibly();
            throw new IOException("bringing " + source.getFileName() + " to the stations' line (" + line + ") failed: "
                    + e.getMessage(), e);
        }
        try {
            String said = new String(encoder.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!encoder.waitFor(TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
                encoder.destroyForcibly();
                throw new IOException("the MP3 encoder took over " + TIMEOUT_MINUTES + " minutes on " + source.getFileName());
            }
            if (encoder.exitValue() != 0 || !Files.isRegularFile(out)) {
                throw new IOException("the MP3 encoder failed on " + source.getFileName() + " (exit " + encoder.exitValue()
                        + "): " + said);
            }
        } catch (InterruptedException e) {
            encoder.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while encoding " + source.getFileName(), e);
        }
        log.info("Library file {} ({} Hz, {} channel(s)) brought to the stations' line, {}", source.getFileName(),
                info.format().sampleRate(), info.format().channels(), line);
        return out;
    }

    /**
     * Speech and announcements for horn loudspeakers: 64 kbps per channel at MPEG-1 rates (32–48
     * kHz), 32 at MPEG-2 rates (16–24 kHz), 16 below. CBR, so that a download's size is known.
     */
    static int kbps(LineFormat line) {
        int perChannel = line.sampleRate() >= 32_000 ? 64 : line.sampleRate() >= 16_000 ? 32 : 16;
        return perChannel * line.channels();
    }

    private static String khz(int hz) {
        return hz % 1000 == 0 ? Integer.toString(hz / 1000) : String.format(java.util.Locale.ROOT, "%.3f", hz / 1000.0)
                .replaceAll("0+$", "");
    }
}
