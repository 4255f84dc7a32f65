"use strict";
// Relays (issue 17): the commune's named live sources (VOV1, the province's station), and relay and replay entries
// in the operator's playlist editors (console-calendar.js calls entryLabel, entryLength, relayForm, latestForm and
// noticeWords; console-program.js entryLabel and noticeWords).
words({
  navRelays: "Nguồn tiếp sóng", relTitle: "Nguồn tiếp sóng", relId: "Mã nguồn", relName: "Tên", relUrl: "Địa chỉ (URL)",
  relKind: "Loại", relEndRule: "Kết thúc", relSilence: "Im lặng tối đa (giây)", relEnabled: "Đang dùng",
  relAdd: "Thêm nguồn", relSave: "Lưu nguồn", relEdit: "Sửa", relDelete: "Xoá", relNew: "Nguồn mới",
  relNone: "Chưa có nguồn tiếp sóng nào.", FIXED: "đúng giờ kết thúc", PROGRAMME_END: "khi chương trình kết thúc",
  AUTO: "tự nhận (MP3, AAC)", HLS: "HLS (.m3u8)",
  relEntry: "Tiếp sóng", relStart: "Bắt đầu", relEnd: "Kết thúc (giờ)", relMax: "hoặc tối đa (phút)",
  relFallback: "Khi mất tín hiệu", relFallbackItem: "Bản tin dự phòng", relAddEntry: "Thêm tiếp sóng",
  relNoFallback: "(không có)", ITEM_THEN_REST: "phát bản tin dự phòng rồi tiếp tục", REST_OF_SESSION: "bỏ qua, phát tiếp",
  WAIT: "chờ tín hiệu trở lại", relLatest: "Bản ghi mới nhất", relNeedEnd: "Cần giờ kết thúc hoặc số phút tối đa.",
  relNoSource: "Chưa có nguồn tiếp sóng: thêm ở trang Nguồn tiếp sóng.", relLatestOf: "Bản ghi mới nhất của…",
  relLatestAdd: "Thêm bản ghi mới nhất", relNote: "Lưu ý", relSource: "Nguồn",
  relNoneYet: "chưa có bản ghi nào của {s} trước giờ phát: cụm loa phát các bản tin khác của buổi, không có bản ghi.",
  relNoneAlone: "chưa có bản ghi nào của {s} trước giờ phát: buổi này không còn gì khác nên không phát."
}, {
  navRelays: "Relay sources", relTitle: "Relay sources", relId: "Source id", relName: "Name", relUrl: "Address (URL)",
  relKind: "Kind", relEndRule: "Ends", relSilence: "Longest silence (seconds)", relEnabled: "In use",
  relAdd: "Add a source", relSave: "Save the source", relEdit: "Edit", relDelete: "Delete", relNew: "New source",
  relNone: "No relay source yet.", FIXED: "at the end time", PROGRAMME_END: "when the programme ends",
  AUTO: "automatic (MP3, AAC)", HLS: "HLS (.m3u8)",
  relEntry: "Relay", relStart: "Start", relEnd: "End (time)", relMax: "or at most (minutes)",
  relFallback: "If the signal is lost", relFallbackItem: "Fallback item", relAddEntry: "Add a relay",
  relNoFallback: "(none)", ITEM_THEN_REST: "play the fallback item, then go on", REST_OF_SESSION: "skip it, go on",
  WAIT: "wait for the signal", relLatest: "Latest recording", relNeedEnd: "Give an end time or a number of minutes.",
  relNoSource: "No relay source yet: add one on the Relay sources page.", relLatestOf: "Latest recording of…",
  relLatestAdd: "Add the latest recording", relNote: "Note", relSource: "Source",
  relNoneYet: "no recording of {s} is kept before the session starts: the station plays the session's other items without it.",
  relNoneAlone: "no recording of {s} is kept before the session starts: the session has nothing else and does not play."
});

/** A source's name by its id ("VOV1" for vov1), from GET /api/live/sources; the id when it is not known. */
function sourceName(sources, id) {
  return ((sources || []).find(s => s.id === id) || {}).name || id;
}

/**
 * A playlist entry as the operator reads it: a library item's title, a relay's source and times, a replay of the
 * latest recording of a source ({@code sources}: the named sources, for its name).
 */
