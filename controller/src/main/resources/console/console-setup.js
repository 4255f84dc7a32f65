"use strict";
// First start (issue 18): the login page's hint while the commune is to be set up, and the way to the wizard
// (console-setup-wizard.js), fetched only then: a running commune's pages never carry it.
words({ setLoginHint: "Lần chạy đầu: đăng nhập bằng admin và mật khẩu in trên màn hình máy chủ." },
  { setLoginHint: "First start: log in as admin with the password printed on the server's screen." });

ORDER.push("setup"); // no menu entry: reached from the first start only

function setupWizardLoaded() {
  if (typeof firstStartNow === "function") return Promise.resolve();
  return new Promise((loaded, failed) => document.head.append(el("script", { src: "/console-setup-wizard.js",
    onload: loaded, onerror: () => failed(new Error("console-setup-wizard.js")) })));
}

/** From start() while the server is the setup server (GET /api/setup says needed or starting). */
function firstStart(state) {
  setupWizardLoaded().then(() => firstStartNow(state))
    .catch(e => show(el("p", { class: "error", role: "alert" }, t("failed") + ": " + e.message)));
}

/** #/setup/station on the running controller: the first station and its install bundle. */
PAGES.setup = {
  roles: ["ADMIN"], menu: null,
  async render() { await setupWizardLoaded(); return firstStation(); }
};

// A first start's login page says which password opens it.
window.addEventListener("DOMContentLoaded", async () => {
  if (sessionStorage.getItem("loalang.token")) return;
  const state = await fetch("/api/setup").then(r => r.ok ? r.json() : null).catch(() => null);
  const form = document.querySelector("#view form");
  if (state && state.needed && form && !App.user) {
    form.insertBefore(el("p", { class: "card", id: "setup-hint" }, t("setLoginHint")), form.children[1]);
  }
});
