package vn.loalang.audio.speech;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.text.Normalizer;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import vn.loalang.audio.AudioContentException;
import vn.loalang.audio.AudioInfo;
import vn.loalang.audio.AudioProbe;
import vn.loalang.audio.PcmFormat;

/**
 * Speech by the {@code espeak-ng} program (Debian package {@code espeak-ng}, which has Northern,
 * Central and Southern Vietnamese voices). The process is started with an argument list, never a
 * shell, and the text goes through its standard input, so quotes, {@code $(...)} and Vietnamese
 * diacritics are only ever words to speak. Its output is always {@link #OUTPUT_FORMAT}.
 */
public final class EspeakSpeechEngine implements SpeechEngine {

    /**
     * At the pace below 2,000 characters of Vietnamese are about two and a half minutes of speech:
     * already longer than people in a yard or a field follow from a horn, and every station of the
     * zone is held for that long. A longer text is far more likely a paste by mistake than an alert.
     */
    public static final int MAX_CHARACTERS = 2000;

    /** What espeak-ng writes, whatever the voice. */
    public static final PcmFormat OUTPUT_FORMAT = new PcmFormat(22050, 1);

    public static final String DEFAULT_EXECUTABLE = "espeak-ng";
    /** 2,000 characters took 0.16 s on the development machine: this only catches a hung process. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    private static final String INSTALL = "apt-get install -y espeak-ng";

    /**
     * Slower than espeak-ng's 175 words a minute: several horns in a village are heard at once,
     * with echoes from houses, and each syllable must outlast them.
     */
    private static final int WORDS_PER_MINUTE = 140;
    /** Extra pause between words, in espeak-ng's units of 10 ms, for the same reason. */
    private static final int WORD_GAP_10MS = 2;
    /** espeak-ng's own default, pinned: horns do not reproduce a voice's fundamental, so a lower pitch buys nothing. */
    private static final int PITCH = 50;
    /**
     * espeak-ng's default 100 clips open Vietnamese vowels (16 samples at full scale in the flood
     * sentence of the tests); 75 peaks near -2 dBFS, and the loudness gain brings the clip to the
     * commune's target anyway.
     */
    private static final int AMPLITUDE = 75;

    /** Language, then optional subtags: also keeps anything that looks like an option off the command line. */
    private static final Pattern LANGUAGE = Pattern.compile("[a-z]{2,3}(-[a-z0-9]{1,8})*");
    /** espeak-ng reads "[[...]]" as phoneme codes, not words; a space between the brackets makes them plain text. */
    private static final Pattern PHONEME_OPENING = Pattern.compile("\\[(?=\\[)");
    private static final String NO_SUCH_VOICE = "voice does not exist";

    private static final Logger log = LoggerFactory.getLogger(EspeakSpeechEngine.class);

    private final String executable;
    private final Duration timeout;

    /** espeak-ng from the PATH, {@link #DEFAULT_TIMEOUT}. */
    public EspeakSpeechEngine() {
        this(DEFAULT_EXECUTABLE, DEFAULT_TIMEOUT);
    }