function entryLabel(entry, byId, sources) {
  if (typeof entry === "string") return ((byId.get(entry) || {}).title || entry) + " (" + minutes(lengthMs(byId.get(entry) || {})) + ")";
  if (entry.relay) {
    const until = entry.end ? String(entry.end).slice(0, 5) : "≤ " + entry.maxMinutes + " min";
    return "📡 " + t("relEntry") + " " + entry.relay + " " + String(entry.start).slice(0, 5) + "–" + until
      + (entry.fallbackItem ? " · " + t("relFallbackItem") + ": " + ((byId.get(entry.fallbackItem) || {}).title || entry.fallbackItem) : "");
  }
  if (entry.latestRecording) return "● " + t("relLatest") + ": " + sourceName(sources, entry.latestRecording);
  if (entry.latestBulletin) return "📰 " + t("bulEntry") + " " + entry.latestBulletin; // issue 19: console-bulletin.js
  return JSON.stringify(entry);
}

/** How long an entry may take: a file's length, a relay's slot (its end or its maximum); a replay is not known here. */
function entryLength(entry, byId) {
  if (typeof entry === "string") return lengthMs(byId.get(entry) || {});
  if (entry.relay) {
    if (entry.maxMinutes) return entry.maxMinutes * 60000;
    const [h0, m0] = String(entry.start).split(":").map(Number);
    const [h1, m1] = String(entry.end).split(":").map(Number);
    return ((h1 * 60 + m1) - (h0 * 60 + m0)) * 60000;
  }
  return 0;
}

/** The form that adds a relay entry to {@code items}; {@code drawn} redraws the playlist. */
function relayForm(sources, library, items, drawn, sessionStart) {
  const error = el("p", { class: "error", role: "alert" });
  if (!sources.length) return el("p", { class: "muted", id: "relay-none" }, t("relNoSource"));
  const source = el("select", { id: "relay-source" }, sources.filter(s => s.enabled)
    .map(s => el("option", { value: s.id }, s.name + " (" + s.id + ")")));
  const start = el("input", { id: "relay-start", type: "time", value: String(sessionStart).slice(0, 5), required: true });
  const end = el("input", { id: "relay-end", type: "time" });
  const max = el("input", { id: "relay-max", type: "number", min: 1, max: 240 });
  const fallback = el("select", { id: "relay-fallback" }, ["ITEM_THEN_REST", "REST_OF_SESSION", "WAIT"]
    .map(f => el("option", { value: f }, t(f))));
  const fallbackItem = el("select", { id: "relay-fallback-item" }, el("option", { value: "" }, t("relNoFallback")),
    library.filter(i => i.category !== "warning").map(i => el("option", { value: i.id }, i.title)));
  const add = el("button", { type: "button", class: "secondary", id: "relay-add", onclick: () => {
    error.textContent = "";
    if (!end.value && !max.value) { error.textContent = t("relNeedEnd"); return; }
    const entry = { relay: source.value, start: start.value };
    if (end.value) entry.end = end.value; else entry.maxMinutes = Number(max.value);
    entry.fallback = fallback.value;
    if (fallbackItem.value) entry.fallbackItem = fallbackItem.value;
    items.push(entry);
    drawn();
  } }, t("relAddEntry"));
  const field = (id, label, input) => el("span", { class: "field" }, el("label", { for: id }, label), input);
  return el("fieldset", { class: "relay-entry" }, el("legend", {}, t("relAddEntry")),
    field("relay-source", t("relEntry"), source), field("relay-start", t("relStart"), start),
    field("relay-end", t("relEnd"), end), field("relay-max", t("relMax"), max),
    field("relay-fallback", t("relFallback"), fallback), field("relay-fallback-item", t("relFallbackItem"), fallbackItem),
    el("p", {}, add), error);
}

/** The form that adds "the latest recording of <source>" (the evening replaying the morning's news) to {@code items}. */
function latestForm(sources, items, drawn) {
  if (!sources.length) return "";
  const source = el("select", { id: "latest-source" }, sources.map(s => el("option", { value: s.id }, s.name)));
  return el("fieldset", { class: "relay-entry" }, el("legend", {}, t("relLatestOf")),
    el("label", { for: "latest-source" }, t("relSource")), source,
    el("p", {}, el("button", { type: "button", class: "secondary", id: "latest-add", onclick: () => {
      items.push({ latestRecording: source.value }); drawn(); } }, t("relLatestAdd"))));
}

/**
 * A notice of the program check in the operator's words: a replay with no recording yet says what the station
 * plays instead (the compiler's English words say the same); any other notice as the compiler put it.
 */
function noticeWords(text, sources) {
  const m = /on (\d{4}-\d{2}-\d{2}) plays no recording of ([a-z0-9._-]+): (.*)$/.exec(text);
  return m ? t("relNote") + " (" + m[1] + "): " + t(/left out$/.test(m[3]) ? "relNoneAlone" : "relNoneYet")
    .replace("{s}", sourceName(sources, m[2])) : t("relNote") + ": " + text.replace(/^village [^:]+: /, "");
}

