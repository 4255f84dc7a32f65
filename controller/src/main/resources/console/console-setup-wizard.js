"use strict";
// First start (issue 18): the setup server's wizard for the commune, then on the controller the first station.
// Fetched by console-setup.js only when needed: no later start carries it.
words({
  setTitle: "Thiết lập đài truyền thanh xã", setIntro: "Lần chạy đầu: nhập xã, các thôn/ấp và giờ hai buổi phát; sau đó thêm cụm loa đầu tiên.",
  setCommune: "1. Xã", setName: "Tên xã", setId: "Mã xã (dùng trong hệ thống)", setForever: "Mã xã và múi giờ không đổi được sau này.",
  setZone: "Múi giờ", setVillages: "2. Các thôn, ấp", setVillage: "Tên thôn/ấp", setAddVillage: "Thêm thôn/ấp",
  setRemove: "Bỏ", setSessions: "3. Hai buổi phát mỗi ngày", setMorning: "Buổi sáng", setEvening: "Buổi chiều",
  setStart: "Bắt đầu", setEnd: "Kết thúc", setQuiet: "Giờ yên tĩnh (chỉ phát cảnh báo khẩn)", setQuietOn: "Có giờ yên tĩnh",
  setReview: "4. Xem lại", setSend: "Thiết lập xã", setStarting: "Đang khởi động máy chủ…",
  setSlow: "Máy chủ chưa trả lời, vẫn đang chờ…", setEndBeforeStart: "Giờ kết thúc phải sau giờ bắt đầu.",
  setOverlap: "Hai buổi trùng giờ nhau.", setInQuiet: "Buổi phát rơi vào giờ yên tĩnh.", setNeedName: "Cần tên.",
  setWait: "Xã chưa được thiết lập. Quản trị viên (admin) làm việc này trước.",
  stTitle: "Cụm loa đầu tiên", stIntro: "Mỗi cụm loa là một máy Raspberry Pi ở thôn, nối với âm ly và loa.",
  stVillage: "Thôn/ấp", stId: "Mã cụm loa", stName: "Tên cụm loa", stAdd: "Thêm cụm loa", stAdded: "Đã thêm cụm loa",
  stAudio: "Thiết bị âm thanh trên Pi", stRelays: "Rơ-le (tên:chân GPIO)", stBundle: "Tải gói cài đặt",
  stNoBundle: "Máy chủ này chưa tạo được gói cài đặt từ trang web. Trên máy chủ, chạy:",
  stInstall: "Chép gói sang máy Pi, giải nén và chạy sudo ./install.sh (xem docs/station-install.md).",
  stGot: "Đã tải gói cài đặt", stLoopback: "Máy chủ MQTT chỉ nghe trên 127.0.0.1: máy Pi chưa kết nối được. Khởi động máy chủ với --mqtt-host 0.0.0.0.",
  stNoJar: "Gói chưa có phần mềm trạm: chạy install.sh --jar ĐƯỜNG_DẪN.",
  stNext: "Tiếp theo: thêm bản tin cho mỗi buổi phát", stNextText: "Buổi chưa có bản tin thì lịch chưa gửi đi. Tải bản tin lên Thư viện, rồi thêm vào hai buổi ở Lịch phát.",
  stAnother: "Thêm cụm loa khác", stDone: "Xong, đến Lịch phát"
}, {
  setTitle: "Set up the commune radio", setIntro: "First start: the commune, its villages and the two daily sessions; then the first station.",
  setCommune: "1. Commune", setName: "Commune name", setId: "Commune id (used by the system)", setForever: "The id and the time zone cannot be changed later.",
  setZone: "Time zone", setVillages: "2. Villages", setVillage: "Village name", setAddVillage: "Add a village",
  setRemove: "Remove", setSessions: "3. The two daily sessions", setMorning: "Morning", setEvening: "Evening",
  setStart: "Start", setEnd: "End", setQuiet: "Quiet hours (emergencies only)", setQuietOn: "Keep quiet hours",
  setReview: "4. Review", setSend: "Set up the commune", setStarting: "Starting the server…",
  setSlow: "The server has not answered yet; still waiting…", setEndBeforeStart: "The end must be after the start.",
  setOverlap: "The two sessions overlap.", setInQuiet: "The session falls in the quiet hours.", setNeedName: "A name is needed.",
  setWait: "The commune is not set up yet. The administrator (admin) does it first.",
  stTitle: "The first station", stIntro: "Each station is a Raspberry Pi in a village, wired to an amplifier and loudspeakers.",
  stVillage: "Village", stId: "Station id", stName: "Station name", stAdd: "Add the station", stAdded: "Station added",
  stAudio: "Sound device on the Pi", stRelays: "Relays (name:GPIO pin)", stBundle: "Download the install bundle",
  stNoBundle: "This server cannot make the bundle from the web page yet. On the server, run:",
  stInstall: "Copy the bundle onto the Pi, unpack it and run sudo ./install.sh (see docs/station-install.md).",
  stGot: "Bundle downloaded", stLoopback: "The MQTT broker listens on 127.0.0.1 only: no Pi can connect yet. Start the server with --mqtt-host 0.0.0.0.",
  stNoJar: "The bundle has no station software: run install.sh --jar PATH.",
  stNext: "Next: add a recording to each session", stNextText: "Sessions without recordings keep the schedule back. Upload them in the Library, then add them to both sessions in the Calendar.",
  stAnother: "Add another station", stDone: "Done: to the calendar"
});

