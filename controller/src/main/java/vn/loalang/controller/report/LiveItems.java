package vn.loalang.controller.report;

import vn.loalang.protocol.schedule.LiveChannelId;

/** Which planned items are relays: the compiler names a relay's item after its channel ({@code relay-vov1}). */
final class LiveItems {
    private LiveItems() {
    }

    static boolean isRelay(String contentId) {
        return contentId != null && contentId.startsWith(LiveChannelId.RELAY_PREFIX);
    }
}
