package vn.loalang.controller.bulletin;

import java.util.List;

/**
 * A price table as read from a file or a feed: the lines that could be read, and what is wrong with the others.
 * A table with problems is refused whole: half a price list read on the air misleads more than none.
 */
public record TableRead(PriceTable table, List<TableProblem> problems) {
    public TableRead {
        problems = List.copyOf(problems);
    }

    public boolean ok() {
        return problems.isEmpty() && table != null && !table.rows().isEmpty();
    }

    /** The problems as the API lists them. */
    public List<String> texts() {
        return problems.stream().map(TableProblem::text).toList();
    }
}