PAGES.relays = {
  roles: ["OPERATOR", "ADMIN"], menu: "navRelays",
  async render(args) {
    const sources = await api("GET", "/api/live/sources");
    const editing = args[0] ? sources.find(s => s.id === args[0]) : null;
    const id = el("input", { id: "source-id", type: "text", required: true, value: editing ? editing.id : "",
      disabled: !!editing, pattern: "[a-z0-9][a-z0-9._-]*" });
    const name = el("input", { id: "source-name", type: "text", required: true, value: editing ? editing.name : "" });
    const url = el("input", { id: "source-url", type: "url", required: true, value: editing ? editing.url : "",
      placeholder: "https://…" });
    const kind = el("select", { id: "source-kind" }, ["AUTO", "HLS"].map(k => el("option",
      { value: k, selected: editing && editing.kind === k }, t(k))));
    const endRule = el("select", { id: "source-end-rule" }, ["FIXED", "PROGRAMME_END"].map(k => el("option",
      { value: k, selected: editing && editing.endRule === k }, t(k))));
    const silence = el("input", { id: "source-silence", type: "number", min: 2, max: 120,
      value: editing ? editing.maxSilenceSeconds : 10 });
    const enabled = el("input", { id: "source-enabled", type: "checkbox", checked: editing ? editing.enabled : true });
    const error = el("div", { class: "error", role: "alert" });
    const form = el("form", { id: "source-form", novalidate: true, onsubmit: async ev => {
      ev.preventDefault();
      error.replaceChildren();
      const body = { id: id.value.trim(), name: name.value.trim(), url: url.value.trim(), kind: kind.value,
        endRule: endRule.value, maxSilenceSeconds: Number(silence.value), enabled: enabled.checked };
      try {
        if (editing) await api("PUT", "/api/live/sources/" + encodeURIComponent(editing.id), body);
        else await api("POST", "/api/live/sources", body);
        toast(t("saved"));
        location.hash = "#/relays";
        if (!editing) PAGES.relays.render([]);
      } catch (e) {
        error.replaceChildren(e.message, e.body && e.body.problems ? el("ul", {}, e.body.problems.map(p => el("li", {}, p))) : "");
      }
    } }, el("h2", {}, editing ? t("relEdit") + ": " + editing.name : t("relNew")),
      el("label", { for: "source-id" }, t("relId")), id, el("label", { for: "source-name" }, t("relName")), name,
      el("label", { for: "source-url" }, t("relUrl")), url, el("label", { for: "source-kind" }, t("relKind")), kind,
      el("label", { for: "source-end-rule" }, t("relEndRule")), endRule,
      el("label", { for: "source-silence" }, t("relSilence")), silence,
      el("label", { for: "source-enabled" }, enabled, " " + t("relEnabled")),
      el("p", {}, el("button", { type: "submit", id: "source-save" }, t("relSave"))), error);
    const remove = async s => {
      error.replaceChildren();
      try {
        await api("DELETE", "/api/live/sources/" + encodeURIComponent(s.id));
        toast(t("saved"));
        PAGES.relays.render([]);
      } catch (e) {
        error.replaceChildren(e.message, e.body && e.body.problems ? el("ul", {}, e.body.problems.map(p => el("li", {}, p))) : "");
      }
    };
    show(el("h1", {}, t("relTitle")), sources.length ? el("table", { id: "sources" }, el("thead", {}, el("tr", {},
      el("th", {}, t("relId")), el("th", {}, t("relName")), el("th", {}, t("relUrl")), el("th", {}, t("relKind")),
      el("th", {}, t("relEndRule")), el("th", {}, t("relSilence")), el("th", {}, t("relEnabled")), el("th", {}, ""))),
      el("tbody", {}, sources.map(s => el("tr", { "data-source": s.id }, el("td", {}, s.id), el("td", {}, s.name),
        el("td", {}, s.url), el("td", {}, t(s.kind)), el("td", {}, t(s.endRule)), el("td", {}, String(s.maxSilenceSeconds)),
        el("td", {}, s.enabled ? t("yes") : t("no")),
        el("td", {}, el("a", { class: "button secondary", href: "#/relays/" + encodeURIComponent(s.id) }, t("relEdit")),
          " ", el("button", { type: "button", class: "secondary", "data-delete": s.id, onclick: () => remove(s) },
            t("relDelete")))))))
      : el("p", { class: "muted" }, t("relNone")), form);
  }
};
