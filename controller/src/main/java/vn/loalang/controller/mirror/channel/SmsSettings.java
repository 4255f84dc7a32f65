package vn.loalang.controller.mirror.channel;

import vn.loalang.controller.mirror.ChannelConfig;

/**
 * How an SMS channel writes its texts: {@code unicode} ("true": with diacritics, 70 characters a segment; default
 * "false": without, 160) and {@code maxSegments} (1 to 5, default 3: an alert, its instruction and the link fit in
 * three segments without diacritics; each segment is paid).
 */
record SmsSettings(boolean unicode, int maxSegments) {
    static SmsSettings of(ChannelConfig config) {
        String u = config.setting("unicode", "false").trim();
        if (!u.equals("true") && !u.equals("false")) {
            throw new IllegalArgumentException("unicode of channel " + config.id() + " is true or false, not " + u);
        }
        String m = config.setting("maxSegments", "3").trim();
        int segments;
        try {
            segments = Integer.parseInt(m);
        } catch (NumberFormatException e) {
            segments = -1;
        }
        if (segments < 1 || segments > 5) {
            throw new IllegalArgumentException("maxSegments of channel " + config.id() + " is 1 to 5, not " + m);
        }
        return new SmsSettings(u.equals("true"), segments);
    }
}
