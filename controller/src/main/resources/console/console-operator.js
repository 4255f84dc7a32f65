"use strict";
// The operator's pages: the week's two daily sessions per village, a session's playlist, the audio
// library (upload, listen), which stations hold the new schedule, and what was played where.
words({
  calTitle: "Lịch phát 7 ngày", calVillage: "Thôn", calCommune: "chương trình chung của xã",
  calOwn: "chương trình riêng", calItems: "bản tin", calEdit: "Sửa danh sách",
  calNoStation: "chưa có cụm loa", calNothing: "—", editTitle: "Danh sách phát", editAdd: "Thêm bản tin",
  editSave: "Lưu và gửi lịch", editTotal: "Tổng thời lượng", editLength: "Thời lượng buổi", editUp: "Lên",
  editDown: "Xuống", editRemove: "Bỏ", editTooLong: "Danh sách dài hơn buổi phát.", editHolding: "Cụm loa đã nhận lịch mới",
  editBehind: "chưa nhận", editHeld: "đã nhận", editReload: "Tải lại chương trình mới nhất", libTitle: "Thư viện âm thanh", libUpload: "Tải lên bản tin",
  libFile: "Tệp MP3 hoặc WAV", libName: "Tiêu đề", libCategory: "Nhóm", libExpires: "Hạn dùng (không bắt buộc)",
  libSend: "Tải lên", libListen: "Nghe", libDuration: "Thời lượng", libUploaded: "Đã tải lên", libStorage: "Dung lượng thư viện",
  repTitle: "Báo cáo 7 ngày qua", repDate: "Ngày", repSession: "Buổi", repReached: "Đã phát tới thôn",
  repItems: "Bản tin đã phát", repStations: "Cụm loa phát đủ", yes: "có", no: "không", back: "Quay lại"
}, {
  calTitle: "The next 7 days", calVillage: "Village", calCommune: "the commune's program",
  calOwn: "its own program", calItems: "item(s)", calEdit: "Edit playlist",
  calNoStation: "no station yet", calNothing: "—", editTitle: "Playlist", editAdd: "Add an item",
  editSave: "Save and send the schedule", editTotal: "Total length", editLength: "Session length", editUp: "Up",
  editDown: "Down", editRemove: "Remove", editTooLong: "The playlist is longer than the session.",
  editHolding: "Stations holding the new schedule", editBehind: "not yet", editHeld: "holds it",
  editReload: "Load the latest program",
  libTitle: "Audio library", libUpload: "Upload an item", libFile: "MP3 or WAV file", libName: "Title",
  libCategory: "Category", libExpires: "Expires (optional)", libSend: "Upload", libListen: "Listen",
  libDuration: "Length", libUploaded: "Uploaded", libStorage: "Library space", repTitle: "The last 7 days", repDate: "Date",
  repSession: "Session", repReached: "Reached the village", repItems: "Items played", repStations: "Stations complete",
  yes: "yes", no: "no", back: "Back"
});

/** A library item's length in milliseconds. */
function lengthMs(item) {
  return item.durationMs || 0;
}

function dayKey(iso) {
  const zone = (App.commune && App.commune.timeZone) || "Asia/Ho_Chi_Minh";
  return new Intl.DateTimeFormat("en-CA", { timeZone: zone, year: "numeric", month: "2-digit", day: "2-digit" })
    .format(new Date(iso));
}

function clock(iso) {
  const zone = (App.commune && App.commune.timeZone) || "Asia/Ho_Chi_Minh";
  return new Intl.DateTimeFormat("vi-VN", { timeZone: zone, hour: "2-digit", minute: "2-digit", hour12: false })
    .format(new Date(iso));
}