/** The id the server makes from a name (CommuneDraft.slug). */
function slug(name) {
  return name.replace(/đ/g, "d").replace(/Đ/g, "D").normalize("NFD").replace(/\p{M}+/gu, "").toLowerCase()
    .replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 64).replace(/-+$/, "");
}

/** From start() on the setup server: the wizard for an administrator, a note for others. */
function firstStartNow(state) {
  App.lang = App.user.language === "en" ? "en" : "vi";
  relabel();
  document.getElementById("who").textContent = (App.user.displayName || App.user.username) + " · " +
    t("role" + App.user.role);
  document.getElementById("logout").hidden = false;
  document.getElementById("nav").replaceChildren();
  if (App.user.role !== "ADMIN") { show(el("h1", {}, t("setTitle")), el("p", {}, t("setWait"))); return; }
  if (state.starting) awaitController(); else setupWizard();
}

/** A labelled input and, after it, the <p> for its error (by the server's field name). */
function setupField(id, label, attrs, field) {
  const input = el("input", Object.assign({ id, "data-field": field || id }, attrs));
  return [el("label", { for: id }, label), input, el("p", { class: "error", role: "alert", "data-error": field || id })];
}

function setupWizard() {
  const form = el("form", { novalidate: true });
  const value = id => form.querySelector("#" + id).value.trim();
  const villages = el("div", { id: "villages" });
  let rows = 0;
  const addVillage = name => {
    const i = rows++;
    const input = el("input", { id: "village-" + i, type: "text", required: true, value: name || "",
      "aria-label": t("setVillage") + " " + (i + 1) });
    const row = el("div", {}, el("div", { class: "village-row" }, input,
      el("button", { type: "button", class: "secondary", onclick: () => { row.remove(); review(); } }, t("setRemove"))),
      el("p", { class: "error", role: "alert" }));
    villages.append(row);
    return input;
  };
  const villageInputs = () => [...villages.querySelectorAll("input")];
  const time = (id, v) => setupField(id, t(id.endsWith("start") ? "setStart" : "setEnd"),
    { type: "time", value: v, required: true }, id.replace("-", "."));
  const pair = (key, s, from, to) => [el("h2", {}, t(key)), el("div", { class: "row times" },
    el("div", {}, time(s + "-start", from)), el("div", {}, time(s + "-end", to)))];
  const quietOn = el("input", { id: "quiet-on", type: "checkbox", checked: true });
  const summary = el("dl", { class: "setup-review" });
  const send = el("button", { type: "submit" }, t("setSend"));

  form.append(
    el("h1", {}, t("setTitle")), el("p", {}, t("setIntro")),
    el("fieldset", {}, el("legend", {}, t("setCommune")),
      setupField("name", t("setName"), { type: "text", required: true, autocomplete: "off" }),
      setupField("id", t("setId"), { type: "text", pattern: "[a-z0-9][a-z0-9._-]{0,63}", autocomplete: "off" }),
      setupField("timeZone", t("setZone"), { type: "text", list: "zones", value: "Asia/Ho_Chi_Minh" }),
      el("datalist", { id: "zones" }, ["Asia/Ho_Chi_Minh", "Asia/Bangkok", "Asia/Vientiane", "Asia/Phnom_Penh"]
        .map(z => el("option", { value: z }))),
      el("p", { class: "warn-text" }, t("setForever"))),
    el("fieldset", {}, el("legend", {}, t("setVillages")), villages,
      el("button", { type: "button", class: "secondary", onclick: () => { addVillage().focus(); review(); } },
        t("setAddVillage"))),
    el("fieldset", {}, el("legend", {}, t("setSessions")),
      pair("setMorning", "morning", "05:30", "06:30"), pair("setEvening", "evening", "17:00", "18:00"),
      el("div", { class: "choices" }, el("label", {}, quietOn, t("setQuietOn"))), pair("setQuiet", "quiet", "22:00", "05:00")),
    el("fieldset", {}, el("legend", {}, t("setReview")), summary), el("p", {}, send),
    el("p", { class: "error", role: "alert", id: "setup-error" }));
  addVillage();
  show(form);

  let idTouched = false;
  form.querySelector("#id").addEventListener("input", () => { idTouched = true; });
  form.querySelector("#name").addEventListener("input", () => { if (!idTouched) form.querySelector("#id").value = slug(value("name")); });
  const draft = () => ({
    name: value("name"), id: value("id") || null, timeZone: value("timeZone") || null,
    villages: villageInputs().map(i => ({ name: i.value.trim() })),
    morning: { start: value("morning-start"), end: value("morning-end") },
    evening: { start: value("evening-start"), end: value("evening-end") },
    quietHours: quietOn.checked ? { start: value("quiet-start"), end: value("quiet-end") } : null
  });
  function review() {
    const d = draft();
    const names = d.villages.map(v => v.name).filter(Boolean);
    const item = (k, v) => [el("dt", {}, k), el("dd", {}, v)];
    const span = x => x.start + "–" + x.end;
    summary.replaceChildren(...item(t("setName"), (d.name || "—") + " (" + (d.id || "—") + ")"),
      ...item(t("setZone"), d.timeZone || "Asia/Ho_Chi_Minh"),
      ...item(t("setVillages").slice(3), names.length + ": " + names.join(", ")),
      ...item(t("setMorning") + " · " + t("setEvening"), span(d.morning) + " · " + span(d.evening)),
      ...(d.quietHours ? item(t("setQuiet"), span(d.quietHours)) : []));
  }
  const errorOf = input => input.dataset.field ? form.querySelector('[data-error="' + input.dataset.field + '"]')
    : input.parentElement.nextElementSibling;
  form.addEventListener("input", ev => {
    if (ev.target.hasAttribute("aria-invalid")) { ev.target.removeAttribute("aria-invalid"); errorOf(ev.target).textContent = ""; }
    review();
  });
  review();

  /** The error beside its field (villages[1].name, evening.end). */
  const fault = (field, message) => {
    const m = /^villages\[(\d+)\]/.exec(field || "");
    const input = m ? villageInputs()[Number(m[1])] : form.querySelector('[data-field="' + field + '"]');
    const box = (input && errorOf(input)) || form.querySelector("#setup-error");
    box.textContent = message;
    if (input) { input.setAttribute("aria-invalid", "true"); input.focus(); }
    return false;
  };
  /** Checked here first; the server checks it all again. */
  const checked = d => {
    if (!d.name) return fault("name", t("setNeedName"));
    const empty = d.villages.findIndex(v => !v.name);
    if (d.villages.length === 0) { addVillage(); return fault("villages[0].name", t("setNeedName")); }
    if (empty >= 0) return fault("villages[" + empty + "].name", t("setNeedName"));
    for (const s of ["morning", "evening"]) if (!(d[s].end > d[s].start)) return fault(s + ".end", t("setEndBeforeStart"));
    if (d.morning.start < d.evening.end && d.evening.start < d.morning.end) return fault("evening.start", t("setOverlap"));
    const q = d.quietHours;
    const inQuiet = s => q.start < q.end ? s.start < q.end && q.start < s.end : s.start < q.end || q.start < s.end;
    if (q) for (const s of ["morning", "evening"]) if (inQuiet(d[s])) return fault(s + ".start", t("setInQuiet"));
    return true;
  };
  form.addEventListener("submit", async ev => {
    ev.preventDefault();
    form.querySelectorAll(".error").forEach(p => { p.textContent = ""; });
    form.querySelectorAll("[aria-invalid]").forEach(i => i.removeAttribute("aria-invalid"));
    const d = draft();
    if (!checked(d)) return;
    send.disabled = true;
    try {
      await api("POST", "/api/setup", d);
    } catch (e) {
      send.disabled = false;
      // 409: set up already (a second tab, a double click): the controller is on its way.
      if (e.status && e.status !== 409) { fault(e.body && e.body.field, e.message); return; }
      // No answer: the server may be starting already; the wait tells.
    }
    awaitController();
  });
}

