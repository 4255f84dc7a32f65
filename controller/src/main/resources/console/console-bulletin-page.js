"use strict";
// Issue 19, WP4: the market-prices bulletin page, loaded by console-bulletin.js on first use. The officer uploads
// the price table (CSV or JSON), sees it as read with each bad line's problem, the bulletin's text beside its
// reading, hears it, adds it to the morning session and publishes it; the settings below.
words({
  bulTitle: "Bản tin giá cả nông sản", bulTable: "Bảng giá", bulFile: "Tệp bảng giá (CSV hoặc JSON)",
  bulUpload: "Tải lên", bulUploading: "Đang đọc bảng giá…", bulProblems: "Bảng giá chưa được lưu, sửa các dòng sau:",
  bulNoTable: "Chưa có bảng giá.", bulName: "Mặt hàng", bulUnit: "Đơn vị", bulPrice: "Giá", bulPrevious: "Giá trước",
  bulNote: "Ghi chú", bulOf: "Bảng giá ngày", bulFrom: "nhận từ", bulToday: "Bản tin hôm nay", bulText: "Văn bản",
  bulReading: "Cách đọc", bulListen: "Nghe thử", bulStop: "Dừng", bulSpeaking: "Đang đọc thành tiếng…",
  bulPublish: "Phát hành ngay", bulPublishing: "Đang phát hành…", bulPublished: "Đã phát hành",
  bulAdd: "Thêm vào buổi sáng", bulAdded: "Đã thêm bản tin vào buổi", bulAlready: "Buổi này đã có bản tin",
  bulNoSession: "Chương trình chung chưa có buổi phát hằng ngày", bulSession: "Buổi phát",
  bulSettings: "Cài đặt", bulSource: "Nguồn", bulCsv: "Tệp CSV tải lên", bulFeed: "Nguồn JSON (URL)",
  bulFeedUrl: "Địa chỉ nguồn giá", bulAt: "Giờ soạn bản tin", bulMarket: "Tên chợ", bulDialect: "Cách đọc số",
  bulNorth: "Miền Bắc (nghìn, linh)", bulSouth: "Miền Nam (ngàn, lẻ)", bulSave: "Lưu cài đặt",
  bulTooEarly: "Buổi này bắt đầu quá sớm: bản tin cần xong trước buổi phát 30 phút; chọn buổi bắt đầu từ"
}, {
  bulTitle: "Market-prices bulletin", bulTable: "Price table", bulFile: "Price table file (CSV or JSON)",
  bulUpload: "Upload", bulUploading: "Reading the price table…", bulProblems: "The table was not kept; fix these lines:",
  bulNoTable: "No price table yet.", bulName: "Item", bulUnit: "Unit", bulPrice: "Price", bulPrevious: "Previous",
  bulNote: "Note", bulOf: "Prices of", bulFrom: "received from", bulToday: "Today's bulletin", bulText: "Text",
  bulReading: "Reading", bulListen: "Listen", bulStop: "Stop", bulSpeaking: "Speaking…",
  bulPublish: "Publish now", bulPublishing: "Publishing…", bulPublished: "Published",
  bulAdd: "Add to the morning session", bulAdded: "The bulletin was added to session", bulAlready: "That session already has it",
  bulNoSession: "The commune's program has no daily session yet", bulSession: "Session",
  bulSettings: "Settings", bulSource: "Source", bulCsv: "Uploaded CSV file", bulFeed: "JSON feed (URL)",
  bulFeedUrl: "Feed URL", bulAt: "Prepared at", bulMarket: "Market name", bulDialect: "Reading numbers",
  bulNorth: "Northern (nghìn, linh)", bulSouth: "Southern (ngàn, lẻ)", bulSave: "Save settings",
  bulTooEarly: "That session starts too early: the bulletin must be ready 30 minutes before; pick one starting from"
});

const BULLETIN_ENTRY = { latestBulletin: "gia-ca" };

/** The table's file as it is (CSV or JSON), not through api(), which would send it as a JSON string. */
async function bulletinUpload(file) {
  const json = /\.json$/i.test(file.name) || file.type === "application/json";
  const r = await fetch("/api/bulletins/prices/table", { method: "PUT", body: file, headers: {
    Authorization: "Bearer " + sessionStorage.getItem("loalang.token"),
    "Content-Type": json ? "application/json" : "text/csv; charset=utf-8" } });
  const body = await r.json().catch(() => null);
  if (!r.ok) throw new ApiError(r.status, body);
  return body;
}

