package vn.loalang.audio.speech;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.Normalizer;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vn.loalang.audio.AudioDecoder;
import vn.loalang.audio.AudioInfo;
import vn.loalang.audio.AudioProbe;
import vn.loalang.audio.Pcm;
import vn.loalang.audio.PcmFormat;
import vn.loalang.audio.analysis.PcmAnalysis;

/**
 * Runs the real espeak-ng. When it is not installed every test that speaks fails with
 * "espeak-ng is not installed: apt-get install -y espeak-ng" ({@code ./loalang test} installs it
 * when run as root): speech is never skipped.
 */
class EspeakSpeechEngineTest {

    static final String FLOOD = "Thông báo khẩn: nước lũ đang lên, bà con di chuyển lên chỗ cao ngay.";

    private final SpeechEngine engine = new EspeakSpeechEngine();

    @TempDir
    Path dir;

    @Test
    void vietnameseWarningBecomesSpeechOfPlausibleLength() throws Exception {
        Path wav = engine.speak(FLOOD, "vi", dir);

        assertEquals(List.of(wav), files(), "the WAV alone: espeak-ng's error log is removed");
        AudioInfo info = AudioProbe.probe(wav);
        assertEquals(new PcmFormat(22050, 1), info.format());
        // 15 syllables at 140 words a minute with pauses at the colon and the comma: 5.9 s here.
        assertBetween(4.0, 9.0, seconds(info.duration()));
        assertSpeech(AudioDecoder.decodeAll(wav));
    }

    @Test
    void englishToo() throws Exception {
        Pcm pcm = AudioDecoder.decodeAll(engine.speak("Emergency announcement: please move to high ground now.", "en", dir));
        assertBetween(2.5, 7.0, seconds(pcm.duration()));
        assertSpeech(pcm);
    }

    /** No shell ever sees the text: what looks like commands is read out, and nothing runs. */
    @Test
    void quotesAndShellSyntaxAreSpokenLiterallyAndRunNothing() throws Exception {
        Path precious = Files.writeString(dir.resolve("precious.txt"), "keep me");
        Path canary = dir.resolve("canary");
        // GNU rm refuses "/" without --no-preserve-root; the contained commands are the ones that would show.
        String hostile = "Anh Ba nói \"đi ngay\" rồi 'ở lại' $(rm -rf /) $(rm -f " + precious + ") `touch " + canary
                + "`; touch " + canary + " && echo xong";
        Path wav = engine.speak(hostile, "vi", dir);

        assertTrue(Files.exists(precious));
        assertFalse(Files.exists(canary));
        double all = seconds(AudioProbe.probe(wav).duration());
        double wordsOnly = seconds(AudioProbe.probe(engine.speak("Anh Ba nói đi ngay rồi ở lại", "vi", dir)).duration());
        assertTrue(all > wordsOnly + 5, "the commands are read out too: " + all + " s against " + wordsOnly + " s for the words");
    }

    /** espeak-ng would read "[[...]]" as phoneme codes (about 1 s here); as text its letters are spelt out. */
    @Test
    void doubleBracketsAreTextNotPhonemeCodes() throws Exception {
        double spelt = seconds(AudioProbe.probe(engine.speak("[[h@loU w3:ld]]", "vi", dir)).duration());
        assertTrue(spelt > 2.0, "spoken as letters, not as the phonemes of 'hello world': " + spelt + " s");
    }

    /** The limit and the reason given for it: 2,000 characters are about two and a half minutes. */
    @Test
    void longestAcceptedTextIsAboutTwoAndAHalfMinutes() throws Exception {
        String longest = longText(EspeakSpeechEngine.MAX_CHARACTERS);
        // Decomposed diacritics (another keyboard) count as the composed letters they are.
        String decomposed = Normalizer.normalize(longest, Normalizer.Form.NFD);
        assertTrue(decomposed.length() > EspeakSpeechEngine.MAX_CHARACTERS);

        double minutes = seconds(AudioProbe.probe(engine.speak(decomposed, "vi", dir)).duration()) / 60;
        assertBetween(2.0, 3.5, minutes);

        SpeechException e = assertThrows(SpeechException.class,
                () -> engine.speak(longText(EspeakSpeechEngine.MAX_CHARACTERS + 1), "vi", dir));
        assertEquals(SpeechException.Problem.TEXT_TOO_LONG, e.problem());
        assertEquals("The text to speak has 2001 characters; at most 2000 (about two and a half minutes of speech) are accepted.",
                e.getMessage());
    }

