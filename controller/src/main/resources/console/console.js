"use strict";
// The console's core: words in two languages, the API with the user's token, server-sent events,
// the pages by role. Each role's pages are in console-<role>.js and register themselves in PAGES.
const WORDS = {
  vi: {
    skip: "Bỏ qua, đến nội dung chính", logout: "Đăng xuất", login: "Đăng nhập", username: "Tên đăng nhập",
    password: "Mật khẩu", loginTitle: "Đăng nhập đài truyền thanh xã", other: "English",
    navEmergency: "Cảnh báo khẩn", navStations: "Cụm loa", navCalendar: "Lịch phát", navLibrary: "Thư viện",
    navReports: "Báo cáo", loading: "Đang tải…", saved: "Đã lưu", failed: "Không thực hiện được",
    roleVILLAGE_HEAD: "Trưởng thôn", roleOPERATOR: "Cán bộ đài", roleTECHNICIAN: "Kỹ thuật viên", roleADMIN: "Quản trị",
    OK: "Tốt", DEGRADED: "Có lỗi", OFFLINE: "Mất kết nối", PENDING: "Đã gửi", RECEIVED: "Đã nhận",
    RELAY_ON: "Đã bật loa", PLAYING: "Đang phát", COMPLETED: "Đã phát xong", FAILED: "Lỗi", CANCELLED: "Đã hủy",
    ACTIVE: "Đang hiệu lực", EXPIRED: "Hết hạn", noAccess: "Tài khoản này không có trang nào ở đây.",
    roleCAP_SENDER: "Nguồn cảnh báo CAP", changeTitle: "Đổi mật khẩu",
    mustChange: "Mật khẩu này do người khác đặt (hoặc được in ra lúc cài đặt). Hãy đặt mật khẩu của riêng bạn trước khi làm việc.",
    currentPassword: "Mật khẩu hiện tại", newPassword: "Mật khẩu mới (ít nhất 10 ký tự)",
    repeatPassword: "Nhập lại mật khẩu mới", change: "Đổi mật khẩu", mismatch: "Hai lần nhập mật khẩu mới không giống nhau."
  },
  en: {
    skip: "Skip to the main content", logout: "Log out", login: "Log in", username: "Username", password: "Password",
    loginTitle: "Log in to the commune radio", other: "Tiếng Việt",
    navEmergency: "Emergency", navStations: "Stations", navCalendar: "Calendar", navLibrary: "Library",
    navReports: "Reports", loading: "Loading…", saved: "Saved", failed: "Could not be done",
    roleVILLAGE_HEAD: "Village head", roleOPERATOR: "Radio operator", roleTECHNICIAN: "Technician", roleADMIN: "Administrator",
    OK: "OK", DEGRADED: "Degraded", OFFLINE: "Offline", PENDING: "Sent", RECEIVED: "Received", RELAY_ON: "Relay on",
    PLAYING: "Playing", COMPLETED: "Completed", FAILED: "Failed", CANCELLED: "Cancelled", ACTIVE: "Active",
    EXPIRED: "Expired", noAccess: "This account has no page here.",
    roleCAP_SENDER: "CAP feed", changeTitle: "Change your password",
    mustChange: "This password was set by someone else (or printed at installation). Choose your own before anything else.",
    currentPassword: "Current password", newPassword: "New password (at least 10 characters)",
    repeatPassword: "New password again", change: "Change password", mismatch: "The two new passwords differ."
  }
};
const App = { user: null, commune: null, lang: localStorage.getItem("loalang.lang") || "vi", streams: [], skew: 0 };
const PAGES = {};

function t(key) {
  return (WORDS[App.lang] && WORDS[App.lang][key]) || WORDS.vi[key] || key;
}

/** Adds words a page needs, in both languages. */
function words(vi, en) {
  Object.assign(WORDS.vi, vi);
  Object.assign(WORDS.en, en);
}

/** An element: el("button", {class: "x", onclick: f}, "text", child…). */
function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
    else if (k === "text") e.textContent = v;
    else e.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children.flat()) {
    if (c !== null && c !== undefined && c !== false) e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return e;
}

/**
 * The library's categories (Commune.LibraryEntry.CATEGORIES) by name: the code is what the API takes and
 * keeps, the name is what people read, in the library, the public-listening settings and the chat mirror.
 */
