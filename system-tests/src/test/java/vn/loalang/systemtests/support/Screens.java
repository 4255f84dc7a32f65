package vn.loalang.systemtests.support;

import org.openqa.selenium.Dimension;

/** The two screens the console is checked on (issue 18): a small phone and an office laptop. */
public final class Screens {
    /** A small Android phone, in CSS pixels: the narrowest screen a village head or an operator uses. */
    public static final Dimension PHONE = new Dimension(360, 740);
    /** The commune office's laptop. */
    public static final Dimension DESKTOP = new Dimension(1280, 800);

    private Screens() {
    }
}
