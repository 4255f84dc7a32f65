package vn.loalang.controller.content;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The short name of what an upload was before it was converted ("M4A", "AMR", "MP2"…), for the
 * console's "chuyển từ M4A / converted from M4A": read from the file's first bytes, since a phone's
 * file name says little (an MP2 is often named {@code .mp3}); the name's extension when they say nothing.
 */
final class OriginalFormat {
    private OriginalFormat() {
    }

    static String of(Path file) {
        byte[] b;
        try (InputStream in = Files.newInputStream(file)) {
            b = in.readNBytes(16);
        } catch (IOException e) {
            b = new byte[0];
        }
        if (ascii(b, 0, "OggS")) {
            return "Ogg";
        }
        if (ascii(b, 4, "ftyp")) {
            return ascii(b, 8, "3g") ? "3GP" : "M4A";
        }
        if (ascii(b, 0, "#!AMR-WB")) {
            return "AMR-WB";
        }
        if (ascii(b, 0, "#!AMR")) {
            return "AMR";
        }
        if (ascii(b, 0, "RIFF") || ascii(b, 0, "RF64")) {
            return "WAV";
        }
        if (ascii(b, 0, "fLaC")) {
            return "FLAC";
        }
        if (ascii(b, 0, "FORM")) {
            return "AIFF";
        }
        if (ascii(b, 0, "caff")) {
            return "CAF";
        }
        if (b.length >= 4 && (b[0] & 0xff) == 0x30 && (b[1] & 0xff) == 0x26 && (b[2] & 0xff) == 0xb2) {
            return "WMA";
        }
        if (b.length >= 2 && (b[0] & 0xff) == 0xff && (b[1] & 0xe0) == 0xe0) {
            int layer = (b[1] >> 1) & 0x3; // 3: layer I, 2: layer II, 1: layer III; 0 with ADTS (AAC)
            return switch (layer) {
                case 0 -> "AAC";
                case 1 -> "MP3";
                case 2 -> "MP2";
                default -> "MP1";
            };
        }
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot > 0 && dot < name.length() - 1 ? name.substring(dot + 1).toUpperCase(Locale.ROOT) : "?";
    }

    private static boolean ascii(byte[] b, int at, String text) {
        byte[] t = text.getBytes(StandardCharsets.US_ASCII);
        if (b.length < at + t.length) {
            return false;
        }
        for (int i = 0; i < t.length; i++) {
            if (b[at + i] != t[i]) {
                return false;
            }
        }
        return true;
    }
}
