"use strict";
// Issue 19 (WP7): the chat and SMS mirror's page, loaded on first use by console-mirror.js. Channels (a card each:
// its state in words, its secrets write-only, a test message), each village's targets and categories, the SMS list
// (masked, consent required), and the delivery log with "retry". Administrators set channels; operators set
// targets and phones; technicians see the channels and the log only.
words({
  chIntro: "Mỗi cảnh báo và bản tin cũng được gửi vào nhóm Zalo, Telegram, tin nhắn SMS. Loa không bao giờ phải chờ tin nhắn.",
  chChannels: "Kênh", chNone: "Chưa có kênh nào.", chKind: "Loại kênh", chName: "Tên kênh", chAdd: "Thêm kênh",
  chOK: "Hoạt động tốt", chPAUSED: "Tạm dừng (giới hạn tốc độ)", chDOWN: "Cần người xử lý", chOff: "Đã tắt",
  chNoSecret: "Chưa đặt mã bí mật — chưa gửi được", chSecretSet: "Mã bí mật: đã đặt", chSecret: "Đặt mã bí mật (chỉ ghi, không xem lại được)",
  chSecretSave: "Lưu mã bí mật", chLast: "Gửi được lần cuối", chTargets: "người nhận", chTest: "Gửi thử",
  chTestTo: "Gửi thử tới", chTestQueued: "Đã xếp tin thử vào hàng gửi, số", chEnable: "Bật kênh", chDisable: "Tắt kênh",
  chDelete: "Xoá kênh", chDeleteAsk: "Xoá kênh này, mọi người nhận và số điện thoại của kênh?", chVillage: "Thôn",
  chVillageTargets: "Người nhận theo thôn", chAlertsOn: "Cảnh báo (luôn gửi)", chMembers: "Số thành viên",
  chAddress: "Mã nhóm / địa chỉ", chLabel: "Tên gọi", chAddTarget: "Thêm nhóm", chSaveTargets: "Lưu người nhận của thôn",
  chRemove: "Bỏ", chPhones: "Số điện thoại nhận SMS", chPhone: "Số di động", chConsent: "Đã có đồng ý của người dân",
  chConsentNeed: "Cần xác nhận đã có đồng ý của người dân.", chAddPhone: "Thêm số", chDeletePhone: "Xoá số",
  chNoSms: "Chưa có kênh SMS.", chLog: "Nhật ký gửi tin", chAlert: "Mã cảnh báo", chState: "Tình trạng",
  chAll: "Tất cả", chShow: "Xem", chWhen: "Lúc", chWhat: "Loại tin", chTo: "Tới", chReason: "Lý do",
  chRetry: "Gửi lại", chNoLog: "Chưa có tin nào.", chTries: "Lần thử", chReadOnly: "Chỉ xem.",
  chALERT: "Cảnh báo", chCANCEL: "Hủy cảnh báo", chSESSION: "Tóm tắt buổi phát", chBULLETIN: "Bản tin", chTEST: "Tin thử",
  chTELEGRAM: "Telegram (nhóm)", chZALO: "Zalo OA (nhóm)", chESMS: "SMS qua eSMS (brandname)",
  chANDROID_SMS: "SMS qua điện thoại Android", chWEBHOOK: "Webhook (hệ thống khác)",
  set_apiBase: "Địa chỉ API (để trống: mặc định)", set_ratePerMinute: "Số tin mỗi phút", set_appId: "Mã ứng dụng Zalo (App ID)",
  set_brandname: "Brandname đã đăng ký", set_unicode: "Có dấu tiếng Việt (unicode)", set_maxSegments: "Tối đa số phần SMS",
  set_address: "Địa chỉ điện thoại cổng SMS (http://192.168…:8080)",
  sec_botToken: "Mã bot (bot token)", sec_appSecret: "Khoá bí mật ứng dụng (app secret)",
  sec_refreshToken: "Mã làm mới (refresh token)", sec_apiKey: "ApiKey", sec_secretKey: "SecretKey",
  sec_username: "Tên đăng nhập cổng SMS", sec_password: "Mật khẩu cổng SMS", sec_signingSecret: "Khoá ký HMAC"
}, {
  chIntro: "Every alert and bulletin also goes to Zalo and Telegram groups and by SMS. A loudspeaker never waits for a message.",
  chChannels: "Channels", chNone: "No channel yet.", chKind: "Kind", chName: "Name", chAdd: "Add the channel",
  chOK: "Working", chPAUSED: "Paused (rate limit)", chDOWN: "Needs a person", chOff: "Turned off",
  chNoSecret: "No secret set — cannot send yet", chSecretSet: "Secret: set", chSecret: "Set the secret (write-only, never shown again)",
  chSecretSave: "Save the secret", chLast: "Last success", chTargets: "targets", chTest: "Send a test",
  chTestTo: "Send a test to", chTestQueued: "Test queued, number", chEnable: "Turn on", chDisable: "Turn off",
  chDelete: "Delete the channel", chDeleteAsk: "Delete this channel with all its targets and phone numbers?", chVillage: "Village",
  chVillageTargets: "Targets by village", chAlertsOn: "Alerts (always)", chMembers: "Members",
  chAddress: "Group id / address", chLabel: "Label", chAddTarget: "Add the group", chSaveTargets: "Save the village's targets",
  chRemove: "Remove", chPhones: "Phone numbers for SMS", chPhone: "Mobile number", chConsent: "The resident has agreed",
  chConsentNeed: "Confirm that the resident has agreed.", chAddPhone: "Add the number", chDeletePhone: "Delete the number",
  chNoSms: "No SMS channel yet.", chLog: "Delivery log", chAlert: "Alert id", chState: "State",
  chAll: "All", chShow: "Show", chWhen: "When", chWhat: "Kind", chTo: "To", chReason: "Reason",
  chRetry: "Retry", chNoLog: "No message yet.", chTries: "Tries", chReadOnly: "Read only.",
  chALERT: "Alert", chCANCEL: "Alert cancelled", chSESSION: "Session summary", chBULLETIN: "Bulletin", chTEST: "Test",
  chTELEGRAM: "Telegram (group)", chZALO: "Zalo OA (group)", chESMS: "SMS through eSMS (brandname)",
  chANDROID_SMS: "SMS through an Android phone", chWEBHOOK: "Webhook (another system)",
  set_apiBase: "API address (blank: the default)", set_ratePerMinute: "Messages per minute", set_appId: "Zalo app id",
  set_brandname: "Registered brandname", set_unicode: "Vietnamese accents (unicode)", set_maxSegments: "Most SMS parts",
  set_address: "The SMS gateway phone's address (http://192.168…:8080)",
  sec_botToken: "Bot token", sec_appSecret: "App secret", sec_refreshToken: "Refresh token", sec_apiKey: "ApiKey",
  sec_secretKey: "SecretKey", sec_username: "Gateway user name", sec_password: "Gateway password",
  sec_signingSecret: "HMAC signing secret"
});

