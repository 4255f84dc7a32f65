"use strict";
// Issue 19, WP6: reach (PAGES.reach). How far each village session and each alert went in a month: loudspeakers,
// listens on "Nghe lại", podcast apps, chat groups and SMS. Counts, never people (docs/decisions/0044).
// Uses thisMonth() and the words repMonth, repNone (console-reports.js), repDate, repSession, calVillage
// (console-operator.js): the reach page sits beside the reports and reads the same month.
words({
  navReach: "Mức độ tiếp cận", rchTitle: "Mức độ tiếp cận theo tháng", rchSessions: "Theo thôn và buổi phát",
  rchAlerts: "Theo cảnh báo", rchCsv: "Tải bảng tính buổi phát (CSV)", rchAlertsCsv: "Tải bảng tính cảnh báo (CSV)",
  rchSpeakers: "Cụm loa phát đủ", rchPage: "Lượt nghe trên trang", rchPodcast: "Lượt tải podcast",
  rchFeeds: "Lượt lấy feed", rchChat: "Tin nhắn nhóm (thành viên)", rchSms: "SMS đã nhận / đã gửi",
  rchAlert: "Cảnh báo", rchTime: "Lúc", rchVillages: "Thôn", rchListens: "Lượt nghe", rchTotal: "Cộng",
  rchNoAlerts: "Không có cảnh báo nào trong tháng này.",
  rchMeaning: "Mỗi số là một lượt, không phải một người: một người nghe hai ngày là hai lượt, hai người nghe chung"
    + " một điện thoại là một lượt.", rchWhat: "Các số này nghĩa là gì?",
  rchMeanings: [
    "Cụm loa phát đủ: số cụm loa đã phát hết mọi bản tin của buổi, trên số cụm loa có lịch.",
    "Lượt nghe trên trang: số lần mở nghe từ đầu một bản tin của buổi trên trang Nghe lại, kể cả từ đường dẫn trong"
      + " tin Zalo, Telegram, SMS; mỗi máy một lượt mỗi bản tin mỗi ngày.",
    "Lượt tải podcast: như trên, qua ứng dụng podcast. Lượt lấy feed: số máy đã lấy danh sách podcast của thôn hôm đó.",
    "Tin nhắn nhóm: số tin đã gửi tới nhóm Zalo, Telegram, webhook; thành viên: số người trong các nhóm đó (Zalo do"
      + " cán bộ nhập), không phải số người đã đọc.",
    "SMS: số tin nhà mạng đã nhận gửi đi, và số tin có báo đã tới máy người nhận."]
}, {
  navReach: "Reach", rchTitle: "Reach by month", rchSessions: "By village and session", rchAlerts: "By alert",
  rchCsv: "Download the sessions (CSV)", rchAlertsCsv: "Download the alerts (CSV)",
  rchSpeakers: "Loudspeakers played", rchPage: "Page listens", rchPodcast: "Podcast downloads", rchFeeds: "Feed fetches",
  rchChat: "Chat messages (members)", rchSms: "SMS delivered / sent", rchAlert: "Alert", rchTime: "Issued",
  rchVillages: "Villages", rchListens: "Listens", rchTotal: "Total", rchNoAlerts: "No alert this month.",
  rchMeaning: "Each number counts plays or messages, never people: one person listening on two days is two listens,"
    + " two people around one phone are one.", rchWhat: "What do these numbers mean?",
  rchMeanings: [
    "Loudspeakers played: stations that played every item of the session, of those it was planned on.",
    "Page listens: plays from the start of a session's item on the Nghe lại page, also from the link in a Zalo,"
      + " Telegram or SMS message; one per device, item and day.",
    "Podcast downloads: the same through a podcast app. Feed fetches: devices that fetched the village's feed that day.",
    "Chat messages: messages a Zalo, Telegram or webhook group took; members: people in those groups (Zalo's typed"
      + " by the operator), not readers.",
    "SMS: messages the gateway took, and those with a receipt from the phone."]
});

/** A count as the reader writes numbers (1.234 in Vietnamese). */
function reachNumber(n) {
  return new Intl.NumberFormat(App.lang === "vi" ? "vi-VN" : "en-GB").format(n || 0);
}

/** The reach cells of a row: loudspeakers, page, podcast, feeds, chat (members), SMS. */
function reachCells(r, tag) {
  const c = text => el(tag || "td", { class: "num" }, text);
  return [c(r.loudspeakersPlayed + " / " + r.loudspeakersPlanned), c(reachNumber(r.pageListens)),
    c(reachNumber(r.feedDownloads)), c(reachNumber(r.feedFetches)),
    c(reachNumber(r.chatMessages) + " (" + reachNumber(r.chatMembers) + ")"),
    c(reachNumber(r.smsDelivered) + " / " + reachNumber(r.smsSent))];
}

