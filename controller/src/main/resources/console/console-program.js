"use strict";
// The program's editor (issue 18), loaded by console-calendar.js on first use: session times and weekdays,
// one-off sessions, cancellations, a village's own program. Every change is checked before it is sent:
// cheap checks here, then the server's dry run (POST /api/program/check); each problem is shown next to
// the field at fault (the place the server read from the compiler's words, schedule.ProblemPlace).
words({
  progTitle: "Chương trình phát", progFollows: "đang theo chương trình của xã.",
  progMakeOwn: "Cho thôn chương trình riêng", progFollowAgain: "Theo lại chương trình của xã",
  progSure: "Bỏ chương trình riêng? Bấm lần nữa để chắc chắn", progDaily: "Buổi phát hằng ngày",
  progOneOff: "Buổi phát thêm (một lần)", progCancel: "Ngày nghỉ, buổi bị hủy", progAddDaily: "Thêm buổi hằng ngày",
  progAddOneOff: "Thêm buổi phát một lần", progAddCancel: "Thêm ngày nghỉ / buổi hủy", progId: "Mã buổi",
  progName: "Tên buổi", progStart: "Bắt đầu", progEnd: "Kết thúc", progDays: "Ngày trong tuần",
  progFrom: "Áp dụng từ ngày", progUntil: "Đến hết ngày", progDate: "Ngày", progSession: "Buổi bị hủy",
  progWholeDay: "Cả ngày", progReason: "Lý do", progItems: "Danh sách phát", progAdd: "Thêm",
  progRemove: "Xóa buổi này", progRemoveCancel: "Bỏ ngày nghỉ này",
  progFull: "Sửa danh sách đầy đủ (thứ tự, tiếp sóng, bản ghi, âm lượng)", progSave: "Lưu và gửi lịch",
  progChecking: "Đang kiểm tra…", progOk: "Không có vấn đề.", progAlready: "Đã có từ trước, không cản việc lưu",
  progOther: "Vấn đề khác", progNoTime: "Thiếu giờ", progBackwards: "Giờ kết thúc phải sau giờ bắt đầu",
  progQuiet: "Trùng giờ yên lặng của xã", progOverlap: "Trùng giờ", progTooLong: "Danh sách phát dài hơn buổi phát",
  progNoDay: "Chọn ít nhất một ngày", progNoDate: "Thiếu ngày",
  progBadId: "Mã buổi chỉ gồm a-z, 0-9, dấu chấm, gạch ngang, gạch dưới", progSameId: "Mã buổi này đã dùng",
  progWindow: "Ngày kết thúc trước ngày bắt đầu", day1: "T2", day2: "T3", day3: "T4", day4: "T5", day5: "T6",
  day6: "T7", day7: "CN"
}, {
  progTitle: "Program", progFollows: "follows the commune's program.",
  progMakeOwn: "Give the village its own program", progFollowAgain: "Follow the commune's program again",
  progSure: "Drop the village's own program? Press again to confirm", progDaily: "Daily sessions",
  progOneOff: "Extra sessions (once)", progCancel: "Days off, cancelled sessions",
  progAddDaily: "Add a daily session", progAddOneOff: "Add a one-off session",
  progAddCancel: "Add a day off / cancellation", progId: "Session id", progName: "Name", progStart: "Start",
  progEnd: "End", progDays: "Weekdays", progFrom: "Valid from", progUntil: "Valid until", progDate: "Date",
  progSession: "Cancelled session", progWholeDay: "The whole day", progReason: "Reason", progItems: "Playlist",
  progAdd: "Add", progRemove: "Remove this session", progRemoveCancel: "Remove this day off",
  progFull: "Full playlist editor (order, relays, recordings, volume)", progSave: "Save and send the schedule",
  progChecking: "Checking…", progOk: "No problems.", progAlready: "Already there, does not stop saving",
  progOther: "Other problems", progNoTime: "Time missing", progBackwards: "The end must be after the start",
  progQuiet: "In the commune's quiet hours", progOverlap: "Overlap",
  progTooLong: "The playlist is longer than the session", progNoDay: "Choose at least one day",
  progNoDate: "Date missing", progBadId: "A session id has only a-z, 0-9, dot, dash, underscore",
  progSameId: "This session id is already used", progWindow: "The end date is before the start date", day1: "Mon",
  day2: "Tue", day3: "Wed", day4: "Thu", day5: "Fri", day6: "Sat", day7: "Sun"
});

