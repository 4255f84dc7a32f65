package vn.loalang.audio;

import java.nio.file.Path;
import java.util.Objects;

/** A file that cannot be used as broadcast audio, with a message a technician can act on. */
public final class AudioContentException extends Exception {

    public enum Problem {
        /** The file has no bytes at all. */
        EMPTY,
        /** The bytes are not audio (random data, a web page, only a tag). */
        NOT_AUDIO,
        /** Audio that stops before its own header says it should: a cut upload or download. */
        TRUNCATED,
        /** Real audio, but in a format or variant this software does not play. */
        UNSUPPORTED_FORMAT,
        /**
         * Audio this software plays, but named for another format it plays (a WAV saved as {@code .mp3}):
         * a sign that it is the wrong recording, so it is never converted nor kept without a word.
         */
        MISLABELLED,
        /** The file could not be read at all (missing, permissions, I/O error). */
        UNREADABLE
    }

    private final Problem problem;
    private final transient Path file;

    public AudioContentException(Problem problem, Path file, String message) {
        this(problem, file, message, null);
    }

    public AudioContentException(Problem problem, Path file, String message, Throwable cause) {
        super(message, cause);
        this.problem = Objects.requireNonNull(problem, "problem");
        this.file = file;
    }

    public Problem problem() {
        return problem;
    }

    /** The file concerned, or null when the problem is not about a file. */
    public Path file() {
        return file;
    }
}
