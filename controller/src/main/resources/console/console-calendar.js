"use strict";
// The calendar (issue 18): the week per village — one row per station when a village's stations were sent
// different sessions — and the way into the program's editor (console-program.js, fetched on first use).
// A daily session's full playlist editor (order, relays, volume) is editSession below.
words({
  calStation: "Cụm loa", calDiffers: "lịch khác các cụm loa khác của thôn",
  calProgram: "Giờ phát, ngày nghỉ, buổi phát thêm", calVillageProgram: "Chương trình riêng của thôn",
  progOfCommune: "của xã"
}, {
  calStation: "Station", calDiffers: "sent other sessions than the village's other stations",
  calProgram: "Session times, days off, extra sessions", calVillageProgram: "Village's own program",
  progOfCommune: "of the commune"
});

function clock(iso) {
  const zone = (App.commune && App.commune.timeZone) || "Asia/Ho_Chi_Minh";
  return new Intl.DateTimeFormat("vi-VN", { timeZone: zone, hour: "2-digit", minute: "2-digit", hour12: false })
    .format(new Date(iso));
}

/** A station's sessions as two stations are compared: same sessions, same times, same items, same level. */
function sessionsKey(schedule) {
  if (!schedule) return "none";
  return JSON.stringify(schedule.sessions.map(s => [s.id, s.start, s.end, s.items.map(i => i.contentId),
    s.volumeDb ?? null]));
}

PAGES.calendar = {
  roles: ["OPERATOR", "ADMIN"], menu: "navCalendar",
  async render(args) {
    if (args[0] === "edit") return editSession(args[1], args[2]);
    if (args[0] === "program") return editProgram(args[1]);
    const here = stillHere();
    const [villages, stations, program] = await Promise.all([api("GET", "/api/villages"), api("GET", "/api/stations"),
      api("GET", "/api/program")]);
    const days = [...Array(7).keys()].map(i => dayKey(new Date(now() + i * 86400000).toISOString()));
    const cells = [el("div", { class: "head" }, t("calVillage")), ...days.map(d => el("div", { class: "head" },
      new Intl.DateTimeFormat(App.lang === "vi" ? "vi-VN" : "en-GB", { weekday: "short", day: "2-digit",
        month: "2-digit", timeZone: "UTC" }).format(new Date(d + "T00:00:00Z"))))];
    const row = (village, station, schedule, label, why) => {
      cells.push(el("div", { class: "head", "data-row": village.id + (station ? "/" + station.id : "") }, label,
        why ? el("span", { class: "why" }, why) : ""));
      for (const d of days) {
        const sessions = schedule ? schedule.sessions.filter(s => dayKey(s.start) === d) : [];
        cells.push(el("div", { "data-village": village.id, "data-station": station ? station.id : null, "data-day": d },
          !schedule && !station ? el("span", { class: "muted" }, t("calNoStation")) : sessions.length ? sessions.map(s => {
            const total = s.items.reduce((a, i) => a + (i.durationMillis || 0), 0);
            const length = Date.parse(s.end) - Date.parse(s.start);
            return el("div", { class: "session" + (total > length ? " over" : "") }, el("strong", {}, clock(s.start)),
              " " + s.name, el("br"), s.items.length + " " + t("calItems") + " · " + minutes(total) + " / "
              + minutes(length) + (s.volumeDb != null ? " · " + dB(s.volumeDb) : ""));
          }) : t("calNothing")));
      }
    };
    for (const v of villages) {
      if (!here()) return;
      const own = stations.filter(s => s.village === v.id);
      const schedules = await Promise.all(own.map(s => api("GET", "/api/schedules/" + encodeURIComponent(s.id))
        .catch(() => null)));
      if (!own.length) { row(v, null, null, v.name); continue; }
      // One row while the village's stations hold the same sessions; one per station once they differ
      // (an old agent plays a relay's fallback instead), with the program's notice that says why.
      if (new Set(schedules.map(sessionsKey)).size === 1) { row(v, null, schedules[0], v.name); continue; }
      own.forEach((s, k) => {
        const notice = (program.notices || []).find(n => n.startsWith("station " + s.id + " ")
          || n.startsWith("station " + s.id + ":"));
        row(v, s, schedules[k], [v.name, el("br"), t("calStation") + " " + (s.name && s.name !== s.id
          ? s.name + " (" + s.id + ")" : s.id)], notice || t("calDiffers"));
      });
    }
    const editLinks = (p, village) => el("div", { class: "row" }, (p.daily || []).map(s =>
      el("a", { class: "button", href: "#/calendar/edit/" + encodeURIComponent(s.id) + (village ? "/"
        + encodeURIComponent(village.id) : "") }, t("calEdit") + ": " + s.name + " " + String(s.start).slice(0, 5))));
    if (!here()) return;
    show(el("h1", {}, t("calTitle")), el("div", { class: "grid" }, cells),
      el("p", { class: "row" }, el("a", { class: "button", id: "program-link", href: "#/calendar/program" },
        t("calProgram") + " — " + t("progOfCommune"))),
      el("h2", {}, t("editTitle") + " — " + t("calCommune")), editLinks(program.commune),
      program.villages.filter(v => v.program).map(v => [el("h2", {}, t("editTitle") + " — " + v.name
        + " (" + t("calOwn") + ")"), editLinks(v.program, v)]),
      el("h2", {}, t("calVillageProgram")), el("div", { class: "row" }, villages.map(v => el("a", { class: "button secondary",
        href: "#/calendar/program/" + encodeURIComponent(v.id), "data-village-program": v.id },
        v.name + (program.villages.some(p => p.id === v.id && p.program) ? " (" + t("calOwn") + ")" : "")))));
  }
};

