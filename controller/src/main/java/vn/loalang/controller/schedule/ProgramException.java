package vn.loalang.controller.schedule;

import java.util.List;

/** A program that cannot become schedules, with every problem found (not just the first). */
public final class ProgramException extends Exception {
    private final List<String> problems;

    public ProgramException(List<String> problems) {
        super("the program cannot be published (" + problems.size() + " problem(s)):\n  - "
                + String.join("\n  - ", problems));
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}