/** A CSV behind the user's token: fetched, then saved through a Blob URL (allowed by the console's CSP). */
async function reachDownload(path, filename) {
  const r = await fetch(path, { headers: { Authorization: "Bearer " + sessionStorage.getItem("loalang.token") } });
  if (!r.ok) throw new ApiError(r.status, await r.json().catch(() => null));
  const url = URL.createObjectURL(await r.blob());
  const a = el("a", { href: url, download: filename, hidden: true });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

PAGES.reach = {
  roles: ["OPERATOR", "ADMIN", "TECHNICIAN"], menu: "navReach",
  async render(args) {
    const month = /^\d{4}-\d{2}$/.test(args[0] || "") ? args[0] : thisMonth();
    const [r, a, names] = await Promise.all([api("GET", "/api/reports?month=" + month),
      api("GET", "/api/reports/alerts?month=" + month), villageNames()]);
    const picker = el("input", { id: "reach-month", type: "month", value: month, max: thisMonth(),
      onchange: () => { if (picker.value) location.hash = "#/reach/" + picker.value; } });
    const error = el("p", { class: "error", role: "alert" });
    const csv = (id, label, path, name) => el("button", { type: "button", id, class: "secondary", onclick: () => {
      error.textContent = "";
      reachDownload(path, name).catch(e => { error.textContent = t("failed") + ": " + e.message; });
    } }, t(label));
    const head = (...keys) => el("thead", {}, el("tr", {}, keys.map(k => el("th", { scope: "col" }, t(k)))));
    const reachHead = ["rchSpeakers", "rchPage", "rchPodcast", "rchFeeds", "rchChat", "rchSms"];
    const sessions = r.sessions.length ? el("table", { id: "reach-sessions", class: "reach" },
      head("repDate", "repSession", "calVillage", ...reachHead),
      el("tbody", {}, r.sessions.map(x => el("tr", {}, el("td", { class: "num" }, x.date.slice(8) + "/" + x.date.slice(5, 7)),
        el("td", {}, x.name), villageCell(names, x.village), reachCells(x.reach)))),
      el("tfoot", {}, el("tr", {}, el("th", { scope: "row", colspan: 3 }, t("rchTotal")), reachCells(r.reachTotal, "th"))))
      : el("p", { class: "muted" }, t("repNone"));
    const sum = key => a.alerts.reduce((s, x) => s + x[key], 0);
    const alertCells = (x, tag) => [x.loudspeakersCompleted + " / " + x.loudspeakers, reachNumber(x.listens),
      reachNumber(x.chatMessages) + " (" + reachNumber(x.chatMembers) + ")",
      reachNumber(x.smsDelivered) + " / " + reachNumber(x.smsSent)].map(v => el(tag || "td", { class: "num" }, v));
    const alerts = a.alerts.length ? el("table", { id: "reach-alerts", class: "reach" },
      head("rchTime", "rchAlert", "rchVillages", "rchSpeakers", "rchListens", "rchChat", "rchSms"),
      el("tbody", {}, a.alerts.map(x => el("tr", {}, el("td", {}, when(x.issuedAt)), el("td", {}, x.title),
        el("td", { title: x.villages.join(", ") }, x.villages.map(v => names.get(v) || v).join(", ")), alertCells(x)))),
      el("tfoot", {}, el("tr", {}, el("th", { scope: "row", colspan: 3 }, t("rchTotal")), alertCells({
        loudspeakersCompleted: sum("loudspeakersCompleted"), loudspeakers: sum("loudspeakers"), listens: sum("listens"),
        chatMessages: sum("chatMessages"), chatMembers: sum("chatMembers"), smsDelivered: sum("smsDelivered"),
        smsSent: sum("smsSent") }, "th"))))
      : el("p", { class: "muted" }, t("rchNoAlerts"));
    // The tables first; one line on what the numbers are (counts, not people), the meaning of each below on demand.
    show(el("h1", {}, t("rchTitle")),
      el("div", { class: "row" }, el("label", { for: "reach-month" }, t("repMonth")), picker,
        csv("reach-csv", "rchCsv", "/api/reports?month=" + month + "&format=csv", "tiep-can-" + month + ".csv"),
        csv("reach-alerts-csv", "rchAlertsCsv", "/api/reports/alerts?month=" + month + "&format=csv",
          "tiep-can-canh-bao-" + month + ".csv")), error,
      el("p", { id: "reach-meaning", class: "reach-meaning" }, el("strong", {}, t("rchMeaning"))),
      el("h2", {}, t("rchSessions")), sessions, el("h2", {}, t("rchAlerts")), alerts,
      el("details", { id: "reach-numbers", class: "reach-meaning" }, el("summary", {}, t("rchWhat")),
        el("ul", {}, WORDS[App.lang === "en" ? "en" : "vi"].rchMeanings.map(m => el("li", {}, m)))));
  }
};