const WEEKDAYS = ["MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY", "SUNDAY"];
const SESSION_ID = /^[a-z0-9][a-z0-9._-]{0,63}$/;

/** "05:30" or "05:30:15" as seconds of the day; null when empty. */
function daySeconds(time) {
  if (!time) return null;
  const [h, m, s] = String(time).split(":").map(Number);
  return h * 3600 + m * 60 + (s || 0);
}

/** Whether a daily session may run on {@code date} (yyyy-mm-dd): its weekdays, dates and validity window. */
function runsOn(d, date) {
  const day = WEEKDAYS[(new Date(date + "T00:00:00Z").getUTCDay() + 6) % 7];
  return (!d.weekdays || d.weekdays.includes(day)) && (!d.dates || d.dates.includes(date))
    && (!d.validFrom || date >= d.validFrom) && (!d.validUntil || date <= d.validUntil);
}

/** Whether two daily sessions may fall on one day. */
function shareADay(a, b) {
  if (a.weekdays && b.weekdays && !a.weekdays.some(w => b.weekdays.includes(w))) return false;
  if (a.dates && b.dates && !a.dates.some(x => b.dates.includes(x))) return false;
  if (a.validUntil && b.validFrom && a.validUntil < b.validFrom) return false;
  return !(b.validUntil && a.validFrom && b.validUntil < a.validFrom);
}

/**
 * The checks that need no server, in the check route's shape ({text, blocking, places}): times missing or
 * backwards, quiet hours, sessions of this program overlapping, a playlist longer than its session, ids.
 */
function localProblems(program, byId) {
  const out = [];
  const at = (session, field, text, date) => out.push({ text, blocking: true, places: [{ session, field, date }] });
  const all = [...program.daily.map(s => ({ s, daily: true })), ...program.oneOff.map(s => ({ s, daily: false }))];
  const ids = new Set();
  const quiet = App.commune && App.commune.quietHours;
  for (const { s, daily } of all) {
    if (!SESSION_ID.test(s.id || "")) at(s.id, "id", t("progBadId"));
    else if (ids.has(s.id)) at(s.id, "id", t("progSameId") + ": " + s.id);
    ids.add(s.id);
    const start = daySeconds(s.start), end = daySeconds(s.end);
    if (start === null) at(s.id, "start", t("progNoTime"));
    if (end === null) at(s.id, "end", t("progNoTime"));
    if (!daily && !s.date) at(s.id, "date", t("progNoDate"));
    if (daily && s.weekdays && !s.weekdays.length) at(s.id, "weekdays", t("progNoDay"));
    if (daily && s.validFrom && s.validUntil && s.validUntil < s.validFrom) at(s.id, "validUntil", t("progWindow"));
    if (start === null || end === null) continue;
    if (end <= start) { at(s.id, "end", t("progBackwards") + " (" + s.start + "–" + s.end + ")"); continue; }
    if (quiet) {
      const q0 = daySeconds(quiet.start), q1 = daySeconds(quiet.end);
      const inQuiet = q0 < q1 ? start < q1 && end > q0 : start < q1 || end > q0;
      if (inQuiet) at(s.id, "start", t("progQuiet") + " " + quiet.start + "–" + quiet.end);
    }
    const files = s.items.filter(i => typeof i === "string").reduce((a, i) => a + lengthMs(byId.get(i) || {}), 0);
    if (files > (end - start) * 1000) at(s.id, "items", t("progTooLong") + ": " + minutes(files) + " > " + minutes((end - start) * 1000));
  }
  for (let i = 0; i < all.length; i++) {
    for (let j = i + 1; j < all.length; j++) {
      const a = all[i], b = all[j];
      const [a0, a1, b0, b1] = [a.s.start, a.s.end, b.s.start, b.s.end].map(daySeconds);
      if ([a0, a1, b0, b1].includes(null) || a1 <= a0 || b1 <= b0 || !(a0 < b1 && b0 < a1)) continue;
      const same = a.daily && b.daily ? shareADay(a.s, b.s) : a.daily ? runsOn(a.s, b.s.date || "")
        : b.daily ? runsOn(b.s, a.s.date || "") : a.s.date && a.s.date === b.s.date;
      if (!same) continue;
      const [first, second] = a0 <= b0 ? [a.s, b.s] : [b.s, a.s];
      const named = x => (x.name || x.id) + " (" + x.start + "–" + x.end + ")";
      out.push({ text: t("progOverlap") + ": " + named(first) + " — " + named(second), blocking: true,
        places: [{ session: first.id, field: "end" }, { session: second.id, field: "start" }] });
    }
  }
  for (const c of program.cancellations) {
    if (!c.date) out.push({ text: t("progNoDate"), blocking: true, places: [{ field: "cancellation-date", key: c }] });
  }
  return out;
}

