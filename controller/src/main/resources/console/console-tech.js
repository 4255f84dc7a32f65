"use strict";
// The technician's pages: every station with its state and reasons, live; a map from the stations'
// coordinates (no tiles: it works offline); a station's telemetry, incidents and test commands.
words({
  techTitle: "Cụm loa của xã", techMap: "Bản đồ", techStation: "Cụm loa", techVillage: "Thôn", techState: "Tình trạng",
  techReasons: "Lý do", techSeen: "Tin cuối", techVersion: "Phiên bản", techTemp: "Nhiệt độ", techLive: "Cập nhật trực tiếp",
  techNoCoords: "cụm loa chưa có toạ độ", techIncidents: "Sự cố", techOpened: "Bắt đầu", techClosed: "Kết thúc",
  techOpen: "đang mở", techCommands: "Lệnh thử", techTone: "Phát tiếng thử", techRelay: "Bật rơ-le thử",
  techResync: "Tải lại lịch", techRestart: "Khởi động lại", techSeconds: "Số giây", techSent: "Đã gửi lệnh",
  techChart: "Nhiệt độ CPU 24 giờ qua (°C)", techLoadChart: "Tải CPU 24 giờ qua", techMemoryChart: "Bộ nhớ còn trống 24 giờ qua (MB)",
  techNoData: "Chưa có số liệu.", techBack: "Tất cả cụm loa",
  techCommandList: "Lệnh đã gửi", techAnswer: "Trạm trả lời", techClock: "Đồng hồ"
}, {
  techTitle: "The commune's stations", techMap: "Map", techStation: "Station", techVillage: "Village", techState: "State",
  techReasons: "Reasons", techSeen: "Last heard", techVersion: "Agent version", techTemp: "Temperature", techLive: "Live updates",
  techNoCoords: "station(s) without coordinates", techIncidents: "Incidents", techOpened: "Opened", techClosed: "Closed",
  techOpen: "open", techCommands: "Test commands", techTone: "Test tone", techRelay: "Relay test", techResync: "Resync",
  techRestart: "Restart", techSeconds: "Seconds", techSent: "Command sent", techChart: "CPU temperature, last 24 h (°C)",
  techLoadChart: "CPU load, last 24 h", techMemoryChart: "Memory available, last 24 h (MB)",
  techNoData: "No data yet.", techBack: "All stations", techCommandList: "Commands sent", techAnswer: "Answer",
  techClock: "Clock"
});

// What a station's clock is taken from (its telemetry's clock, decision 0021), Vietnamese first with English
// beside, as the reasons are: a technician reads it on a pole, whatever language the page is in.
const CLOCK_SOURCES = {
  NONE: ["Chưa tin cậy: chỉ phát khẩn cấp", "not trusted: emergencies only"], RTC: ["Đồng hồ pin (RTC)", "battery clock (RTC)"],
  NTP: ["NTP", "NTP"], CONTROLLER: ["Theo giờ máy chủ", "controller's time"]
};

/** The correction a station adds to its Pi's clock, e.g. +12 giờ 20 phút / +12 h 20 min. */
function correction(ms, vi) {
  const sign = ms < 0 ? "−" : "+", abs = Math.abs(ms);
  if (abs < 60000) return sign + (abs / 1000).toFixed(1).replace(".", vi ? "," : ".") + " s";
  const minutes = Math.round(abs / 60000), h = Math.floor(minutes / 60), m = minutes % 60;
  return sign + (h ? h + (vi ? " giờ " : " h ") : "") + m + (vi ? " phút" : " min");
}

function clockText(c) {
  if (!c) return "—";
  const [vi, en] = CLOCK_SOURCES[c.source] || [c.source, c.source];
  const fix = vi2 => c.source === "CONTROLLER" && c.correctionMillis ? " (" + correction(c.correctionMillis, vi2) + ")" : "";
  return vi + fix(true) + " / " + en + fix(false);
}