/** The spoken preview, fetched with the token and played through Web Audio (the console's CSP allows no blob: media). */
const bulletinPlayer = {
  source: null,
  stop() { if (this.source) { this.source.stop(); this.source = null; } },
  async play(button) {
    const r = await fetch("/api/bulletins/prices/preview.wav",
      { headers: { Authorization: "Bearer " + sessionStorage.getItem("loalang.token") } });
    if (!r.ok) throw new ApiError(r.status, await r.json().catch(() => null));
    const audio = new AudioContext();
    const buffer = await audio.decodeAudioData(await r.arrayBuffer());
    this.stop();
    this.source = audio.createBufferSource();
    this.source.buffer = buffer;
    this.source.connect(audio.destination);
    this.source.onended = () => { button.textContent = t("bulListen"); this.source = null; audio.close(); };
    this.source.start();
    button.textContent = t("bulStop") + " (" + minutes(buffer.duration * 1000) + ")";
  }
};

function bulletinTable(stored) {
  if (!stored) return el("p", { class: "muted", id: "bulletin-no-table" }, t("bulNoTable"));
  const money = n => n === null || n === undefined ? "" : Number(n).toLocaleString("vi-VN");
  return [el("p", { class: "muted" }, t("bulOf") + " " + stored.table.date + (stored.table.market ? " · "
    + stored.table.market : "") + " · " + stored.source + " · " + t("bulFrom") + " " + stored.receivedBy + ", "
    + when(stored.receivedAt)),
  el("table", { id: "bulletin-table" }, el("thead", {}, el("tr", {}, ["bulName", "bulUnit", "bulPrice", "bulPrevious",
    "bulNote"].map(k => el("th", {}, t(k))))), el("tbody", {}, stored.table.rows.map(r => el("tr", {},
    el("td", {}, r.name), el("td", {}, r.unit), el("td", { class: "num" }, money(r.price)),
    el("td", { class: "num" }, money(r.previous)), el("td", {}, r.note || "")))))];
}

/** Adds the day's bulletin to a daily session of the commune's program, with If-Match: another edit is not lost. */
async function bulletinAddTo(sessionId, prepareAt) {
  const view = await api("GET", "/api/program");
  const program = view.commune;
  const session = program.daily.find(d => d.id === sessionId);
  if (!session) throw new Error(t("bulNoSession"));
  // Stations need half an hour to fetch the day's bulletin before the session plays it (as the server checks the
  // prepare time against the sessions that have it).
  const [h, m] = String(prepareAt || "04:30").split(":").map(Number);
  const ready = String(Math.floor((h * 60 + m + 30) / 60)).padStart(2, "0") + ":" + String((m + 30) % 60).padStart(2, "0");
  if (String(session.start).slice(0, 5) < ready) throw new Error(t("bulTooEarly") + " " + ready);
  if (session.items.some(i => i && i.latestBulletin === "gia-ca")) return toast(t("bulAlready"));
  session.items.push(BULLETIN_ENTRY);
  await api("PUT", "/api/program", program, { "If-Match": '"' + view.revision + '"' });
  toast(t("bulAdded") + " " + (session.name || session.id));
}

function bulletinSettingsForm(s) {
  const field = (id, label, input) => el("div", { class: "row" }, el("label", { for: id }, t(label)), input);
  const option = (value, label, current) => el("option", { value, selected: value === current }, t(label));
  const source = el("select", { id: "bulletin-source" }, option("csv", "bulCsv", s.source), option("feed", "bulFeed", s.source));
  const feedUrl = el("input", { id: "bulletin-feed", type: "url", value: s.feedUrl || "", maxlength: 500 });
  const at = el("input", { id: "bulletin-at", type: "time", value: (s.prepareAt || "04:30").slice(0, 5), required: true });
  const market = el("input", { id: "bulletin-market", type: "text", value: s.market || "", maxlength: 80 });
  const dialect = el("select", { id: "bulletin-dialect" }, option("north", "bulNorth", s.dialect),
    option("south", "bulSouth", s.dialect));
  const error = el("p", { class: "error", role: "alert" });
  const save = el("button", { type: "submit" }, t("bulSave"));
  return el("form", { class: "card", id: "bulletin-settings", onsubmit: async e => {
    e.preventDefault();
    error.textContent = "";
    try {
      await api("PUT", "/api/bulletins/prices", { source: source.value, feedUrl: feedUrl.value, prepareAt: at.value,
        market: market.value, dialect: dialect.value });
      toast(t("saved"));
      bulletinRender([]);
    } catch (x) { error.textContent = t("failed") + ": " + x.message; }
  } }, el("h2", {}, t("bulSettings")), field("bulletin-source", "bulSource", source),
  field("bulletin-feed", "bulFeedUrl", feedUrl), field("bulletin-at", "bulAt", at),
  field("bulletin-market", "bulMarket", market), field("bulletin-dialect", "bulDialect", dialect), error, save);
}

