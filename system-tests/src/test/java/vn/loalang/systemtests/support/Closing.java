package vn.loalang.systemtests.support;

/** What a test started, stopped in the order given; parts never started (null) are passed over. */
public final class Closing {
    private Closing() {
    }

    public static void inOrder(AutoCloseable... parts) throws Exception {
        for (AutoCloseable c : parts) {
            if (c != null) {
                c.close();
            }
        }
    }
}
