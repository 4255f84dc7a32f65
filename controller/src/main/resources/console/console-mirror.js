"use strict";
// Issue 19 (WP7): the chat and SMS mirror's page (PAGES.channels): the menu entry and the words the village head's
// alert page shares (a message's state). The page itself (console-mirror-pages.js) loads on first use, so the
// first page a phone loads stays light.
words({
  navChannels: "Kênh nhắn tin", mirTitle: "Tin nhắn Zalo, Telegram, SMS", mirPENDING: "Đang chờ gửi",
  mirSENDING: "Đang gửi", mirSENT: "Đã gửi", mirDELIVERED: "Đã đến máy", mirFAILED: "Không gửi được",
  mirCANCELLED: "Đã hủy", mirSKIPPED: "Bỏ qua"
}, {
  navChannels: "Chat and SMS", mirTitle: "Zalo, Telegram and SMS messages", mirPENDING: "Waiting",
  mirSENDING: "Sending", mirSENT: "Sent", mirDELIVERED: "Delivered", mirFAILED: "Failed", mirCANCELLED: "Cancelled",
  mirSKIPPED: "Skipped"
});

/** A mirror message's state as a badge, in words (Vietnamese first). */
function mirrorBadge(state) {
  return el("span", { class: "badge m-" + state }, t("mir" + state));
}

/** An alert's chat and SMS messages (GET /api/alerts/{id} → mirror), for the alert's status page. */
function mirrorList(items) {
  if (!items || !items.length) return "";
  return el("section", { id: "alert-mirror" }, el("h2", {}, t("mirTitle")), el("ul", { class: "mirror-list" },
    items.map(m => el("li", {}, mirrorBadge(m.state), " " + (m.channel || "") + " → " + (m.target || "—"),
      m.sentAt ? " · " + when(m.sentAt, true) : "", m.lastError ? el("span", { class: "muted" }, " · " + m.lastError) : ""))));
}

PAGES.channels = {
  roles: ["ADMIN", "OPERATOR", "TECHNICIAN"], menu: "navChannels",
  async render(args) {
    if (typeof channelsRender !== "function") {
      await new Promise((loaded, failed) => document.head.append(el("script", { src: "/console-mirror-pages.js",
        onload: loaded, onerror: () => failed(new Error("/console-mirror-pages.js")) })));
    }
    return channelsRender(args);
  }
};
