package vn.loalang.agent.playout;

/** Where in a program the line stopped: the item, and how many of its frames had been heard. */
public record Position(int item, long frames) {
    public static final Position START = new Position(0, 0);

    public Position {
        if (item < 0 || frames < 0) {
            throw new IllegalArgumentException("position " + item + "/" + frames);
        }
    }

    public boolean atStart() {
        return item == 0 && frames == 0;
    }
}