/** The clock's cell: marked when nothing vouches for the station's time (no scheduled session plays). */
function clockCell(tag, h) {
  const c = h.telemetry ? h.telemetry.clock : null;
  return el(tag, { class: c && !c.trusted ? "warn-text" : null, "data-clock": c ? c.source : "",
    "data-trusted": c ? String(c.trusted) : "" }, clockText(c));
}

PAGES.stations = {
  roles: ["TECHNICIAN", "OPERATOR", "ADMIN"], menu: "navStations",
  async render(args) {
    if (args[0]) return stationPage(args[0]);
    const [rows, stations, names] = await Promise.all([api("GET", "/api/health"), api("GET", "/api/stations"),
      villageNames()]);
    const byId = new Map(rows.map(h => [h.stationId, h]));
    const body = el("tbody");
    const map = el("div");
    const live = el("p", { class: "muted", "aria-live": "polite" });
    const draw = () => {
      body.replaceChildren(...[...byId.values()].sort(worstFirst).map(h => healthRow(h, names)));
      map.replaceChildren(stationMap(stations, byId));
    };
    draw();
    show(el("h1", {}, t("techTitle")), live, el("table", {}, el("thead", {}, el("tr", {}, el("th", {}, t("techStation")),
      el("th", {}, t("techVillage")), el("th", {}, t("techState")), el("th", {}, t("techReasons")),
      el("th", {}, t("techSeen")), el("th", {}, t("techVersion")), el("th", {}, t("techClock")),
      el("th", {}, "Âm lượng / Volume"))), body),
      el("h2", {}, t("techMap")), map);
    stream("/api/health/stream", (name, h) => {
      if (name !== "health") return;
      byId.set(h.stationId, h);
      live.textContent = t("techLive") + ": " + h.stationId + " → " + t(h.state) + " (" + when(new Date(now()).toISOString(), true) + ")";
      draw();
    });
  }
};

const RANK = { OFFLINE: 0, DEGRADED: 1, OK: 2 };
function worstFirst(a, b) {
  return (RANK[a.state] - RANK[b.state]) || a.stationId.localeCompare(b.stationId);
}

function healthRow(h, names) {
  return el("tr", { "data-station": h.stationId, "data-state": h.state },
    el("td", {}, el("a", { href: "#/stations/" + encodeURIComponent(h.stationId) }, h.stationId)),
    villageCell(names, h.village), el("td", {}, badge(h.state)),
    el("td", {}, h.reasons.length ? el("ul", {}, h.reasons.map(r => el("li", {}, r))) : "—"),
    el("td", {}, when(h.telemetryAt, true)),
    // Which agent each station runs, from its telemetry: how a rollout (or a rollback) is seen.
    el("td", { "data-version": h.telemetry ? h.telemetry.agentVersion : "" }, h.telemetry ? h.telemetry.agentVersion : "—"),
    clockCell("td", h), volumeCell("td", h));
}

/**
 * The levels the station itself reports (its telemetry): its own, and what plays now when something does.
 * Older agents report none: a dash, not a guess.
 */
function volumeCell(tag, h) {
  const tel = h.telemetry || {};
  const onAir = tel.onAirVolumeDb;
  return el(tag, { class: "volume", "data-volume": tel.volumeDb ?? "", "data-on-air": onAir ?? "" }, dB(tel.volumeDb),
    onAir !== null && onAir !== undefined ? " · đang phát / on air " + dB(onAir) : "");
}