/** The controller takes the setup server's address; the session carries over. */
function awaitController() {
  const bar = el("progress", { "aria-label": t("setStarting") });
  const note = el("p", { class: "muted", role: "status" }, t("setStarting"));
  show(el("h1", {}, t("setTitle")), note, bar);
  const began = Date.now();
  const poll = async () => {
    const state = await fetch("/api/setup").then(r => r.ok ? r.json() : null).catch(() => null);
    // "starting": the setup server, between the import and its close.
    if (state && state.needed === false && !state.starting) {
      history.replaceState(null, "", "#/setup/station");
      await start();
      return;
    }
    if (state && state.needed && Date.now() - began > 5000) { setupWizard(); return; } // no answer, and not taken
    if (Date.now() - began > 30000) note.textContent = t("setSlow");
    setTimeout(poll, 1000);
  };
  setTimeout(poll, 1000);
}

/** On the controller: the first station, its bundle, and where recordings go next. */
async function firstStation() {
  const villages = await api("GET", "/api/villages");
  const village = el("select", { id: "st-village" }, villages.map(v => el("option", { value: v.id }, v.name)));
  const id = el("input", { id: "st-id", type: "text", required: true, pattern: "[a-z0-9][a-z0-9._-]{0,63}" });
  const name = el("input", { id: "st-name", type: "text" });
  const suggest = () => {
    const v = villages.find(x => x.id === village.value);
    id.value = v ? v.id + "-1" : "";
    name.value = v ? (App.lang === "vi" ? "Cụm loa " : "Station ") + v.name : "";
  };
  village.addEventListener("change", suggest);
  suggest();
  const error = el("p", { class: "error", role: "alert" });
  const result = el("div", {});
  const form = el("form", {
    onsubmit: async ev => {
      ev.preventDefault();
      error.textContent = "";
      try {
        const station = await api("POST", "/api/stations", { id: id.value.trim(), name: name.value.trim() || null,
          village: village.value });
        form.hidden = true;
        result.replaceChildren(stationBundle(station.id || id.value.trim(), village.value));
      } catch (e) {
        error.textContent = e.message;
      }
    }
  }, el("label", { for: "st-village" }, t("stVillage")), village, el("label", { for: "st-id" }, t("stId")), id,
    el("label", { for: "st-name" }, t("stName")), name, el("p", {}, el("button", { type: "submit" }, t("stAdd"))), error);
  show(el("h1", {}, t("stTitle")), el("p", {}, t("stIntro")), form, result,
    el("h2", {}, t("stNext")), el("p", {}, t("stNextText")),
    el("p", { class: "row" }, el("a", { class: "button", href: "#/library" }, t("navLibrary")),
      el("a", { class: "button", href: "#/calendar" }, t("stDone"))));
}

