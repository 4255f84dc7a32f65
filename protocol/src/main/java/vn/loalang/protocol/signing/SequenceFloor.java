package vn.loalang.protocol.signing;

/**
 * Where a signer keeps, across restarts, a sequence number no message it signed has exceeded: a
 * station refuses any sequence at or below the last it accepted on a topic, so after a restart the
 * signer must start above everything it ever sent, whatever the clock says by then.
 */
public interface SequenceFloor {
    /** The highest value ever {@link #raise raised} to, or 0 the first time. */
    long read();

    /**
     * Keeps {@code atLeast} as the floor, unless a higher one is kept already. Called before the
     * message is signed with a sequence up to that value; a store that fails says so in its log and
     * returns normally: an alert must go out even when the disk is full (the floor is then behind
     * until the next successful raise, which matters only if the clock is also set back before then).
     */
    void raise(long atLeast);

    /** Kept in memory only: sequences still increase within one run, as they always did. */
    static SequenceFloor inMemory() {
        return new SequenceFloor() {
            private long floor;

            @Override
            public synchronized long read() {
                return floor;
            }

            @Override
            public synchronized void raise(long atLeast) {
                floor = Math.max(floor, atLeast);
            }
        };
    }
}