/** The stations placed by their coordinates on a plain SVG: no map tiles, so nothing to download. */
function stationMap(stations, health) {
  const placed = stations.filter(s => s.latitude != null && s.longitude != null);
  const svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
  svg.setAttribute("class", "map");
  svg.setAttribute("viewBox", "0 0 640 400");
  svg.setAttribute("role", "img");
  svg.setAttribute("aria-label", t("techMap"));
  if (placed.length) {
    const lats = placed.map(s => s.latitude), lons = placed.map(s => s.longitude);
    const [x0, x1, y0, y1] = [Math.min(...lons), Math.max(...lons), Math.min(...lats), Math.max(...lats)];
    const sx = v => 40 + (x1 > x0 ? (v - x0) / (x1 - x0) : 0.5) * 560;
    const sy = v => 360 - (y1 > y0 ? (v - y0) / (y1 - y0) : 0.5) * 320;
    for (const s of placed) {
      const state = (health.get(s.id) || { state: "OFFLINE" }).state;
      const color = { OK: "#17692f", DEGRADED: "#8a5a00", OFFLINE: "#b00020" }[state];
      const a = document.createElementNS("http://www.w3.org/2000/svg", "a");
      a.setAttribute("href", "#/stations/" + encodeURIComponent(s.id));
      const dot = document.createElementNS("http://www.w3.org/2000/svg", "circle");
      dot.setAttribute("cx", sx(s.longitude)); dot.setAttribute("cy", sy(s.latitude)); dot.setAttribute("r", 10);
      dot.setAttribute("fill", color);
      const title = document.createElementNS("http://www.w3.org/2000/svg", "title");
      title.textContent = s.id + ": " + t(state);
      const label = document.createElementNS("http://www.w3.org/2000/svg", "text");
      const right = sx(s.longitude) > 480;
      label.setAttribute("x", sx(s.longitude) + (right ? -14 : 14)); label.setAttribute("y", sy(s.latitude) + 5);
      if (right) label.setAttribute("text-anchor", "end");
      label.setAttribute("font-size", "14");
      label.textContent = s.name || s.id;
      dot.append(title);
      a.append(dot, label);
      svg.append(a);
    }
  }
  const missing = stations.length - placed.length;
  return el("div", {}, svg, missing ? el("p", { class: "muted" }, missing + " " + t("techNoCoords")) : "");
}

async function stationPage(id) {
  const enc = encodeURIComponent(id);
  const [rows, points, incidents, marks] = await Promise.all([api("GET", "/api/health"),
    api("GET", "/api/stations/" + enc + "/telemetry"), api("GET", "/api/incidents"), sessionMarks(id)]);
  const h = rows.find(r => r.stationId === id);
  const mayCommand = ["TECHNICIAN", "ADMIN"].includes(App.user.role);
  const volume = mayCommand ? await stationVolume(id) : "";
  const commands = el("tbody");
  const seconds = el("input", { id: "seconds", type: "number", min: 1, max: 60, value: 5 });
  const loadCommands = async () => {
    const sent = await api("GET", "/api/stations/" + enc + "/commands");
    commands.replaceChildren(...sent.slice(0, 10).map(c => el("tr", {}, el("td", {}, when(c.sentAt, true)),
      el("td", {}, c.action), el("td", {}, c.status || ""), el("td", {}, c.answer || c.detail || ""))));
  };
  const send = action => async () => {
    try {
      await api("POST", "/api/stations/" + enc + "/commands", { action, seconds: Number(seconds.value) });
      toast(t("techSent") + ": " + action);
      await loadCommands();
    } catch (e) { toast(e.message); }
  };
  show(el("p", {}, el("a", { href: "#/stations" }, "← " + t("techBack"))),
    el("h1", {}, id + " ", h ? badge(h.state) : ""),
    h && h.reasons.length ? el("ul", {}, h.reasons.map(r => el("li", {}, r))) : "",
    h && h.telemetry ? el("p", { class: "muted" }, t("techSeen") + ": " + when(h.telemetryAt, true) + " · "
      + t("techTemp") + ": " + (h.telemetry.cpuTemperatureC ?? "—") + " °C · "
      + t("techVersion") + ": " + h.telemetry.agentVersion) : "",
    h && h.telemetry ? el("p", { id: "clock" }, t("techClock") + ": ", clockCell("span", h)) : "",
    h && h.telemetry ? el("p", { id: "levels" }, "Âm lượng / Volume: ", volumeCell("span", h)) : "",
    volume,
    el("h2", {}, t("techChart")), chart(points, "cpuTemperatureMaxC", " °C", t("techChart"), marks),
    el("h2", {}, t("techLoadChart")), chart(points, "load1Avg", "", t("techLoadChart"), marks),
    el("h2", {}, t("techMemoryChart")), chart(points, "memoryMinMb", " MB", t("techMemoryChart"), marks),
    // Commands are the technicians' (and admins'): an operator sees the station, not its switches.
    mayCommand ? [el("h2", {}, t("techCommands")), el("div", {}, el("label", { for: "seconds" }, t("techSeconds")), seconds),
      el("div", { class: "row" }, el("button", { type: "button", onclick: send("TEST_TONE") }, t("techTone")),
        el("button", { type: "button", onclick: send("RELAY_TEST") }, t("techRelay")),
        el("button", { type: "button", class: "secondary", onclick: send("RESYNC") }, t("techResync")),
        el("button", { type: "button", class: "secondary", onclick: send("RESTART") }, t("techRestart"))),
      el("h2", {}, t("techCommandList")), el("table", {}, commands)] : "",
    el("h2", {}, t("techIncidents")), el("table", {}, el("thead", {}, el("tr", {}, el("th", {}, t("techReasons")),
      el("th", {}, t("techOpened")), el("th", {}, t("techClosed")))), el("tbody", {}, incidents
      .filter(i => i.stationId === id).map(i => el("tr", {}, el("td", {}, i.text), el("td", {}, when(i.openedAt)),
        el("td", {}, i.closedAt ? when(i.closedAt) : t("techOpen")))))));
  if (!mayCommand) return;
  await loadCommands();
  // The station answers within seconds: the list is looked at again while the page is open.
  const timer = setInterval(() => { if (!document.body.contains(commands)) clearInterval(timer); else loadCommands().catch(() => {}); }, 2000);
}