const MIRROR_KINDS = {
  TELEGRAM: [], ZALO: ["appId"], ESMS: ["brandname", "unicode", "maxSegments"], ANDROID_SMS: ["address"], WEBHOOK: []
};
const MIRROR_STATES = ["PENDING", "SENDING", "SENT", "DELIVERED", "FAILED", "CANCELLED", "SKIPPED"];

/** An inline error paragraph and a runner that shows a failed call in it. */
function failure() {
  const p = el("p", { class: "error", role: "alert" });
  p.run = async work => {
    p.textContent = "";
    try { return await work(); } catch (e) { p.textContent = t("failed") + ": " + e.message; return undefined; }
  };
  return p;
}

async function channelsRender(args) {
  const role = App.user.role;
  const admin = role === "ADMIN";
  const operates = admin || role === "OPERATOR";
  const [channels, villages] = await Promise.all([api("GET", "/api/channels"), api("GET", "/api/villages")]);
  const names = new Map(villages.map(v => [v.id, v.name]));
  const village = names.has(args[0]) ? args[0] : (villages[0] || {}).id;
  // Every village's targets, for the test's target list; an operator's page only (technicians never see phones).
  const all = operates ? await Promise.all(villages.map(v => api("GET", "/api/villages/" + encodeURIComponent(v.id)
    + "/mirror"))) : [];
  const targets = all.flatMap(m => m.targets);
  const here = all.find(m => m.village === village);
  show(el("h1", {}, t("navChannels")), el("p", { class: "muted" }, t("chIntro")),
    el("section", { id: "channels" }, el("h2", {}, t("chChannels")),
      channels.length ? channels.map(c => channelCard(c, targets, admin, operates, names)) : el("p", {}, t("chNone")),
      admin ? channelForm() : "", operates ? "" : el("p", { class: "muted" }, t("chReadOnly"))),
    here ? villageTargets(here, villages, channels) : "",
    el("section", { id: "log" }, el("h2", {}, t("chLog")), await deliveryLog(villages, names, operates)));
}

