package vn.loalang.controller.bulletin;

import vn.loalang.audio.speech.EspeakSpeechEngine;
import vn.loalang.audio.speech.SpeechEngine;
import vn.loalang.audio.speech.SpeechException;

import javax.sound.sampled.AudioFileFormat;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;
import javax.sound.sampled.UnsupportedAudioFileException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A bulletin's reading spoken into one WAV: the speech engine takes at most {@link EspeakSpeechEngine#MAX_CHARACTERS}
 * at a time, and a price list read out in words is longer, so the reading is spoken sentence group by sentence
 * group and the parts joined (same engine, same format).
 */
final class BulletinSpeech {
    private final SpeechEngine engine;

    BulletinSpeech(SpeechEngine engine) {
        this.engine = engine;
    }

    /** A new WAV file in {@code dir}, the caller's to delete. */
    Path speak(String reading, Path dir) throws SpeechException, IOException {
        Files.createDirectories(dir);
        List<Path> parts = new ArrayList<>();
        try {
            for (String chunk : chunks(reading, EspeakSpeechEngine.MAX_CHARACTERS)) {
                parts.add(engine.speak(chunk, "vi", dir));
            }
            if (parts.size() == 1) {
                Path only = parts.get(0);
                parts.clear();
                return only;
            }
            return join(parts, dir);
        } finally {
            for (Path p : parts) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** Sentences packed into pieces of at most {@code max} characters; a longer sentence is cut at a comma or space. */
    static List<String> chunks(String text, int max) {
        List<String> out = new ArrayList<>();
        StringBuilder piece = new StringBuilder();
        for (String sentence : text.strip().split("(?<=[.!?])\\s+")) {
            for (String part : split(sentence, max)) {
                if (piece.length() > 0 && piece.length() + 1 + part.length() > max) {
                    out.add(piece.toString());
                    piece.setLength(0);
                }
                piece.append(piece.length() > 0 ? " " : "").append(part);
            }
        }
        if (piece.length() > 0) {
            out.add(piece.toString());
        }
        return out;
    }

    private static List<String> split(String sentence, int max) {
        List<String> out = new ArrayList<>();
        String rest = sentence;
        while (rest.length() > max) {
            int cut = Math.max(rest.lastIndexOf(", ", max), rest.lastIndexOf(' ', max));
            cut = cut <= 0 ? max : cut + 1;
            out.add(rest.substring(0, cut).strip());
            rest = rest.substring(cut).strip();
        }
        out.add(rest);
        return out;
    }

    private static Path join(List<Path> parts, Path dir) throws IOException {
        ByteArrayOutputStream pcm = new ByteArrayOutputStream();
        javax.sound.sampled.AudioFormat format = null;
        long frames = 0;
        for (Path p : parts) {
            try (AudioInputStream in = AudioSystem.getAudioInputStream(p.toFile())) {
                if (format == null) {
                    format = in.getFormat();
                } else if (!format.matches(in.getFormat())) {
                    throw new IOException("the speech engine's parts differ in format: " + format + ", " + in.getFormat());
                }
                pcm.writeBytes(in.readAllBytes());
                frames = pcm.size() / format.getFrameSize();
            } catch (UnsupportedAudioFileException e) {
                throw new IOException("the speech engine's part " + p + " is not a WAV file", e);
            }
        }
        Path out = Files.createTempFile(dir, "bulletin-", ".wav");
        try (AudioInputStream all = new AudioInputStream(new ByteArrayInputStream(pcm.toByteArray()), format, frames)) {
            AudioSystem.write(all, AudioFileFormat.Type.WAVE, out.toFile());
        }
        return out;
    }
}
