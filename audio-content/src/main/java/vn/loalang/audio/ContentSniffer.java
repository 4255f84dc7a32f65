package vn.loalang.audio;

import java.nio.file.Path;

import static vn.loalang.audio.AudioContentException.Problem.NOT_AUDIO;
import static vn.loalang.audio.AudioContentException.Problem.UNSUPPORTED_FORMAT;

/**
 * Names what a file is when it is neither WAV nor MP3, so the technician reads "this is an HTML
 * page" (a failed download saved under the expected name) instead of a bare "unsupported".
 */
final class ContentSniffer {

    private ContentSniffer() {
    }

    static AudioContentException notMp3(Path file, byte[] head, long tagBytes, long fileSize) {
        String name = FileBytes.name(file);
        if (tagBytes > 0 && tagBytes >= fileSize) {
            return new AudioContentException(NOT_AUDIO, file, name + " holds only an ID3 tag (" + tagBytes
                    + " bytes of title/artist information) and no audio");
        }
        String other = otherAudioFormat(head);
        if (other != null) {
            // Only what it is: the library says what happens next (it converts it, or says how to install the converter).
            return new AudioContentException(UNSUPPORTED_FORMAT, file, name + " is " + other + ", not MP3 or WAV");
        }
        if (looksLikeText(head)) {
            String start = new String(head, 0, Math.min(head.length, 40), java.nio.charset.StandardCharsets.UTF_8)
                    .replaceAll("\\s+", " ").trim();
            return new AudioContentException(NOT_AUDIO, file, name + " is text, not audio (it starts with \"" + start
                    + "\"; perhaps an error page was saved instead of the recording)");
        }
        String where = tagBytes > 0 ? " after its " + tagBytes + "-byte ID3 tag" : "";
        return new AudioContentException(NOT_AUDIO, file, name + " is not audio: no MP3 frames and no WAV header found"
                + where + " (" + fileSize + " bytes of unrecognised data)");
    }

    private static String otherAudioFormat(byte[] b) {
        if (FileBytes.ascii(b, 0, "OggS")) {
            return "an Ogg file (Vorbis or Opus)";
        }
        if (FileBytes.ascii(b, 0, "fLaC")) {
            return "a FLAC file";
        }
        if (FileBytes.ascii(b, 4, "ftyp")) {
            return "an MP4/M4A file (AAC)";
        }
        if (FileBytes.ascii(b, 0, "FORM") && (FileBytes.ascii(b, 8, "AIFF") || FileBytes.ascii(b, 8, "AIFC"))) {
            return "an AIFF file";
        }
        if (FileBytes.ascii(b, 0, "RIFF") || FileBytes.ascii(b, 0, "RIFX") || FileBytes.ascii(b, 0, "RF64")) {
            return "a RIFF file that is not a playable WAV";
        }
        if (b.length >= 4 && (b[0] & 0xff) == 0x30 && (b[1] & 0xff) == 0x26 && (b[2] & 0xff) == 0xb2
                && (b[3] & 0xff) == 0x75) {
            return "a Windows Media (WMA/ASF) file";
        }
        if (FileBytes.ascii(b, 0, "caff")) {
            return "a Core Audio (CAF) file";
        }
        if (FileBytes.ascii(b, 0, "#!AMR")) {
            return "an AMR voice recording";
        }
        if (b.length >= 2 && (b[0] & 0xff) == 0xff && (b[1] & 0xf6) == 0xf0) {
            return "an AAC (ADTS) stream";
        }
        return null;
    }

    private static boolean looksLikeText(byte[] b) {
        int n = Math.min(b.length, 512);
        if (n == 0) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            int c = b[i] & 0xff;
            if (c < 0x09 || (c > 0x0d && c < 0x20) || c == 0x7f) {
                return false;
            }
        }
        return true;
    }
}
