"use strict";
// The operator's pages: the audio library (upload, listen) and what was played where; the calendar and
// the playlist editor are in console-calendar.js (their words stay here, shared with the reports).
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

PAGES.reports = {
  roles: ["OPERATOR", "ADMIN", "TECHNICIAN"], menu: "navReports",
  async render() {
    const to = dayKey(new Date(now()).toISOString());
    const from = dayKey(new Date(now() - 6 * 86400000).toISOString());
    const r = await api("GET", "/api/reports?from=" + from + "&to=" + to);
    show(el("h1", {}, t("repTitle")), el("table", {}, el("thead", {}, el("tr", {}, el("th", {}, t("repDate")),
      el("th", {}, t("repSession")), el("th", {}, t("calVillage")), el("th", {}, t("repReached")),
      el("th", {}, t("repStations")), el("th", {}, t("repItems")))), el("tbody", {}, r.sessions.map(s => el("tr", {},
      el("td", {}, s.date), el("td", {}, s.name), el("td", {}, s.village), el("td", {}, s.reached ? t("yes") : t("no")),
      el("td", {}, s.stationsComplete + " / " + s.stations), el("td", {}, s.playedItems + " / " + s.plannedItems))))));
  }
};
