"use strict";
// The village head's page: their villages, one big emergency button, a recorded warning or typed
// text, a confirmation, then each loudspeaker's progress live, and a cancel.
words({
  headTitle: "Phát cảnh báo khẩn cấp", headVillages: "Thôn", headWhat: "Nội dung", headRecorded: "Bản ghi sẵn",
  headTyped: "Gõ chữ (máy đọc)", headText: "Nội dung cần đọc", headReason: "Lý do (ghi vào nhật ký)",
  headMinutes: "Phát trong (phút)", headRepeats: "Số lần phát", headButton: "PHÁT CẢNH BÁO KHẨN",
  headConfirmTitle: "Xác nhận phát cảnh báo", headConfirm: "Xác nhận — phát ngay", headBack: "Quay lại",
  headStatus: "Tình trạng từng cụm loa", headCancel: "Dừng cảnh báo", headCancelAsk: "Dừng cảnh báo này trên mọi loa?",
  headStation: "Cụm loa", headState: "Tình trạng", headUpdated: "Lúc", headNoWarnings: "Chưa có bản ghi cảnh báo nào.",
  headActive: "Cảnh báo đang phát", headNeedReason: "Cần ghi lý do.", headNeedVillage: "Chọn ít nhất một thôn.",
  headNeedContent: "Chọn bản ghi hoặc gõ nội dung.", headUntil: "đến", headNotAck: "Chưa trả lời",
  headSpeaking: "Đang đọc thành tiếng…", headSending: "Đang gửi…"
}, {
  headTitle: "Sound an emergency", headVillages: "Villages", headWhat: "What to say", headRecorded: "A recorded warning",
  headTyped: "Typed text (read out)", headText: "Text to read out", headReason: "Reason (goes in the audit log)",
  headMinutes: "Keep it for (minutes)", headRepeats: "Times to play", headButton: "SOUND THE EMERGENCY",
  headConfirmTitle: "Confirm the emergency", headConfirm: "Confirm — sound it now", headBack: "Back",
  headStatus: "Each loudspeaker", headCancel: "Cancel the alert", headCancelAsk: "Stop this alert on every loudspeaker?",
  headStation: "Loudspeaker", headState: "State", headUpdated: "At", headNoWarnings: "No recorded warning yet.",
  headActive: "Alerts sounding", headNeedReason: "A reason is needed.", headNeedVillage: "Choose at least one village.",
  headNeedContent: "Choose a recording or type the text.", headUntil: "until", headNotAck: "Not answered",
  headSpeaking: "Synthesising speech…", headSending: "Sending…"
});

PAGES.emergency = {
  roles: ["VILLAGE_HEAD", "OPERATOR", "ADMIN"], menu: "navEmergency",
  async render(args) {
    if (args[0]) return alertStatus(args[0]);
    const [villages, library, recent] = await Promise.all([api("GET", "/api/villages"), api("GET", "/api/library"),
      api("GET", "/api/alerts")]);
    const mine = App.user.role === "VILLAGE_HEAD" ? villages.filter(v => App.user.villages.includes(v.id)) : villages;
    const warnings = library.items.filter(i => i.category === "warning");
    const villageBoxes = mine.map(v => el("label", {}, el("input", { type: "checkbox", name: "village", value: v.id,
      checked: mine.length === 1 }), v.name));
    const recorded = el("input", { type: "radio", name: "what", id: "what-recorded", value: "recorded",
      checked: warnings.length > 0 });
    const typed = el("input", { type: "radio", name: "what", id: "what-typed", value: "typed", checked: warnings.length === 0 });
    const pick = el("select", { id: "warning", "aria-label": t("headRecorded") },
      warnings.map(w => el("option", { value: w.id }, w.title)));
    const text = el("textarea", { id: "text", "aria-label": t("headText") });
    const reason = el("input", { id: "reason", type: "text" });
    const mins = el("input", { id: "minutes", type: "number", min: 1, max: 1440, value: 30 });
    const repeats = el("input", { id: "repeats", type: "number", min: 1, max: 20, value: 2 });
    const error = el("p", { class: "error", role: "alert" });
    const active = recent.filter(a => a.state === "ACTIVE");
    const form = el("form", {
      onsubmit: ev => {
        ev.preventDefault();
        const chosen = villageBoxes.map(l => l.firstChild).filter(b => b.checked).map(b => b.value);
        const body = { villages: chosen, reason: reason.value.trim(), durationMinutes: Number(mins.value),
          repeats: Number(repeats.value), intervalSeconds: 20 };
        if (recorded.checked) body.contentId = pick.value; else { body.text = text.value.trim(); body.language = "vi"; }
        const why = !chosen.length ? "headNeedVillage" : (!body.contentId && !body.text) ? "headNeedContent"
          : !body.reason ? "headNeedReason" : null;
        if (why) { error.textContent = t(why); return; }
        confirmAlert(body, mine, warnings);
      }
    },
      el("h1", {}, t("headTitle")),
      el("fieldset", { class: "choices" }, el("legend", {}, t("headVillages")), villageBoxes),
      el("fieldset", { class: "choices" }, el("legend", {}, t("headWhat")),
        el("label", { for: "what-recorded" }, recorded, t("headRecorded")),
        warnings.length ? pick : el("p", { class: "muted" }, t("headNoWarnings")),
        el("label", { for: "what-typed" }, typed, t("headTyped")), text),
      el("label", { for: "reason" }, t("headReason")), reason,
      el("div", { class: "row" }, el("div", {}, el("label", { for: "minutes" }, t("headMinutes")), mins),
        el("div", {}, el("label", { for: "repeats" }, t("headRepeats")), repeats)),
      error,
      el("button", { type: "submit", class: "emergency", id: "sound" }, t("headButton")));
    text.addEventListener("input", () => { typed.checked = true; });
    pick.addEventListener("change", () => { recorded.checked = true; });
    // Live talk (console-live.js) is one press away from the head's page too.
    const talkLink = PAGES.talk ? el("a", { href: "#/talk", class: "button talk-link", id: "to-talk" }, t("navTalk")) : "";
    show(talkLink, form, active.length ? el("section", {}, el("h2", {}, t("headActive")), active.map(a => el("p", {},
      el("a", { href: "#/emergency/" + a.id }, a.title), " — " + a.villages.map(id => (villages.find(v => v.id === id) || { name: id }).name).join(", ") + " " + t("headUntil") + " "
      + when(a.expiresAt)))) : "");
  }
};