PAGES.calendar = {
  roles: ["OPERATOR", "ADMIN"], menu: "navCalendar",
  async render(args) {
    if (args[0] === "edit") return editSession(args[1], args[2]);
    const [villages, stations] = await Promise.all([api("GET", "/api/villages"), api("GET", "/api/stations")]);
    const days = [...Array(7).keys()].map(i => dayKey(new Date(now() + i * 86400000).toISOString()));
    const cells = [el("div", { class: "head" }, t("calVillage")), ...days.map(d => el("div", { class: "head" },
      new Intl.DateTimeFormat(App.lang === "vi" ? "vi-VN" : "en-GB", { weekday: "short", day: "2-digit",
        month: "2-digit", timeZone: "UTC" }).format(new Date(d + "T00:00:00Z"))))];
    for (const v of villages) {
      const station = stations.find(s => s.village === v.id);
      const schedule = station ? await api("GET", "/api/schedules/" + encodeURIComponent(station.id)).catch(() => null) : null;
      cells.push(el("div", { class: "head" }, v.name));
      for (const d of days) {
        const sessions = schedule ? schedule.sessions.filter(s => dayKey(s.start) === d) : [];
        cells.push(el("div", { "data-village": v.id, "data-day": d }, !station ? el("span", { class: "muted" },
          t("calNoStation")) : sessions.length ? sessions.map(s => {
          const total = s.items.reduce((a, i) => a + (i.durationMillis || 0), 0);
          const length = Date.parse(s.end) - Date.parse(s.start);
          return el("div", { class: "session" + (total > length ? " over" : "") }, el("strong", {}, clock(s.start)),
            " " + s.name, el("br"), s.items.length + " " + t("calItems") + " · " + minutes(total) + " / "
            + minutes(length) + (s.volumeDb != null ? " · " + dB(s.volumeDb) : ""));
        }) : t("calNothing")));
      }
    }
    const program = await api("GET", "/api/program");
    const editLinks = (p, village) => el("div", { class: "row" }, (p.daily || []).map(s =>
      el("a", { class: "button", href: "#/calendar/edit/" + encodeURIComponent(s.id) + (village ? "/"
        + encodeURIComponent(village.id) : "") }, t("calEdit") + ": " + s.name + " " + String(s.start).slice(0, 5))));
    show(el("h1", {}, t("calTitle")), el("div", { class: "grid" }, cells),
      el("h2", {}, t("editTitle") + " — " + t("calCommune")), editLinks(program.commune),
      program.villages.filter(v => v.program).map(v => [el("h2", {}, t("editTitle") + " — " + v.name
        + " (" + t("calOwn") + ")"), editLinks(v.program, v)]));
  }
};

/** A daily session's playlist: of the commune's program, or of {@code village}'s own program. */
async function editSession(id, village) {
  // Relay sources only for the relay form: an editor without them still edits files (a 403 is no reason to fail).
  const [view, { items: library }, sources] = await Promise.all([api("GET", "/api/program"), api("GET", "/api/library"),
    api("GET", "/api/live/sources").catch(() => [])]);
  const own = village ? view.villages.find(v => v.id === village) : null;
  if (village && !(own && own.program)) throw new Error(village);
  const program = own ? own.program : view.commune;
  const target = own ? "/api/villages/" + encodeURIComponent(village) + "/program" : "/api/program";
  let revision = view.revision;
  const session = program.daily.find(s => s.id === id);
  if (!session) throw new Error(id);
  const items = [...session.items];
  const byId = new Map(library.map(i => [i.id, i]));
  const [h0, m0] = String(session.start).split(":").map(Number);
  const [h1, m1] = String(session.end).split(":").map(Number);
  const length = ((h1 * 60 + m1) - (h0 * 60 + m0)) * 60000;
  const list = el("ol", { class: "playlist" });
  const total = el("p", { "aria-live": "polite" });
  const error = el("div", { class: "error", role: "alert" });
  const holding = el("tbody");
  // The operator's level for this session (quieter at 5 a.m.), on top of each station's own.
  const volume = volumeField("session-volume", "Âm lượng buổi phát", "Session volume", session.volumeDb);
  const pick = el("select", { id: "add-item", "aria-label": t("editAdd") },
    library.filter(i => i.category !== "warning").map(i => el("option", { value: i.id }, i.title + " (" + minutes(lengthMs(i)) + ")")));
  const draw = () => {
    // An entry is a library id (a string) or a relay / replay (an object, see console-relay.js).
    list.replaceChildren(...items.map((entry, k) => el("li", typeof entry === "string" ? { "data-item": entry }
      : { "data-relay": entry.relay || entry.latestRecording }, entryLabel(entry, byId) + " ",
      el("button", { type: "button", class: "secondary", "aria-label": t("editUp"), disabled: k === 0,
        onclick: () => { [items[k - 1], items[k]] = [items[k], items[k - 1]]; draw(); } }, "↑"),
      el("button", { type: "button", class: "secondary", "aria-label": t("editDown"), disabled: k === items.length - 1,
        onclick: () => { [items[k + 1], items[k]] = [items[k], items[k + 1]]; draw(); } }, "↓"),
      el("button", { type: "button", class: "secondary", "aria-label": t("editRemove"),
        onclick: () => { items.splice(k, 1); draw(); } }, "✕"))));
    const sum = items.reduce((a, i) => a + entryLength(i, byId), 0);
    total.replaceChildren(el("strong", {}, t("editTotal") + ": " + minutes(sum)), " / " + t("editLength") + " "
      + minutes(length), sum > length ? el("span", { class: "error" }, " — " + t("editTooLong")) : "");
  };
  const watchStations = async () => {
    const stations = await api("GET", "/api/stations");
    holding.replaceChildren(...stations.map(s => el("tr", { "data-station": s.id, "data-behind": String(s.behind) },
      el("td", {}, s.id), el("td", {}, s.villageName || s.village), el("td", {}, s.behind ? t("editBehind") : t("editHeld")))));
  };
  const save = el("button", { type: "button", id: "save", onclick: async () => {
    error.replaceChildren();
    const volumeDb = volume.value() === 0 ? null : volume.value();
    const daily = program.daily.map(s => s.id === id ? Object.assign({}, s, { items, volumeDb }) : s);
    try {
      // The revision loaded: an edit someone else saved meanwhile is refused (412), not overwritten.
      const saved = await api("PUT", target, Object.assign({}, program, { daily }), { "If-Match": '"' + revision + '"' });
      revision = saved.revision;
      toast(t("saved"));
      await watchStations();
    } catch (e) {
      error.replaceChildren(e.message, e.body && e.body.problems ? el("ul", {}, e.body.problems.map(p => el("li", {}, p))) : "",
        e.status === 412 ? el("p", {}, el("button", { type: "button", class: "secondary", onclick: () => editSession(id, village) },
          t("editReload"))) : "");
    }
  } }, t("editSave"));
  draw();
  show(el("p", {}, el("a", { href: "#/calendar" }, "← " + t("back"))),
    el("h1", {}, t("editTitle") + ": " + session.name + " " + String(session.start).slice(0, 5) + "–"
      + String(session.end).slice(0, 5) + (own ? " — " + own.name : "")), list, total,
    el("div", { class: "row" }, pick, el("button", { type: "button", class: "secondary", onclick: () => {
      items.push(pick.value); draw(); } }, t("editAdd"))), relayForm(sources, library, items, draw, session.start),
    volume.node, el("p", {}, save), error,
    el("h2", {}, t("editHolding")), el("table", {}, holding));
  await watchStations();
  const timer = setInterval(() => { if (!document.body.contains(holding)) clearInterval(timer); else watchStations().catch(() => {}); }, 2000);
}

