package vn.loalang.audio.speech;

import java.util.Objects;

/**
 * Text that could not be spoken, with a message a technician can act on. {@link #problem()} tells
 * the caller whose mistake it was: the text and language come from the person typing the alert,
 * a missing or failing synthesiser is the server's.
 */
public final class SpeechException extends Exception {

    public enum Problem {
        /** The text is empty, blank or holds nothing pronounceable (only punctuation). */
        EMPTY_TEXT,
        /** The text is longer than the engine accepts. */
        TEXT_TOO_LONG,
        /** The language is not a language tag, or the synthesiser has no voice for it. */
        NO_VOICE,
        /** The synthesiser is not installed where the engine looks for it. */
        NOT_INSTALLED,
        /** The synthesiser failed, timed out, or wrote audio that does not decode; or the output folder is unusable. */
        FAILED
    }

    private final Problem problem;

    public SpeechException(Problem problem, String message) {
        this(problem, message, null);
    }

    public SpeechException(Problem problem, String message, Throwable cause) {
        super(message, cause);
        this.problem = Objects.requireNonNull(problem, "problem");
    }

    public Problem problem() {
        return problem;
    }
}