const CATEGORIES = {
  vi: { policy: "Chính sách", "market-prices": "Giá cả", farming: "Trồng trọt", livestock: "Chăn nuôi",
    "health-insurance": "BHYT", "social-insurance": "BHXH", loans: "Vay vốn", "vocational-training": "Học nghề",
    jobs: "Việc làm", "poor-household-review": "Rà soát hộ nghèo", weather: "Thời tiết", warning: "Cảnh báo ghi sẵn",
    "local-news": "Tin địa phương", culture: "Văn hoá", other: "Khác", "relay-recording": "Bản ghi tiếp sóng",
    "live-talk": "Nói trực tiếp" },
  en: { policy: "Policy", "market-prices": "Market prices", farming: "Farming", livestock: "Livestock",
    "health-insurance": "Health insurance", "social-insurance": "Social insurance", loans: "Loans",
    "vocational-training": "Vocational training", jobs: "Jobs", "poor-household-review": "Poor-household review",
    weather: "Weather", warning: "Recorded warning", "local-news": "Local news", culture: "Culture", other: "Other",
    "relay-recording": "Relay recording", "live-talk": "Live talk" }
};

/** A category's name in the user's language; a code this table does not know yet is shown as it is. */
function categoryName(c) {
  return (CATEGORIES[App.lang] || CATEGORIES.vi)[c] || CATEGORIES.vi[c] || c;
}

/**
 * Village names by id (GET /api/villages), asked once per page render and shared by the tables on it. A village
 * removed since is not in the map: villageCell shows its id then. Without an answer, the ids are shown.
 */
function villageNames() {
  if (!App.villages || App.villages.gen !== App.gen) {
    App.villages = { gen: App.gen, names: api("GET", "/api/villages").then(vs => new Map(vs.map(v => [v.id, v.name])))
      .catch(() => new Map()) };
  }
  return App.villages.names;
}

/** A table cell with a village's name, its id in the title (what the API, the CSV and the logs use). */
function villageCell(names, id, tag) {
  return el(tag || "td", { title: id, "data-village": id }, names.get(id) || id || "");
}

function badge(state) {
  return el("span", { class: "badge s-" + state }, t(state));
}

function toast(message) {
  const box = document.getElementById("toast");
  box.textContent = message;
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => { box.textContent = ""; }, 5000);
}

class ApiError extends Error {
  constructor(status, body) {
    super((body && body.message) || ("HTTP " + status));
    this.status = status;
    this.body = body;
  }
}

async function api(method, path, body, extraHeaders) {
  const headers = Object.assign({}, extraHeaders);
  const token = sessionStorage.getItem("loalang.token");
  if (token) headers.Authorization = "Bearer " + token;
  let payload;
  if (body instanceof FormData) payload = body;
  else if (body !== undefined) { headers["Content-Type"] = "application/json"; payload = JSON.stringify(body); }
  const r = await fetch(path, { method, headers, body: payload });
  if (r.status === 401 && path !== "/api/login") { logout(false); throw new ApiError(401, null); }
  const text = await r.text();
  const json = text ? JSON.parse(text) : null;
  if (!r.ok) throw new ApiError(r.status, json);
  return json;
}

/** Server-sent events read with fetch, so that the token goes in a header and not in the URL. */
function stream(path, onEvent) {
  const control = new AbortController();
  App.streams.push(control);
  (async () => {
    while (!control.signal.aborted) {
      try {
        const r = await fetch(path, { headers: { Accept: "text/event-stream",
          Authorization: "Bearer " + sessionStorage.getItem("loalang.token") }, signal: control.signal });
        if (r.status === 401) { logout(false); return; } // the session ended: to the login page
        if (!r.ok) throw new ApiError(r.status, null);
        const reader = r.body.getReader();
        const decoder = new TextDecoder();
        let buffer = "";
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buffer += decoder.decode(value, { stream: true });
          let cut;
          while ((cut = buffer.indexOf("\n\n")) >= 0) {
            const block = buffer.slice(0, cut);
            buffer = buffer.slice(cut + 2);
            let name = "message", data = "";
            for (const line of block.split("\n")) {
              if (line.startsWith("event:")) name = line.slice(6).trim();
              else if (line.startsWith("data:")) data += line.slice(5).trim();
            }
            if (data) onEvent(name, JSON.parse(data));
          }
        }
      } catch (e) {
        if (control.signal.aborted) return;
      }
      await new Promise(ok => setTimeout(ok, 2000)); // the server restarted or the link dropped: again
    }
  })();
}