PAGES.library = {
  roles: ["OPERATOR", "ADMIN"], menu: "navLibrary",
  async render() {
    const { items: library, categories, storage } = await api("GET", "/api/library");
    const file = el("input", { id: "file", type: "file", accept: ".mp3,.wav,audio/mpeg,audio/wav", required: true });
    const title = el("input", { id: "title", type: "text", required: true });
    const category = el("select", { id: "category" }, categories.map(c => el("option", { value: c }, c)));
    const expires = el("input", { id: "expires", type: "date" });
    const error = el("p", { class: "error", role: "alert" });
    const form = el("form", { onsubmit: async ev => {
      ev.preventDefault();
      const data = new FormData();
      data.append("file", file.files[0]);
      data.append("title", title.value.trim());
      data.append("category", category.value);
      if (expires.value) data.append("expires", expires.value);
      try {
        await api("POST", "/api/library", data);
        toast(t("libUploaded"));
        PAGES.library.render();
      } catch (e) { error.textContent = e.message; }
    } }, el("h2", {}, t("libUpload")), el("label", { for: "file" }, t("libFile")), file,
      el("label", { for: "title" }, t("libName")), title, el("label", { for: "category" }, t("libCategory")), category,
      el("label", { for: "expires" }, t("libExpires")), expires, el("p", {}, el("button", { type: "submit" }, t("libSend"))),
      error);
    // How full the library is, and what is wrong with its disk (a full disk refuses uploads with 507).
    const mb = n => (n / 1048576).toFixed(1) + " MB";
    const space = storage ? el("p", { class: "storage" }, t("libStorage") + ": " + mb(storage.usedBytes) + " / "
      + mb(storage.quotaBytes)) : "";
    const spaceProblem = storage && storage.problem ? el("p", { class: "error", role: "alert" }, storage.problem) : "";
    show(el("h1", {}, t("libTitle")), spaceProblem, space, el("table", {}, el("thead", {}, el("tr", {}, el("th", {}, t("libName")),
      el("th", {}, t("libCategory")), el("th", {}, t("libDuration")), el("th", {}, t("libExpires")),
      el("th", {}, t("libListen")))), el("tbody", {}, library.map(i => el("tr", { "data-item": i.id },
      el("td", {}, i.title), el("td", {}, i.category), el("td", {}, minutes(lengthMs(i))), el("td", {}, i.expires || "—"),
      el("td", {}, el("audio", { controls: true, preload: "none", src: i.url,
        "aria-label": t("libListen") + ": " + i.title })))))), form);
  }
};
