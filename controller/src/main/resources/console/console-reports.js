"use strict";
// What was played where, by month: per day the sessions held and the villages reached, out of those planned,
// as a chart, then every village session in a table; the month as a spreadsheet (CSV) for the commune's files.
words({
  repMonthTitle: "Báo cáo phát thanh theo tháng", repMonth: "Tháng", repHeld: "Buổi đã phát", repVillages: "Thôn được nghe",
  repCsv: "Tải bảng tính (CSV)", repNone: "Chưa có buổi phát nào trong tháng này.",
  repSummary: "buổi phát tại thôn đã tới được thôn", repDay: "Ngày", repOf: "trên"
}, {
  repMonthTitle: "Broadcast report by month", repMonth: "Month", repHeld: "Sessions held", repVillages: "Villages reached",
  repCsv: "Download the spreadsheet (CSV)", repNone: "No session has been held this month yet.",
  repSummary: "village sessions reached their village", repDay: "Day", repOf: "of"
});

/** This month in the commune's zone, as 2026-12. */
function thisMonth() {
  const zone = (App.commune && App.commune.timeZone) || "Asia/Ho_Chi_Minh";
  return new Intl.DateTimeFormat("en-CA", { timeZone: zone, year: "numeric", month: "2-digit" }).format(new Date(now()));
}

/**
 * Per day of the month: sessions held (a session that reached at least one of its villages) and villages reached
 * (by at least one session that day), each out of those planned that day.
 */
function monthByDay(month, rows) {
  const last = new Date(Date.UTC(Number(month.slice(0, 4)), Number(month.slice(5, 7)), 0)).getUTCDate();
  const days = Array.from({ length: last }, (_, i) => month + "-" + String(i + 1).padStart(2, "0"));
  const count = (d, key, reachedOnly) => new Set(rows.filter(r => r.date === d && (!reachedOnly || r.reached))
    .map(r => r[key])).size;
  return {
    days,
    held: days.map(d => count(d, "sessionId", true)), sessions: days.map(d => count(d, "sessionId", false)),
    reached: days.map(d => count(d, "village", true)), villages: days.map(d => count(d, "village", false))
  };
}

/** The CSV is behind the user's token: fetched, then saved through a Blob URL (allowed by the console's CSP). */
async function downloadCsv(month) {
  const r = await fetch("/api/reports?month=" + month + "&format=csv",
    { headers: { Authorization: "Bearer " + sessionStorage.getItem("loalang.token") } });
  if (!r.ok) throw new ApiError(r.status, await r.json().catch(() => null));
  const url = URL.createObjectURL(await r.blob());
  const a = el("a", { href: url, download: "bao-cao-" + month + ".csv", hidden: true });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

PAGES.reports = {
  roles: ["OPERATOR", "ADMIN", "TECHNICIAN"], menu: "navReports",
  async render(args) {
    const month = /^\d{4}-\d{2}$/.test(args[0] || "") ? args[0] : thisMonth();
    const [r, names] = await Promise.all([api("GET", "/api/reports?month=" + month), villageNames()]);
    const picker = el("input", { id: "report-month", type: "month", value: month, max: thisMonth(),
      onchange: () => { if (picker.value) location.hash = "#/reports/" + picker.value; } });
    const csvError = el("p", { class: "error", role: "alert" });
    const csv = el("button", { type: "button", id: "report-csv", class: "secondary", onclick: () => {
      csvError.textContent = "";
      downloadCsv(month).catch(e => { csvError.textContent = t("failed") + ": " + e.message; });
    } }, t("repCsv"));
    const m = monthByDay(month, r.sessions);
    const dayText = d => d.slice(8) + "/" + d.slice(5, 7);
    const chart = barChart({ days: m.days, label: t("repMonthTitle") + " " + month, series: [
      { label: t("repHeld"), values: m.held, planned: m.sessions, color: "#0a4f8a" },
      { label: t("repVillages"), values: m.reached, planned: m.villages, color: "#17692f" }],
    readout: i => dayText(m.days[i]) + ": " + t("repHeld") + " " + m.held[i] + " " + t("repOf") + " " + m.sessions[i]
      + " · " + t("repVillages") + " " + m.reached[i] + " " + t("repOf") + " " + m.villages[i] });
    const s = r.summary;
    show(el("h1", {}, t("repMonthTitle")),
      el("div", { class: "row" }, el("label", { for: "report-month" }, t("repMonth")), picker, csv), csvError,
      r.sessions.length ? [el("p", { id: "report-summary" }, s.reached + " / " + s.villageSessions + " " + t("repSummary")
        + " (" + Math.round(s.shareReached * 100) + " %)"), chart] : el("p", { class: "muted" }, t("repNone")),
      el("table", {}, el("thead", {}, el("tr", {}, el("th", {}, t("repDate")),
        el("th", {}, t("repSession")), el("th", {}, t("calVillage")), el("th", {}, t("repReached")),
        el("th", {}, t("repStations")), el("th", {}, t("repItems")))), el("tbody", {}, r.sessions.map(x => el("tr", {},
        el("td", {}, x.date), el("td", {}, x.name), villageCell(names, x.village), el("td", {}, x.reached ? t("yes") : t("no")),
        el("td", {}, x.stationsComplete + " / " + x.stations), el("td", {}, x.playedItems + " / " + x.plannedItems))))));
  }
};