    /** @param executable a program name looked up on the PATH, or a path to the program */
    public EspeakSpeechEngine(String executable, Duration timeout) {
        this.executable = Objects.requireNonNull(executable, "executable");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout " + timeout + " is not positive");
        }
    }

    @Override
    public Path speak(String text, String language, Path outputDir) throws SpeechException {
        String words = checkedText(text);
        String voice = checkedVoice(language);
        Path wav = createOutput(outputDir);
        Path errors = wav.resolveSibling(wav.getFileName() + ".log");
        boolean done = false;
        try {
            long started = System.nanoTime();
            run(words, voice, wav, errors);
            AudioInfo info = checkedOutput(wav);
            log.info("Spoke {} characters of '{}' text into {} ({} ms of audio) in {} ms.", words.length(), voice,
                    wav, info.duration().toMillis(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
            done = true;
            return wav;
        } finally {
            deleteQuietly(errors);
            if (!done) {
                deleteQuietly(wav);
            }
        }
    }

    private static String checkedText(String text) throws SpeechException {
        Objects.requireNonNull(text, "text");
        // Composed form: the same Vietnamese letters typed on another keyboard (decomposed
        // diacritics) count and sound the same.
        String composed = Normalizer.normalize(text, Normalizer.Form.NFC).strip();
        if (composed.codePoints().noneMatch(Character::isLetterOrDigit)) {
            throw new SpeechException(SpeechException.Problem.EMPTY_TEXT, composed.isEmpty()
                    ? "The text to speak is empty."
                    : "The text to speak has no letters or digits, only \"" + composed + "\": there is nothing to say.");
        }
        int length = composed.codePointCount(0, composed.length());
        if (length > MAX_CHARACTERS) {
            throw new SpeechException(SpeechException.Problem.TEXT_TOO_LONG, "The text to speak has " + length
                    + " characters; at most " + MAX_CHARACTERS + " (about two and a half minutes of speech) are accepted.");
        }
        return PHONEME_OPENING.matcher(composed).replaceAll("[ ");
    }

    private static String checkedVoice(String language) throws SpeechException {
        Objects.requireNonNull(language, "language");
        String voice = language.strip().toLowerCase(Locale.ROOT);
        if (!LANGUAGE.matcher(voice).matches()) {
            throw new SpeechException(SpeechException.Problem.NO_VOICE,
                    "'" + language + "' is not a language tag such as vi, en or vi-vn-x-south.");
        }
        return voice;
    }

    private static Path createOutput(Path outputDir) throws SpeechException {
        try {
            return Files.createTempFile(outputDir, "speech-", ".wav").toAbsolutePath();
        } catch (NoSuchFileException e) {
            throw new SpeechException(SpeechException.Problem.FAILED,
                    "Cannot create a speech file in " + outputDir + ": the folder does not exist.", e);
        } catch (IOException e) {
            throw new SpeechException(SpeechException.Problem.FAILED,
                    "Cannot create a speech file in " + outputDir + ": " + e.getMessage(), e);
        }
    }

    private void run(String words, String voice, Path wav, Path errors) throws SpeechException {
        List<String> command = List.of(executable, "-v", voice, "-s", String.valueOf(WORDS_PER_MINUTE),
                "-g", String.valueOf(WORD_GAP_10MS), "-p", String.valueOf(PITCH), "-a", String.valueOf(AMPLITUDE),
                "-b", "1", // the text on stdin is UTF-8
                "-w", wav.toString(), "--stdin");
        Process process;
        try {
            process = new ProcessBuilder(command)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    // To a file rather than a pipe: nothing has to drain it while we wait.
                    .redirectError(errors.toFile())
                    .start();
        } catch (IOException e) {
            throw new SpeechException(SpeechException.Problem.NOT_INSTALLED, "espeak-ng is not installed: " + INSTALL
                    + " (running '" + executable + "' failed: " + e.getMessage() + ")", e);
        }
        try {
            // At most 2,000 characters: far less than a pipe buffer, so this never waits on the reader.
            try (OutputStream stdin = process.getOutputStream()) {
                stdin.write(words.getBytes(StandardCharsets.UTF_8));
            }
            if (!process.waitFor(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
                throw new SpeechException(SpeechException.Problem.FAILED, "espeak-ng did not finish speaking "
                        + words.length() + " characters within " + timeout.toMillis() + " ms and was stopped.");
            }
        } catch (IOException e) {
            throw new SpeechException(SpeechException.Problem.FAILED,
                    "espeak-ng stopped reading the text: " + e.getMessage() + stderrOf(errors), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SpeechException(SpeechException.Problem.FAILED, "Speaking was interrupted.", e);
        } finally {
            stop(process);
        }
        if (process.exitValue() != 0) {
            String stderr = stderrOf(errors);
            if (stderr.contains(NO_SUCH_VOICE)) {
                throw new SpeechException(SpeechException.Problem.NO_VOICE, "espeak-ng has no voice for '" + voice
                        + "' (the languages it has are listed by: espeak-ng --voices)");
            }
            throw new SpeechException(SpeechException.Problem.FAILED,
                    "espeak-ng failed with exit code " + process.exitValue() + stderr);
        }
    }

    /** The WAV must decode in full with the same decoder the stations use, in the format promised. */
    private static AudioInfo checkedOutput(Path wav) throws SpeechException {
        AudioInfo info;
        try {
            info = AudioProbe.probe(wav);
        } catch (AudioContentException e) {
            throw new SpeechException(SpeechException.Problem.FAILED,
                    "espeak-ng wrote audio that does not decode: " + e.getMessage(), e);
        }
        if (!info.format().equals(OUTPUT_FORMAT) || info.duration().isZero()) {
            throw new SpeechException(SpeechException.Problem.FAILED, "espeak-ng wrote " + info.duration().toMillis()
                    + " ms of " + info.format() + " audio; expected speech in " + OUTPUT_FORMAT + ".");
        }
        return info;
    }

    /** Killed and waited for, so that it no longer writes into a file about to be deleted. */
    private static void stop(Process process) {
        if (!process.isAlive()) {
            return;
        }
        process.destroyForcibly();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                log.warn("espeak-ng (pid {}) did not end within 5 s of being killed.", process.pid());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String stderrOf(Path errors) {
        try {
            String text = Files.readString(errors, StandardCharsets.UTF_8).strip();
            return text.isEmpty() ? "" : ": " + text;
        } catch (IOException e) {
            return " (its error output could not be read: " + e.getMessage() + ")";
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            log.warn("Could not delete {}: {}.", file, e.getMessage());
        }
    }
}
