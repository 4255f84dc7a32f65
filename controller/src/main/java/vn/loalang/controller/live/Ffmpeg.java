package vn.loalang.controller.live;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The ffmpeg program the controller runs for live audio (Debian package {@code ffmpeg}), and the
 * commands it runs it with. {@link #find} checks {@code ffmpeg -version} once, at start-up, so a
 * controller without ffmpeg says so in one line at once and not at the first relay slot.
 *
 * <p>The channel format is decision 0030's: MP3, CBR 32 kbit/s, mono, 22.05 kHz, with no Xing nor
 * ID3 header (a listener joins mid-stream, a header would be noise in the middle), no bit reservoir
 * (each frame decodes alone), each packet flushed as it is made (no 4 kB grouping on the pipe).
 */
public final class Ffmpeg {
    private static final Logger log = LoggerFactory.getLogger(Ffmpeg.class);

    /** The live channel's format. */
    public static final int SAMPLE_RATE = 22_050;
    public static final int BITRATE_KBPS = 32;
    /** Quieter than this for {@code silenceSeconds} is "the programme ended" under the SILENCE rule. */
    public static final int SILENCE_DB = -45;

    private static final java.util.Map<String, Ffmpeg> FOUND = new java.util.concurrent.ConcurrentHashMap<>();

    private final String program;
    private final String version;

    private Ffmpeg(String program, String version) {
        this.program = program;
        this.version = version;
    }

    /**
     * The ffmpeg at {@code program} (a path, or a name looked up on PATH), with its version.
     *
     * @throws FfmpegMissingException it does not run
     */
    public static Ffmpeg find(String program) {
        String name = program == null || program.isBlank() ? "ffmpeg" : program;
        try {
            Process p = new ProcessBuilder(name, "-hide_banner", "-version").redirectErrorStream(true).start();
            String out;
            try (InputStream in = p.getInputStream()) {
                out = new String(in.readNBytes(4096), StandardCharsets.UTF_8);
            }
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new FfmpegMissingException(name, "ffmpeg -version did not answer within 10 s");
            }
            if (p.exitValue() != 0) {
                throw new FfmpegMissingException(name, "ffmpeg -version exited with " + p.exitValue() + ": " + firstLine(out));
            }
            String version = firstLine(out);
            log.info("Controller relays live audio with {} ({})", name, version);
            return new Ffmpeg(name, version);
        } catch (IOException e) {
            throw new FfmpegMissingException(name, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FfmpegMissingException(name, "interrupted while asking its version");
        }
    }

    /**
     * As {@link #find}, for the controller's start: a controller without ffmpeg still runs (files,
     * alerts), says so in one error line, and live relays and talks are refused with the same words.
     */
    public static java.util.Optional<Ffmpeg> probe(String program) {
        try {
            // Once per program and process: a JVM that starts many controllers (the tests, the demo) asks once.
            String key = program == null || program.isBlank() ? "ffmpeg" : program;
            Ffmpeg known = FOUND.get(key);
            if (known != null) {
                return java.util.Optional.of(known);
            }
            Ffmpeg found = find(program);
            FOUND.put(key, found);
            return java.util.Optional.of(found);
        } catch (FfmpegMissingException e) {
            log.error("{}", e.getMessage());
            return java.util.Optional.empty();
        }
    }

    public String program() {
        return program;
    }

    /** The first line of {@code ffmpeg -version}, e.g. "ffmpeg version 5.1.9-0+deb12u1 ...". */
    public String version() {
        return version;
    }

    /**
     * The command that pulls an upstream (HTTP/Icecast MP3 or AAC, or HLS) and writes the channel's
     * MP3 on its standard output, with {@code silencedetect} reporting on standard error. Only flags
     * present in both Debian 12's ffmpeg 5.1 and Trixie's 7.1 are used.
     *
     * @param silenceSeconds how long below {@link #SILENCE_DB} makes a {@code silence_start} line
     */
    public List<String> upstreamCommand(URI url, boolean hls, int silenceSeconds) {
        List<String> c = new ArrayList<>(List.of(program, "-nostdin", "-hide_banner", "-nostats",
                // info: silencedetect reports at info level; "level" prefixes each line with it, so errors are told apart;
                // -nostats keeps the progress line out.
                "-loglevel", "level+info",
                "-rw_timeout", "10000000"));
        if (hls) {
            // The newest segment, not the oldest of the playlist: the relay is live.
            c.addAll(List.of("-live_start_index", "-1"));
        } else {
            c.addAll(List.of("-reconnect", "1", "-reconnect_streamed", "1", "-reconnect_on_network_error", "1",
                    "-reconnect_delay_max", "5"));
        }
        c.addAll(List.of("-i", url.toString(), "-vn", "-map", "0:a:0"));
        c.addAll(encoderArguments(silenceSeconds));
        return c;
    }

    /**
     * The command for a talk: WebM/Opus from the browser on standard input, the channel's MP3 on
     * standard output ({@code inputFormat} "matroska", or "s16le" at 16 kHz mono for the PCM fallback).
     */
    public List<String> talkCommand(String inputFormat) {
        List<String> c = new ArrayList<>(List.of(program, "-nostdin", "-hide_banner", "-nostats", "-loglevel", "level+info",
                "-probesize", "32", "-analyzeduration", "0", "-fflags", "nobuffer"));
        if ("s16le".equals(inputFormat)) {
            c.addAll(List.of("-f", "s16le", "-ar", "16000", "-ac", "1"));
        } else {
            c.addAll(List.of("-f", inputFormat));
        }
        c.addAll(List.of("-i", "pipe:0"));
        c.addAll(encoderArguments(0));
        // -nostdin is for upstreams only: a talk's audio comes in on stdin.
        c.remove("-nostdin");
        return c;
    }

    /**
     * The command that converts a recording the library cannot play (a phone's M4A, AMR, Ogg/Opus, an
     * MP2, a float WAV) into an MP3 file: its first audio stream, at most stereo and 48 kHz (LAME takes
     * nothing else; 8 kHz speech is lifted to 16 kHz, the lowest MPEG-2 rate, so the stations' decoder
     * is not asked for MPEG-2.5), 128 kbit/s with the LAME/Xing header (gapless, exact length), and
     * without the phone's metadata (a voice memo may carry where it was recorded). MP3, not WAV: a
     * 30-minute programme stays about 29 MB on the stations' 3G link.
     */
    public List<String> decodeCommand(java.nio.file.Path in, java.nio.file.Path out) {
        return List.of(program, "-nostdin", "-hide_banner", "-nostats", "-loglevel", "level+error", "-y",
                "-i", in.toString(), "-map", "0:a:0", "-vn", "-map_metadata", "-1",
                "-af", "aformat=channel_layouts=mono|stereo:sample_rates=16000|22050|24000|32000|44100|48000",
                "-c:a", "libmp3lame", "-b:a", "128k", "-write_xing", "1", "-id3v2_version", "0", "-f", "mp3",
                out.toString());
    }

    private List<String> encoderArguments(int silenceSeconds) {
        String filters = "aresample=async=1" + (silenceSeconds > 0
                ? ",silencedetect=n=" + SILENCE_DB + "dB:d=" + silenceSeconds : "");
        return List.of("-ac", "1", "-ar", Integer.toString(SAMPLE_RATE), "-af", filters,
                // No bit reservoir: every frame decodes on its own, so a station joining mid-stream, a frame lost on
                // 3G, and a recording cut at a slot's start all decode from their first frame (with the reservoir,
                // the library refused a recording cut mid-stream as truncated: RecorderTest).
                "-c:a", "libmp3lame", "-b:a", BITRATE_KBPS + "k", "-reservoir", "0", "-write_xing", "0", "-id3v2_version", "0",
                "-flush_packets", "1", "-f", "mp3", "pipe:1");
    }

    private static String firstLine(String text) {
        int nl = text.indexOf('\n');
        return (nl < 0 ? text : text.substring(0, nl)).strip();
    }
}