/** A short playlist: its items with a remove button each, and a library item to add. */
function playlistEditor(items, byId, library, changed, id, sources) {
  const list = el("ul", { class: "playlist", "data-field": "items", id: id + "-items" });
  const draw = () => list.replaceChildren(...items.map((entry, k) => el("li", {}, entryLabel(entry, byId, sources) + " ",
    el("button", { type: "button", class: "secondary", "aria-label": t("editRemove"),
      onclick: () => { items.splice(k, 1); draw(); changed(); } }, "✕"))));
  const pick = el("select", { id: id + "-pick", "aria-label": t("editAdd") }, library.filter(i => i.category !== "warning")
    .map(i => el("option", { value: i.id }, i.title + " (" + minutes(lengthMs(i)) + ")")));
  draw();
  return el("div", { class: "field" }, el("span", { class: "label" }, t("progItems")), list, el("div", { class: "row" }, pick,
    el("button", { type: "button", class: "secondary", id: id + "-add", onclick: () => {
      items.push(pick.value); draw(); changed(); } }, t("progAdd"))));
}

/** The program's editor, of the commune or of one village: times, weekdays, one-off sessions, cancellations. */
async function editProgramNow(village) {
  // The named sources only name a replay's source ("Bản ghi mới nhất: VOV1"): a 403 is no reason to fail.
  const [view, { items: library }, sources] = await Promise.all([api("GET", "/api/program"), api("GET", "/api/library"),
    api("GET", "/api/live/sources").catch(() => [])]);
  const byId = new Map(library.map(i => [i.id, i]));
  const own = village ? view.villages.find(v => v.id === village) : null;
  if (village && !own) throw new Error(village);
  const back = el("p", {}, el("a", { href: "#/calendar" }, "← " + t("back")));
  const heading = el("h1", {}, t("progTitle") + " — " + (own ? own.name : t("progOfCommune")));
  const error = el("div", { class: "error", role: "alert" });
  const path = own ? "/api/villages/" + encodeURIComponent(village) + "/program" : "/api/program";
  const ifMatch = { "If-Match": '"' + view.revision + '"' };
  if (own && !own.program) {
    // Copying the commune's program is the start of a village's own: the operator then changes what differs.
    show(back, heading, el("p", {}, own.name + " " + t("progFollows")), el("p", {}, el("button", { type: "button",
      id: "make-own", onclick: async () => {
        try { await api("PUT", path, view.commune, ifMatch); toast(t("saved")); editProgramNow(village); }
        catch (e) { error.replaceChildren(e.message); }
      } }, t("progMakeOwn") + ": " + own.name)), error);
    return;
  }
  let revision = view.revision;
  const source = own ? own.program : view.commune;
  const hm = x => x && x.length === 8 && x.endsWith(":00") ? x.slice(0, 5) : x; // "05:30:00" is shown as 05:30
  const copy = s => Object.assign({}, s, { start: hm(s.start), end: hm(s.end), items: [...s.items] });
  const program = { daily: (source.daily || []).map(copy), oneOff: (source.oneOff || []).map(copy),
    cancellations: (source.cancellations || []).map(c => Object.assign({}, c)) };
  const saved = new Set([...program.daily, ...program.oneOff].map(s => s.id));
  // Which villages a problem of this program can be about: those following it.
  const ownIds = new Set(view.villages.filter(v => v.program).map(v => v.id));
  const concerns = p => !p.village || (own ? p.village === village : !ownIds.has(p.village));
  const form = el("div", { id: "program-form" });
  const top = el("div", { id: "problems-top", "aria-live": "polite" });
  const save = el("button", { type: "button", id: "save-program" }, t("progSave"));
  let version = 0, checked = -1, lastProblems = [], timer = null;

  const input = (id, field, type, value, set, label, attrs) => {
    const i = el("input", Object.assign({ id, type, value: value || "", "data-field": field }, attrs || {}));
    i.addEventListener("input", () => { set(i.value || null); changed(); });
    return el("div", { class: "field" }, el("label", { for: id }, label), i);
  };
  const sessionBox = (s, daily, k) => {
    const id = (daily ? "d" : "o") + k;
    const box = el("fieldset", { class: "card", "data-session": s.id, "data-kind": daily ? "daily" : "oneOff" },
      el("legend", {}, (s.name || s.id) + " " + (s.start || "").slice(0, 5)));
    box.append(input(id + "-id", "id", "text", s.id, v => { s.id = v || ""; box.dataset.session = s.id; }, t("progId"),
      saved.has(s.id) ? { readonly: true } : { pattern: SESSION_ID.source }));
    box.append(input(id + "-name", "name", "text", s.name, v => { s.name = v; }, t("progName")));
    if (!daily) box.append(input(id + "-date", "date", "date", s.date, v => { s.date = v; }, t("progDate")));
    box.append(el("div", { class: "row times" },
      input(id + "-start", "start", "time", (s.start || "").slice(0, 5), v => { s.start = v; }, t("progStart")),
      input(id + "-end", "end", "time", (s.end || "").slice(0, 5), v => { s.end = v; }, t("progEnd"))));
    if (daily) {
      const days = el("fieldset", { class: "days", "data-field": "weekdays", id: id + "-weekdays" },
        el("legend", {}, t("progDays")), WEEKDAYS.map((w, n) => {
          const c = el("input", { type: "checkbox", id: id + "-" + w, value: w, checked: !s.weekdays || s.weekdays.includes(w) });
          c.addEventListener("change", () => {
            const on = WEEKDAYS.filter(x => document.getElementById(id + "-" + x).checked);
            s.weekdays = on.length === 7 ? null : on; // every day is said by saying none
            changed();
          });
          return el("label", { for: id + "-" + w }, c, t("day" + (n + 1)));
        }));
      box.append(el("div", { class: "field" }, days));
      box.append(el("div", { class: "row times" },
        input(id + "-from", "validFrom", "date", s.validFrom, v => { s.validFrom = v; }, t("progFrom")),
        input(id + "-until", "validUntil", "date", s.validUntil, v => { s.validUntil = v; }, t("progUntil"))));
    }
    box.append(playlistEditor(s.items, byId, library, changed, id, sources));
    if (daily && saved.has(s.id)) {
      box.append(el("p", {}, el("a", { href: "#/calendar/edit/" + encodeURIComponent(s.id)
        + (own ? "/" + encodeURIComponent(village) : "") }, t("progFull"))));
    }
    box.append(el("p", {}, el("button", { type: "button", class: "secondary", id: id + "-remove", onclick: () => {
      (daily ? program.daily : program.oneOff).splice(k, 1); draw(); changed(); } }, t("progRemove"))));
    return box;
  };
  const cancelBox = (c, k) => {
    const id = "c" + k;
    const box = el("fieldset", { class: "card", "data-cancel": c.date || "" }, el("legend", {}, t("progCancel")));
    const date = input(id + "-date", "cancellation-date", "date", c.date, v => { c.date = v; box.dataset.cancel = v || ""; },
      t("progDate"));
    const pick = el("select", { id: id + "-session", "data-field": "cancellation" });
    // The sessions as they are when the list is opened: one added or renamed since the page was drawn is there.
    let filled = null;
    const fill = () => {
      const sessions = [...program.daily, ...program.oneOff];
      const key = JSON.stringify(sessions.map(s => [s.id, s.name, s.start]));
      if (key === filled) return; // unchanged: the options (and the one being picked) stay
      filled = key;
      pick.replaceChildren(el("option", { value: "" }, t("progWholeDay")), ...sessions.map(s => el("option",
        { value: s.id, selected: c.session === s.id }, (s.name || s.id) + " " + (s.start || "").slice(0, 5))),
        c.session && !sessions.some(s => s.id === c.session) ? el("option", { value: c.session, selected: true }, c.session) : "");
    };
    fill();
    pick.addEventListener("focus", fill);
    pick.addEventListener("change", () => { c.session = pick.value || null; changed(); });
    box.append(date, el("div", { class: "field" }, el("label", { for: id + "-session" }, t("progSession")), pick),
      input(id + "-reason", "reason", "text", c.reason, v => { c.reason = v; }, t("progReason")),
      el("p", {}, el("button", { type: "button", class: "secondary", id: id + "-remove", onclick: () => {
        program.cancellations.splice(k, 1); draw(); changed(); } }, t("progRemoveCancel"))));
    return box;
  };
  const unused = prefix => { let n = 1; while ([...program.daily, ...program.oneOff].some(s => s.id === prefix + n)) n++; return prefix + n; };
  const draw = () => form.replaceChildren(...[
    el("h2", {}, t("progDaily")), program.daily.map((s, k) => sessionBox(s, true, k)),
    el("p", {}, el("button", { type: "button", class: "secondary", id: "add-daily", onclick: () => {
      program.daily.push({ id: unused("buoi-"), name: "", start: "", end: "", items: [] }); draw(); changed(); } },
      t("progAddDaily"))),
    el("h2", {}, t("progOneOff")), program.oneOff.map((s, k) => sessionBox(s, false, k)),
    el("p", {}, el("button", { type: "button", class: "secondary", id: "add-one-off", onclick: () => {
      program.oneOff.push({ id: unused("mot-lan-"), name: "", date: "", start: "", end: "", items: [] }); draw(); changed(); } },
      t("progAddOneOff"))),
    el("h2", {}, t("progCancel")), program.cancellations.map((c, k) => cancelBox(c, k)),
    el("p", {}, el("button", { type: "button", class: "secondary", id: "add-cancel", onclick: () => {
      program.cancellations.push({ date: "", session: null, reason: "" }); draw(); changed(); } }, t("progAddCancel")))
  ].flat());

  /**
   * Each problem next to its field (aria-describedby), the ones without a place above Save; a notice of the check
   * ({note: true}: a replay with no recording yet) next to its field too, never above Save (it is no problem).
   */
  const place = problems => {
    form.querySelectorAll(".problem").forEach(n => n.remove());
    form.querySelectorAll("[aria-invalid]").forEach(n => { n.removeAttribute("aria-invalid"); n.removeAttribute("aria-describedby"); });
    const unplaced = [];
    const shown = new Set();
    let n = 0;
    for (const p of problems) {
      const words = p.text.replace(/^village [^:]+: /, "");
      let placed = false;
      for (const at of (p.places || []).filter(concerns)) {
        const box = at.field === "cancellation" ? form.querySelector("fieldset[data-cancel='" + at.date + "']")
          : at.field === "cancellation-date" ? form.querySelectorAll("fieldset[data-cancel]")[program.cancellations.indexOf(at.key)]
          : at.session ? [...form.querySelectorAll("fieldset[data-session]")].find(b => b.dataset.session === at.session) : null;
        if (!box) continue;
        placed = true;
        const field = box.querySelector("[data-field='" + (at.field === "cancellation-date" ? "cancellation-date" : at.field) + "']");
        const key = [...form.querySelectorAll("fieldset.card")].indexOf(box) + "|" + at.field + "|" + words;
        if (shown.has(key)) continue; // the same words for every village following the program: once
        shown.add(key);
        const id = "problem-" + (++n);
        const message = el("p", { class: "problem " + (p.blocking ? "error" : "warn-text"), id, "data-for": at.field || "" },
          p.note ? noticeWords(p.text, sources) : p.blocking ? words : t("progAlready") + ": " + words);
        if (field) {
          field.setAttribute("aria-invalid", "true");
          field.setAttribute("aria-describedby", ((field.getAttribute("aria-describedby") || "") + " " + id).trim());
          (field.closest(".field") || field).append(message);
        } else {
          box.append(message);
        }
      }
      if (!placed && !p.note) unplaced.push(p);
    }
    top.replaceChildren(...(unplaced.length ? [el("p", {}, el("strong", {}, t("progOther"))), el("ul", {},
      unplaced.map(p => el("li", { class: "problem " + (p.blocking ? "error" : "warn-text") }, p.text)))] : []));
  };
  const status = el("p", { id: "check-state", class: "muted", "aria-live": "polite" });
  const check = async () => {
    const asked = version;
    const local = localProblems(program, byId);
    if (local.length) { lastProblems = local; checked = asked; place(local); status.textContent = ""; save.disabled = true; return local; }
    status.textContent = t("progChecking");
    const answer = await api("POST", "/api/program/check", { village: own ? village : null, program });
    if (asked !== version) return null; // an edit came meanwhile: its own check follows
    lastProblems = answer.problems;
    checked = asked;
    place([...lastProblems, ...(answer.notices || []).map(n => Object.assign({ note: true }, n))]);
    status.textContent = lastProblems.length ? "" : t("progOk");
    save.disabled = lastProblems.some(p => p.blocking);
    return lastProblems;
  };
  // Checked on every edit, the server's dry run 400 ms after the last keystroke; Save waits for no problem.
  const changed = () => {
    version++;
    clearTimeout(timer);
    const local = localProblems(program, byId);
    save.disabled = local.length > 0;
    if (local.length) { place(local); status.textContent = ""; return; }
    timer = setTimeout(() => check().catch(e => { status.textContent = e.message; }), 400);
  };
  save.addEventListener("click", async () => {
    error.replaceChildren();
    clearTimeout(timer);
    try {
      const problems = checked === version ? lastProblems : await check();
      if (!problems || problems.some(p => p.blocking)) return;
      const answer = await api("PUT", path, program, { "If-Match": '"' + revision + '"' });
      revision = answer.revision;
      saved.clear();
      [...program.daily, ...program.oneOff].forEach(s => saved.add(s.id));
      toast(t("saved"));
      draw();
      await check();
    } catch (e) {
      error.replaceChildren(e.message, e.status === 412 ? el("p", {}, el("button", { type: "button", class: "secondary",
        onclick: () => editProgramNow(village) }, t("editReload"))) : "");
      if (e.status === 422) await check().catch(() => {});
    }
  });
  let sure = false;
  const follow = own ? el("button", { type: "button", class: "secondary", id: "follow-commune", onclick: async () => {
    if (!sure) { sure = true; follow.textContent = t("progSure"); return; }
    try { await api("DELETE", path, undefined, { "If-Match": '"' + revision + '"' }); toast(t("saved")); location.hash = "#/calendar"; }
    catch (e) { error.replaceChildren(e.message); }
  } }, t("progFollowAgain")) : null;
  draw();
  show(back, heading, follow ? el("p", {}, follow) : "", form, top, status, el("p", {}, save), error);
  await check().catch(e => { status.textContent = e.message; });
}