function channelCard(c, targets, admin, operates, names) {
  const error = failure();
  const status = !c.enabled ? el("span", { class: "badge m-off" }, t("chOff"))
    : el("span", { class: "badge m-" + c.status }, t("ch" + c.status) || c.status);
  const secret = c.secretSet ? t("chSecretSet") + " " + (c.hint || "") : t("chNoSecret");
  const mine = targets.filter(x => x.channel === c.id);
  const pick = el("select", { class: "test-target", "aria-label": t("chTestTo") }, mine.map(x => el("option",
    { value: x.id }, (names.get(x.village) || x.village) + " — " + x.label)));
  const reload = () => route();
  const parts = [el("h3", {}, c.name, " ", status), el("p", {}, t("ch" + c.kind), " · " + c.targets + " " + t("chTargets")),
    c.statusDetail ? el("p", { class: "m-detail" }, c.statusDetail) : "",
    el("p", { class: "secret-state" }, secret), c.lastSuccess ? el("p", { class: "muted" }, t("chLast") + ": " + when(c.lastSuccess)) : ""];
  if (admin) {
    const inputs = c.secretNames.map(n => el("label", {}, t("sec_" + n), el("input", { type: "password", name: n,
      autocomplete: "off", class: "secret-input", placeholder: c.secrets[n] || "" })));
    parts.push(el("form", { class: "secret-form", onsubmit: ev => {
      ev.preventDefault();
      const body = {};
      inputs.forEach(l => { const i = l.querySelector("input"); if (i.value.trim()) body[i.name] = i.value; });
      error.run(async () => { await api("PUT", "/api/channels/" + encodeURIComponent(c.id) + "/secret", { secrets: body }); toast(t("saved")); reload(); });
    } }, el("fieldset", {}, el("legend", {}, t("chSecret")), inputs, el("button", { type: "submit", class: "secret-save" }, t("chSecretSave")))));
  }
  if (operates && mine.length) {
    parts.push(el("div", { class: "row" }, pick, el("button", { type: "button", class: "test-send", onclick: () =>
      error.run(async () => {
        const r = await api("POST", "/api/channels/" + encodeURIComponent(c.id) + "/test", { target: pick.value });
        toast(t("chTestQueued") + " " + r.id);
        reload();
      }) }, t("chTest"))));
  }
  if (admin) {
    parts.push(el("div", { class: "row" },
      el("button", { type: "button", class: "secondary", onclick: () => error.run(async () => {
        await api("PUT", "/api/channels/" + encodeURIComponent(c.id), { enabled: !c.enabled }); reload();
      }) }, t(c.enabled ? "chDisable" : "chEnable")),
      el("button", { type: "button", class: "danger", onclick: () => {
        if (confirm(t("chDeleteAsk"))) error.run(async () => { await api("DELETE", "/api/channels/" + encodeURIComponent(c.id)); reload(); });
      } }, t("chDelete"))));
  }
  parts.push(error);
  return el("div", { class: "card channel", "data-channel": c.id }, parts);
}

function channelForm() {
  const error = failure();
  const kind = el("select", { id: "ch-kind" }, Object.keys(MIRROR_KINDS).map(k => el("option", { value: k }, t("ch" + k))));
  const name = el("input", { id: "ch-name", type: "text", required: true, maxlength: 80 });
  const fields = el("div");
  const draw = () => fields.replaceChildren(...MIRROR_KINDS[kind.value].concat(["ratePerMinute", "apiBase"]).map(s =>
    el("label", {}, t("set_" + s), s === "unicode" ? el("input", { type: "checkbox", name: s, id: "ch-set-" + s })
      : el("input", { type: s === "ratePerMinute" || s === "maxSegments" ? "number" : "text", name: s, id: "ch-set-" + s }))));
  kind.addEventListener("change", draw);
  draw();
  return el("form", { class: "card", id: "channel-add", onsubmit: ev => {
    ev.preventDefault();
    const settings = {};
    fields.querySelectorAll("input").forEach(i => {
      if (i.type === "checkbox") settings[i.name] = i.checked ? "true" : "false";
      else if (i.value.trim()) settings[i.name] = i.value.trim();
    });
    error.run(async () => { await api("POST", "/api/channels", { kind: kind.value, name: name.value.trim(), settings }); route(); });
  } }, el("h3", {}, t("chAdd")), el("label", { for: "ch-kind" }, t("chKind")), kind, el("label", { for: "ch-name" },
    t("chName")), name, fields, el("button", { type: "submit", id: "ch-add-submit" }, t("chAdd")), error);
}