function confirmAlert(body, villages, warnings) {
  const names = body.villages.map(id => (villages.find(v => v.id === id) || { name: id }).name).join(", ");
  const what = body.contentId ? (warnings.find(w => w.id === body.contentId) || {}).title : "“" + body.text + "”";
  const go = el("button", { type: "button", class: "emergency", id: "confirm", onclick: async () => {
    try {
      // Typed text is read out by the speech engine before the alert goes: that takes a few seconds.
      const a = await working(go, t(body.text ? "headSpeaking" : "headSending"), api("POST", "/api/alerts", body));
      location.hash = "#/emergency/" + a.id;
    } catch (e) {
      error.textContent = e.message;
    }
  } }, t("headConfirm"));
  const error = el("p", { class: "error", role: "alert" });
  show(el("h1", {}, t("headConfirmTitle")), el("div", { class: "card" }, el("p", {}, el("strong", {}, t("headVillages")
    + ": "), names), el("p", {}, el("strong", {}, t("headWhat") + ": "), what), el("p", {}, el("strong", {},
    t("headReason") + ": "), body.reason)), go, error,
    el("button", { type: "button", class: "secondary", onclick: () => PAGES.emergency.render([]) }, t("headBack")));
  go.focus();
}

async function alertStatus(id) {
  const table = el("tbody");
  const head = el("div");
  const cancel = el("button", { type: "button", class: "danger", id: "cancel", onclick: async () => {
    if (!confirm(t("headCancelAsk"))) return;
    try { await api("POST", "/api/alerts/" + encodeURIComponent(id) + "/cancel"); refresh(); }
    catch (e) { toast(e.message); }
  } }, t("headCancel"));
  const names = new Map((await api("GET", "/api/villages")).map(v => [v.id, v.name]));
  const mirror = el("div"); // issue 19: the alert's chat and SMS messages (console-mirror.js)
  const refresh = async () => {
    const a = await api("GET", "/api/alerts/" + encodeURIComponent(id));
    mirror.replaceChildren(mirrorList(a.mirror)); // issue 19
    head.replaceChildren(el("h1", {}, a.title), el("p", {}, badge(a.state), " " + a.villages.map(v => names.get(v) || v)
      .join(", ") + " · " + t("headUntil") + " " + when(a.expiresAt)));
    table.replaceChildren(...a.deliveries.map(d => el("tr", { "data-station": d.stationId }, el("td", {}, d.stationId),
      el("td", {}, names.get(d.village) || d.village || ""), el("td", {}, badge(d.status)),
      el("td", {}, when(d.updatedAt, true)))));
    cancel.hidden = a.state !== "ACTIVE";
    return a.state === "ACTIVE";
  };
  show(head, el("h2", {}, t("headStatus")), el("table", {}, el("thead", {}, el("tr", {}, el("th", {}, t("headStation")),
    el("th", {}, t("headVillages")), el("th", {}, t("headState")), el("th", {}, t("headUpdated")))), table), mirror, cancel);
  await refresh();
  // Progress comes from the stations' reports: looked at every second while the page is open.
  let busy = false;
  const timer = setInterval(() => {
    if (!document.body.contains(table)) { clearInterval(timer); return; }
    if (busy) return; // a slow answer: no second question on top of it
    busy = true;
    refresh().then(active => { if (!active) clearInterval(timer); }).catch(() => {}).finally(() => { busy = false; });
  }, 1000);
}