/** POST /api/stations/{id}/bundle; where the server has no such route, the command that makes one. */
function stationBundle(stationId, villageId) {
  const audio = el("input", { id: "st-audio", type: "text", value: "default" });
  const relays = el("input", { id: "st-relays", type: "text", value: "amp:17" });
  const error = el("p", { class: "error", role: "alert" });
  const got = el("div", { role: "status" });
  const fallback = el("div", { hidden: true }, el("p", {}, t("stNoBundle")),
    el("pre", {}, "sudo ./loalang provision station --user admin --station " + stationId + " --village " + villageId +
      " --relays amp:17 --audio-device \"USB Audio\""));
  const download = el("button", {
    type: "button", onclick: async () => {
      error.textContent = "";
      download.disabled = true;
      try {
        const r = await fetch("/api/stations/" + encodeURIComponent(stationId) + "/bundle", { method: "POST",
          headers: { "Content-Type": "application/json", Authorization: "Bearer " + sessionStorage.getItem("loalang.token") },
          body: JSON.stringify({ audioDevice: audio.value.trim(), relays: relays.value.trim() }) });
        // No bundle route (404), or no broker accounts kept here (409): the command on the server makes one.
        if (r.status === 404 || r.status === 405 || r.status === 409) { part.hidden = true; fallback.hidden = false; return; }
        if (!r.ok) { const b = await r.json().catch(() => null); throw new ApiError(r.status, b); }
        const link = el("a", { href: URL.createObjectURL(await r.blob()), download: "loalang-station-" + stationId + ".tar.gz" });
        document.body.append(link);
        link.click();
        link.remove();
        // What the archive holds, told in its headers (BundleRoutes): what the Pi will lack.
        got.replaceChildren(el("p", { class: "card", id: "bundle-got" }, t("stGot") + ": " + link.download),
          r.headers.get("X-Station-Broker-Loopback-Only") === "true" ? el("p", { class: "error" }, t("stLoopback")) : "",
          r.headers.get("X-Station-Agent-Jar") === "absent" ? el("p", { class: "warn-text" }, t("stNoJar")) : "");
      } catch (e) {
        error.textContent = e.message;
      } finally {
        download.disabled = false;
      }
    }
  }, t("stBundle"));
  const part = el("div", {}, el("label", { for: "st-audio" }, t("stAudio")), audio,
    el("label", { for: "st-relays" }, t("stRelays")), relays, el("p", {}, download), error, got);
  return el("div", { class: "card" }, el("p", { role: "status" }, t("stAdded") + ": " + stationId), part, fallback,
    el("p", {}, t("stInstall")),
    el("p", {}, el("button", { type: "button", class: "secondary", onclick: () => firstStation() }, t("stAnother"))));
}