function villageTargets(m, villages, channels) {
  const error = failure();
  const chats = channels.filter(c => !["ESMS", "ANDROID_SMS"].includes(c.kind));
  const sms = channels.filter(c => ["ESMS", "ANDROID_SMS"].includes(c.kind));
  const channelName = id => (channels.find(c => c.id === id) || { name: id }).name;
  const rows = el("div", { id: "targets" });
  const boxes = x => el("fieldset", { class: "choices cats" }, el("legend", {}, x.label),
    el("label", {}, el("input", { type: "checkbox", checked: true, disabled: true }), t("chAlertsOn")),
    m.categories.map(c => el("label", {}, el("input", { type: "checkbox", name: "cat", value: c,
      checked: x.categories.includes(c) }), categoryName(c))));
  const row = x => {
    const r = el("div", { class: "card target", "data-target": x.id || "", "data-phone": x.phone ? "1" : null },
      el("p", {}, el("strong", {}, channelName(x.channel)), " · ", el("span", { class: "address" }, x.address)),
      boxes(x),
      x.phone ? el("p", { class: "muted" }, t("chConsent") + ": " + when(x.consentAt) + " · " + (x.consentBy || "")) : "",
      x.phone || x.channelKind === "TELEGRAM" ? (x.members != null ? el("p", {}, t("chMembers") + ": " + x.members) : "")
        : el("label", {}, t("chMembers"), el("input", { type: "number", min: 0, name: "members", value: x.members == null ? "" : x.members })),
      x.phone ? el("button", { type: "button", class: "danger phone-delete", onclick: () => error.run(async () => {
        await api("DELETE", "/api/villages/" + encodeURIComponent(m.village) + "/mirror/phones/" + encodeURIComponent(x.id));
        route();
      }) }, t("chDeletePhone")) : el("button", { type: "button", class: "secondary", onclick: () => r.remove() }, t("chRemove")));
    r.target = x;
    return r;
  };
  rows.append(...m.targets.map(row));
  const tgChannel = el("select", { id: "tg-channel" }, chats.map(c => el("option", { value: c.id }, c.name)));
  const tgAddress = el("input", { id: "tg-address", type: "text" });
  const tgLabel = el("input", { id: "tg-label", type: "text", maxlength: 80 });
  const save = () => error.run(async () => {
    const targets = [...rows.children].map(r => {
      const members = r.querySelector("input[name=members]");
      return { id: r.target.id, channel: r.target.channel, address: r.target.phone ? null : r.target.address,
        label: r.target.label, categories: [...r.querySelectorAll("input[name=cat]:checked")].map(i => i.value),
        members: members && members.value !== "" ? Number(members.value) : null };
    });
    await api("PUT", "/api/villages/" + encodeURIComponent(m.village) + "/mirror", { targets });
    toast(t("saved"));
    route();
  });
  const phChannel = el("select", { id: "ph-channel" }, sms.map(c => el("option", { value: c.id }, c.name)));
  const phNumber = el("input", { id: "ph-number", type: "tel", autocomplete: "off", inputmode: "tel" });
  const phLabel = el("input", { id: "ph-label", type: "text", maxlength: 80 });
  const consent = el("input", { id: "ph-consent", type: "checkbox", required: true });
  const phones = el("form", { id: "phone-add", class: "card", onsubmit: ev => {
    ev.preventDefault();
    if (!consent.checked) { error.textContent = t("chConsentNeed"); return; }
    error.run(async () => {
      await api("POST", "/api/villages/" + encodeURIComponent(m.village) + "/mirror/phones", { channel: phChannel.value,
        phone: phNumber.value, label: phLabel.value.trim() || null, consent: true, categories: [] });
      route();
    });
  } }, el("h3", {}, t("chPhones")), el("label", { for: "ph-channel" }, t("chChannels")), phChannel,
    el("label", { for: "ph-number" }, t("chPhone")), phNumber, el("label", { for: "ph-label" }, t("chLabel")), phLabel,
    el("label", { for: "ph-consent", class: "consent" }, consent, t("chConsent")),
    el("button", { type: "submit", id: "ph-add" }, t("chAddPhone")));
  return el("section", { id: "village-targets" }, el("h2", {}, t("chVillageTargets")),
    el("label", { for: "mir-village" }, t("chVillage")),
    el("select", { id: "mir-village", onchange: ev => { location.hash = "#/channels/" + encodeURIComponent(ev.target.value); } },
      villages.map(v => el("option", { value: v.id, selected: v.id === m.village }, v.name))),
    rows,
    chats.length ? el("div", { class: "card", id: "target-add" }, el("h3", {}, t("chAddTarget")),
      el("label", { for: "tg-channel" }, t("chChannels")), tgChannel, el("label", { for: "tg-address" }, t("chAddress")),
      tgAddress, el("label", { for: "tg-label" }, t("chLabel")), tgLabel,
      el("button", { type: "button", id: "tg-add", class: "secondary", onclick: () => {
        const c = chats.find(x => x.id === tgChannel.value);
        rows.append(row({ channel: c.id, channelKind: c.kind, address: tgAddress.value.trim(), label: tgLabel.value.trim(),
          categories: [], members: null }));
      } }, t("chAddTarget"))) : "",
    el("button", { type: "button", id: "targets-save", onclick: save }, t("chSaveTargets")),
    sms.length ? phones : el("p", { class: "muted" }, t("chNoSms")), error);
}

