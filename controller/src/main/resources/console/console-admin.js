"use strict";
// Administration (issue 18, WP2): the menu entry only. Its pages (console-admin-pages.js, ~27 KB) load on
// first use, so that the first page a phone loads stays light (plan 18 §4 item 11).
words({ navAdmin: "Quản trị" }, { navAdmin: "Administration" });

PAGES.admin = {
  roles: ["ADMIN", "TECHNICIAN"], menu: "navAdmin",
  async render(args) {
    if (typeof adminRender !== "function") {
      await new Promise((loaded, failed) => document.head.append(el("script", { src: "/console-admin-pages.js",
        onload: loaded, onerror: () => failed(new Error("/console-admin-pages.js")) })));
    }
    return adminRender(args);
  }
};