/**
 * The station's level, set by its technician (or an administrator): within the commune's range, sent to the
 * station in its next schedule. Empty keeps the commune's default.
 */
async function stationVolume(id) {
  const station = (await api("GET", "/api/stations")).find(s => s.id === id) || {};
  const field = volumeField("station-volume", "Âm lượng cụm loa", "Station volume", station.volumeDb);
  const error = el("p", { class: "error", role: "alert" });
  const now = el("p", { class: "muted", id: "station-volume-now" }, "Lịch của cụm loa mang / its schedule carries "
    + dB(station.effectiveVolumeDb ?? volumeRange().def));
  const save = el("button", { type: "button", id: "station-volume-save", onclick: async () => {
    error.textContent = "";
    if (field.value() === null) return;
    try {
      const row = await api("PUT", "/api/stations/" + encodeURIComponent(id), { volumeDb: field.value() });
      now.textContent = "Lịch của cụm loa mang / its schedule carries " + dB(row.effectiveVolumeDb);
      toast(t("saved"));
    } catch (e) { error.textContent = e.message; }
  } }, "Lưu âm lượng / Save volume");
  return el("section", { id: "volume" }, el("h2", {}, "Âm lượng / Volume"), field.node, now, el("p", {}, save), error);
}

/**
 * One reading over the last 24 hours (the hottest, the busiest, the least memory of each bucket), with the
 * station's sessions of that time marked: a hot amplifier or a busy CPU is read against what was playing.
 */
function chart(points, field, unit, label, marks) {
  const to = now();
  return timeChart({ points, field, unit, label, from: to - 86400000, to, marks });
}

/** The sessions a station's schedule holds over the last day, as chart marks (none before its first schedule). */
async function sessionMarks(id) {
  const schedule = await api("GET", "/api/schedules/" + encodeURIComponent(id)).catch(() => null);
  const since = now() - 86400000;
  return ((schedule && schedule.sessions) || []).filter(s => Date.parse(s.end) > since && Date.parse(s.start) < now())
    .map(s => ({ start: s.start, end: s.end, label: s.name || s.id }));
}