/** A time in the commune's time zone, Vietnamese style (dd/mm/yyyy hh:mm). */
function when(iso, withSeconds) {
  if (!iso) return "—";
  const zone = (App.commune && App.commune.timeZone) || "Asia/Ho_Chi_Minh";
  return new Intl.DateTimeFormat(App.lang === "vi" ? "vi-VN" : "en-GB", { timeZone: zone, day: "2-digit",
    month: "2-digit", year: "numeric", hour: "2-digit", minute: "2-digit", second: withSeconds ? "2-digit" : undefined,
    hour12: false }).format(new Date(iso));
}

function minutes(ms) {
  const s = Math.round(ms / 1000);
  return Math.floor(s / 60) + ":" + String(s % 60).padStart(2, "0");
}

/**
 * Shows that long work is going on (a conversion, a speech synthesis, an import) until `promise`
 * settles: `button` disabled and aria-busy, an indeterminate bar and `label` beside it. Returns what
 * the promise gives (or throws what it throws), the button restored either way.
 */
async function working(button, label, promise) {
  const status = el("span", { class: "working", role: "status" }, el("progress", { "aria-label": label }), " " + label);
  button.disabled = true;
  button.setAttribute("aria-busy", "true");
  button.after(status);
  status.scrollIntoView({ block: "nearest" }); // on a phone the button may be at the bottom of the screen
  try {
    return await promise;
  } finally {
    status.remove();
    button.disabled = false;
    button.removeAttribute("aria-busy");
  }
}

function show(...nodes) {
  const view = document.getElementById("view");
  view.replaceChildren(...nodes.flat(3).filter(n => n !== null && n !== undefined && n !== false && n !== ""));
}

function loginPage(message) {
  const user = el("input", { id: "username", type: "text", autocomplete: "username", required: true });
  const pass = el("input", { id: "password", type: "password", autocomplete: "current-password", required: true });
  const error = el("p", { class: "error", role: "alert" }, message || "");
  const form = el("form", {
    onsubmit: async ev => {
      ev.preventDefault();
      try {
        const r = await api("POST", "/api/login", { username: user.value.trim(), password: pass.value });
        sessionStorage.setItem("loalang.token", r.token);
        await start();
      } catch (e) {
        error.textContent = e.message;
      }
    }
  }, el("h1", {}, t("loginTitle")), el("label", { for: "username" }, t("username")), user,
    el("label", { for: "password" }, t("password")), pass, el("p", {}, el("button", { type: "submit" }, t("login"))),
    error);
  show(form);
  user.focus();
}

/** The only page for a user who must change a password someone else gave them; the API refuses the rest. */
function passwordPage() {
  const field = (id, label, autocomplete) => [el("label", { for: id }, t(label)),
    el("input", { id, type: "password", autocomplete, required: true })];
  const error = el("p", { class: "error", role: "alert" });
  const form = el("form", {
    onsubmit: async ev => {
      ev.preventDefault();
      const value = id => document.getElementById(id).value;
      if (value("new-password") !== value("repeat-password")) { error.textContent = t("mismatch"); return; }
      try {
        const r = await api("POST", "/api/me/password", { currentPassword: value("current-password"),
          password: value("new-password") });
        sessionStorage.setItem("loalang.token", r.token); // every old session ended with the change
        await start();
      } catch (e) {
        error.textContent = e.message;
      }
    }
  }, el("h1", {}, t("changeTitle")), el("p", {}, t("mustChange")),
    field("current-password", "currentPassword", "current-password"),
    field("new-password", "newPassword", "new-password"), field("repeat-password", "repeatPassword", "new-password"),
    el("p", {}, el("button", { type: "submit" }, t("change"))), error);
  document.getElementById("nav").replaceChildren();
  show(form);
  document.getElementById("current-password").focus();
}