    @Test
    void emptyTextOrOnlyPunctuationIsRefused() throws IOException {
        for (String text : List.of("", "  \n\t", "... !!! ?")) {
            SpeechException e = assertThrows(SpeechException.class, () -> engine.speak(text, "vi", dir));
            assertEquals(SpeechException.Problem.EMPTY_TEXT, e.problem(), text);
        }
        assertEquals(List.of(), files());
    }

    @Test
    void languageWithoutVoiceIsRefused() throws IOException {
        SpeechException e = assertThrows(SpeechException.class, () -> engine.speak(FLOOD, "xx", dir));
        assertEquals(SpeechException.Problem.NO_VOICE, e.problem(), e.getMessage());
        assertEquals("espeak-ng has no voice for 'xx' (the languages it has are listed by: espeak-ng --voices)", e.getMessage());

        SpeechException option = assertThrows(SpeechException.class, () -> engine.speak(FLOOD, "-w /etc/passwd", dir));
        assertEquals(SpeechException.Problem.NO_VOICE, option.problem(), option.getMessage());
        assertEquals("'-w /etc/passwd' is not a language tag such as vi, en or vi-vn-x-south.", option.getMessage());
        assertEquals(List.of(), files(), "no half-made WAV is left behind");
    }

    @Test
    void missingProgramSaysHowToInstallIt() throws IOException {
        String absent = dir.resolve("not-here/espeak-ng").toString();
        SpeechEngine missing = new EspeakSpeechEngine(absent, EspeakSpeechEngine.DEFAULT_TIMEOUT);

        SpeechException e = assertThrows(SpeechException.class, () -> missing.speak(FLOOD, "vi", dir));
        assertEquals(SpeechException.Problem.NOT_INSTALLED, e.problem());
        assertTrue(e.getMessage().startsWith("espeak-ng is not installed: apt-get install -y espeak-ng (running '"
                + absent + "' failed: "), e.getMessage());
        assertEquals(List.of(), files());
    }

    /** 2,000 characters take espeak-ng about 0.16 s: it cannot be done within 1 ms. */
    @Test
    void processThatOverrunsItsTimeoutIsStoppedAndLeavesNothing() throws IOException {
        SpeechEngine hasty = new EspeakSpeechEngine(EspeakSpeechEngine.DEFAULT_EXECUTABLE, Duration.ofMillis(1));

        SpeechException e = assertThrows(SpeechException.class,
                () -> hasty.speak(longText(EspeakSpeechEngine.MAX_CHARACTERS), "vi", dir));
        assertEquals(SpeechException.Problem.FAILED, e.problem(), e.getMessage());
        assertEquals("espeak-ng did not finish speaking 2000 characters within 1 ms and was stopped.", e.getMessage());
        assertEquals(List.of(), files());
    }

    @Test
    void missingOutputFolderIsNamed() {
        Path nowhere = dir.resolve("nowhere");
        SpeechException e = assertThrows(SpeechException.class, () -> engine.speak(FLOOD, "vi", nowhere));
        assertEquals(SpeechException.Problem.FAILED, e.problem());
        assertEquals("Cannot create a speech file in " + nowhere + ": the folder does not exist.", e.getMessage());
    }

    /**
     * Speech, not silence nor a steady tone: loud enough, sound most of the time, and broken into
     * several runs by the pauses between phrases.
     */
    static void assertSpeech(Pcm pcm) {
        assertTrue(PcmAnalysis.rmsDbfs(pcm, 0, pcm.frames()) > -30, "speech level");
        List<PcmAnalysis.Segment> runs = PcmAnalysis.soundSegments(pcm, -45, Duration.ofMillis(50));
        long sounding = runs.stream().mapToLong(s -> s.toFrame() - s.fromFrame()).sum();
        assertTrue(sounding > 0.6 * pcm.frames(), "sound most of the time: " + runs);
        assertTrue(runs.size() >= 2, "pauses between phrases: " + runs);
    }

    static double seconds(Duration d) {
        return d.toMillis() / 1000.0;
    }

    static void assertBetween(double low, double high, double actual) {
        assertTrue(actual >= low && actual <= high, actual + " is outside " + low + ".." + high);
    }

    private static String longText(int characters) {
        StringBuilder text = new StringBuilder();
        while (text.length() < characters) {
            text.append(FLOOD).append(' ');
        }
        return text.substring(0, characters - 1) + "y";
    }

    private List<Path> files() throws IOException {
        try (Stream<Path> listing = Files.list(dir)) {
            return listing.filter(p -> !p.getFileName().toString().equals("precious.txt")).sorted().toList();
        }
    }
}