/**
 * The program's editor (console-program.js) is fetched the first time it is opened: the login page, on a
 * phone over a slow link, need not carry it (issue 18, first page under 200 KB).
 */
async function editProgram(village) {
  if (typeof editProgramNow !== "function") {
    await new Promise((loaded, failed) => document.head.append(el("script", { src: "/console-program.js",
      onload: loaded, onerror: () => failed(new Error("console-program.js")) })));
  }
  return editProgramNow(village);
}

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
  const list = el("ol", { class: "playlist", "aria-describedby": "playlist-check" });
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
      : { "data-relay": entry.relay, "data-latest": entry.latestRecording }, entryLabel(entry, byId, sources) + " ",
      el("button", { type: "button", class: "secondary", "aria-label": t("editUp"), disabled: k === 0,
        onclick: () => { [items[k - 1], items[k]] = [items[k], items[k - 1]]; draw(); } }, "↑"),
      el("button", { type: "button", class: "secondary", "aria-label": t("editDown"), disabled: k === items.length - 1,
        onclick: () => { [items[k + 1], items[k]] = [items[k], items[k + 1]]; draw(); } }, "↓"),
      el("button", { type: "button", class: "secondary", "aria-label": t("editRemove"),
        onclick: () => { items.splice(k, 1); draw(); } }, "✕"))));
    const sum = items.reduce((a, i) => a + entryLength(i, byId), 0);
    total.replaceChildren(el("strong", {}, t("editTotal") + ": " + minutes(sum)), " / " + t("editLength") + " "
      + minutes(length), sum > length ? el("span", { class: "error" }, " — " + t("editTooLong")) : "");
    check();
  };
  // What the compiler would say of this playlist, under it (POST /api/program/check, nothing saved): an item
  // missing, a replay with no recording yet and what the station plays instead. 400 ms after the last change.
  const checked = el("div", { id: "playlist-check", "aria-live": "polite" });
  const ownIds = new Set(view.villages.filter(v => v.program).map(v => v.id));
  const here = p => (p.places || []).some(at => at.session === id && (!at.field || at.field === "items")
    && (own ? at.village === village : !ownIds.has(at.village)));
  let checkTimer = null, asked = 0;
  const check = () => {
    clearTimeout(checkTimer);
    const mine = ++asked;
    checkTimer = setTimeout(async () => {
      const daily = program.daily.map(s => s.id === id ? Object.assign({}, s, { items }) : s);
      const answer = await api("POST", "/api/program/check", { village: own ? village : null,
        program: Object.assign({}, program, { daily }) }).catch(() => null);
      if (!answer || mine !== asked) return;
      const said = [...answer.problems.filter(here).map(p => ["error", p.text.replace(/^village [^:]+: /, "")]),
        ...(answer.notices || []).filter(here).map(n => ["warn-text", noticeWords(n.text, sources)])];
      const words = [...new Set(said.map(w => JSON.stringify(w)))].map(w => JSON.parse(w));
      checked.replaceChildren(...words.map(([c, w]) => el("p", { class: "problem " + c }, w)));
    }, 400);
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
      + String(session.end).slice(0, 5) + (own ? " — " + own.name : "")), list, total, checked,
    el("div", { class: "row" }, pick, el("button", { type: "button", class: "secondary", onclick: () => {
      items.push(pick.value); draw(); } }, t("editAdd"))), latestForm(sources, items, draw),
    relayForm(sources, library, items, draw, session.start),
    volume.node, el("p", {}, save), error,
    el("h2", {}, t("editHolding")), el("table", {}, holding));
  await watchStations();
  const timer = setInterval(() => { if (!document.body.contains(holding)) clearInterval(timer); else watchStations().catch(() => {}); }, 2000);
}