function logout(tellServer) {
  App.streams.forEach(s => s.abort());
  App.streams = [];
  if (tellServer !== false && sessionStorage.getItem("loalang.token")) api("POST", "/api/logout").catch(() => {});
  sessionStorage.removeItem("loalang.token");
  App.user = null;
  document.getElementById("nav").replaceChildren();
  document.getElementById("who").textContent = "";
  document.getElementById("logout").hidden = true;
  loginPage();
}

/** Menu order, and where each role starts. */
const ORDER = ["emergency", "calendar", "library", "bulletin", "relays", "stations", "updates", "reports", "reach",
  "channels", "nghelai", "admin"];
const HOME = { VILLAGE_HEAD: "emergency", OPERATOR: "calendar", ADMIN: "calendar", TECHNICIAN: "stations" };

/** The pages a role may open, in menu order. */
function pagesFor(role) {
  return ORDER.filter(name => PAGES[name] && PAGES[name].roles.includes(role));
}

/**
 * A page's check that the user is still on it: a page that waits long for its data (the calendar asks for
 * every station's schedule) must not draw over the page the user has gone to meanwhile.
 */
function stillHere() {
  const gen = App.gen;
  return () => gen === App.gen;
}

function route() {
  if (!App.user || App.user.mustChangePassword) return;
  App.gen = (App.gen || 0) + 1;
  App.streams.forEach(s => s.abort());
  App.streams = [];
  const [name, ...args] = location.hash.replace(/^#\/?/, "").split("/");
  const allowed = pagesFor(App.user.role);
  const page = allowed.includes(name) ? name : allowed.includes(HOME[App.user.role]) ? HOME[App.user.role] : allowed[0];
  document.getElementById("nav").replaceChildren(...allowed.filter(n => PAGES[n].menu).map(n =>
    el("a", { href: "#/" + n, "aria-current": n === page ? "page" : null }, t(PAGES[n].menu))));
  if (!page) { show(el("p", {}, t("noAccess"))); return; }
  show(el("p", { class: "muted" }, t("loading")));
  PAGES[page].render(args.map(decodeURIComponent)).catch(e => show(el("p", { class: "error", role: "alert" },
    t("failed") + ": " + e.message)));
  document.getElementById("view").focus();
}

/** Now by the commune server's clock: the office laptop's own clock may be wrong. */
function now() {
  return Date.now() + App.skew;
}

async function start() {
  App.user = await api("GET", "/api/me");
  if (App.user.mustChangePassword) {
    document.getElementById("who").textContent = App.user.displayName || App.user.username;
    document.getElementById("logout").hidden = false;
    passwordPage();
    return;
  }
  // First start (issue 18): until the commune exists, the server is the setup server and offers only its wizard.
  const setup = await api("GET", "/api/setup").catch(() => null);
  if (setup && (setup.needed || setup.starting)) { firstStart(setup); return; }
  const asked = Date.now();
  const server = await api("GET", "/api/time").catch(() => null);
  if (server) App.skew = Date.parse(server.now) - (asked + Date.now()) / 2;
  App.commune = await api("GET", "/api/commune").then(c => c.commune || c).catch(() => null);
  App.lang = App.user.language === "en" ? "en" : "vi"; // the user's own choice, in any browser
  relabel();
  document.getElementById("who").textContent = (App.user.displayName || App.user.username) + " · " +
    t("role" + App.user.role);
  document.getElementById("logout").hidden = false;
  route();
}

function relabel() {
  document.documentElement.lang = App.lang;
  document.getElementById("lang").textContent = t("other");
  document.querySelectorAll("[data-t]").forEach(n => { n.textContent = t(n.dataset.t); });
}

window.addEventListener("hashchange", route);
window.addEventListener("DOMContentLoaded", () => {
  const lang = document.getElementById("lang");
  lang.hidden = false;
  lang.addEventListener("click", async () => {
    App.lang = App.lang === "vi" ? "en" : "vi";
    localStorage.setItem("loalang.lang", App.lang);
    if (App.user) {
      await api("PUT", "/api/me", { language: App.lang }).catch(e => toast(e.message));
      await start();
    } else {
      loginPage();
    }
    relabel();
  });
  document.getElementById("logout").addEventListener("click", () => logout(true));
  relabel();
  if (sessionStorage.getItem("loalang.token")) start().catch(() => logout(false)); else loginPage();
});
