"use strict";
// Issue 19, WP4: the market-prices bulletin (PAGES.bulletin): the menu entry only. The page itself
// (console-bulletin-page.js) loads on first use, so that the first page a phone loads stays light.
// bulEntry: how a session's {"latestBulletin": "gia-ca"} reads in the program editor (console-relay.js).
words({ navBulletin: "Bản tin giá cả", bulEntry: "Bản tin trong ngày" },
  { navBulletin: "Price bulletin", bulEntry: "The day's bulletin" });

PAGES.bulletin = {
  roles: ["ADMIN", "OPERATOR"], menu: "navBulletin",
  async render(args) {
    if (typeof bulletinRender !== "function") {
      await new Promise((loaded, failed) => document.head.append(el("script", { src: "/console-bulletin-page.js",
        onload: loaded, onerror: () => failed(new Error("/console-bulletin-page.js")) })));
    }
    return bulletinRender(args);
  }
};