async function deliveryLog(villages, names, operates) {
  const box = el("div");
  const alert = el("input", { id: "log-alert", type: "text", "aria-label": t("chAlert"), placeholder: t("chAlert") });
  const village = el("select", { id: "log-village", "aria-label": t("chVillage") }, el("option", { value: "" }, t("chAll")),
    villages.map(v => el("option", { value: v.id }, v.name)));
  const state = el("select", { id: "log-state", "aria-label": t("chState") }, el("option", { value: "" }, t("chAll")),
    MIRROR_STATES.map(s => el("option", { value: s }, t("mir" + s))));
  const error = failure();
  const load = () => error.run(async () => {
    const q = new URLSearchParams({ limit: "100" });
    if (alert.value.trim()) q.set("alert", alert.value.trim());
    if (village.value) q.set("village", village.value);
    if (state.value) q.set("state", state.value);
    const rows = await api("GET", "/api/mirror/deliveries?" + q);
    box.replaceChildren(rows.length ? el("table", { id: "deliveries" }, el("thead", {}, el("tr", {},
      [t("chWhen"), t("chWhat"), t("chVillage"), t("chTo"), t("chState"), t("chTries"), t("chReason"), ""].map(h => el("th", {}, h)))),
      el("tbody", {}, rows.map(d => el("tr", { "data-delivery": d.id, "data-state": d.state },
        el("td", {}, when(d.sentAt || d.createdAt)), el("td", {}, t("ch" + d.kind)), el("td", {}, names.get(d.village) || d.village),
        el("td", {}, (d.channelName || d.channel) + " → " + (d.target || "—") + (d.address ? " (" + d.address + ")" : "")),
        el("td", {}, mirrorBadge(d.state)), el("td", {}, d.attempts), el("td", { class: "reason" }, d.lastError || ""),
        el("td", {}, operates && d.state === "FAILED" ? el("button", { type: "button", class: "retry", onclick: () =>
          error.run(async () => { await api("POST", "/api/mirror/deliveries/" + d.id + "/retry"); await load(); }) },
        t("chRetry")) : ""))))) : el("p", { class: "muted" }, t("chNoLog")));
  });
  await load();
  return [el("div", { class: "row filters" }, alert, village, state, el("button", { type: "button", id: "log-refresh",
    class: "secondary", onclick: load }, t("chShow"))), error, box];
}