async function bulletinRender() {
  const [state, preview, program] = await Promise.all([api("GET", "/api/bulletins/prices"),
    api("POST", "/api/bulletins/prices/preview"), api("GET", "/api/program")]);
  const problems = el("ul", { id: "bulletin-problems", class: "error", role: "alert" });
  const file = el("input", { id: "bulletin-file", type: "file", accept: ".csv,.json,text/csv,application/json" });
  const upload = el("button", { type: "button", id: "bulletin-upload", onclick: async () => {
    problems.replaceChildren();
    if (!file.files.length) return file.focus();
    try {
      await working(upload, t("bulUploading"), bulletinUpload(file.files[0]));
      toast(t("saved"));
      bulletinRender([]);
    } catch (x) {
      const lines = x.body && x.body.problems && x.body.problems.length ? x.body.problems : [x.message];
      problems.replaceChildren(el("li", {}, t("bulProblems")), ...lines.map(p => el("li", {}, p)));
    }
  } }, t("bulUpload"));
  const todayError = el("p", { class: "error", role: "alert" });
  const fail = x => { todayError.textContent = t("failed") + ": " + x.message; };
  const listen = el("button", { type: "button", class: "secondary", id: "bulletin-listen", onclick: () => {
    todayError.textContent = "";
    if (bulletinPlayer.source) { bulletinPlayer.stop(); listen.textContent = t("bulListen"); return; }
    working(listen, t("bulSpeaking"), bulletinPlayer.play(listen)).catch(fail);
  } }, t("bulListen"));
  const publish = el("button", { type: "button", id: "bulletin-publish", onclick: () => {
    todayError.textContent = "";
    working(publish, t("bulPublishing"), api("POST", "/api/bulletins/prices/publish"))
      .then(p => toast(t("bulPublished") + ": " + p.libraryId)).catch(fail);
  } }, t("bulPublish"));
  const daily = (program.commune.daily || []).slice().sort((a, b) => a.start.localeCompare(b.start));
  const session = el("select", { id: "bulletin-session", "aria-label": t("bulSession") },
    daily.map(d => el("option", { value: d.id }, (d.name || d.id) + " " + d.start.slice(0, 5))));
  const add = el("button", { type: "button", class: "secondary", id: "bulletin-add", disabled: !daily.length,
    onclick: () => { todayError.textContent = ""; bulletinAddTo(session.value, state.settings.prepareAt).catch(fail); } }, t("bulAdd"));
  const ready = !preview.problems.length;
  bulletinPlayer.stop();
  show(el("h1", {}, t("bulTitle")),
    state.warning ? el("p", { class: "warn-text", role: "alert", id: "bulletin-warning" }, state.warning) : null,
    el("section", { class: "card" }, el("h2", {}, t("bulTable")),
      el("div", { class: "row" }, el("label", { for: "bulletin-file" }, t("bulFile")), file, upload), problems,
      bulletinTable(state.table)),
    el("section", { class: "card", id: "bulletin-today" }, el("h2", {}, t("bulToday") + " " + preview.date.split("-").reverse().join("/")),
      preview.problems.map(p => el("p", { class: "warn-text" }, p)),
      ready ? el("div", { class: "bulletin-sides" },
        el("div", {}, el("h3", {}, t("bulText")), el("p", { id: "bulletin-text" }, preview.text)),
        el("div", {}, el("h3", {}, t("bulReading")), el("p", { id: "bulletin-reading" }, preview.reading))) : null,
      el("div", { class: "row" }, ready ? [listen, publish] : null, session, add), todayError),
    bulletinSettingsForm(state.settings));
}
