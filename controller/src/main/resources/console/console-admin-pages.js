"use strict";
// Administration (issue 18, WP2), loaded by console-admin.js on first use: users, villages (and their
// mergers, previewed first), stations (and their bundles), the commune's settings and the audit log. Every action is an API call the server audits; a
// technician sees the stations only, as their rights allow. Sub-pages are links (#/admin/users…): Back works.
words({
  admUsers: "Người dùng", admTitle: "Tên", admVillages: "Thôn/ấp", admStations: "Cụm loa", admSettings: "Cài đặt xã",
  admAudit: "Nhật ký", admName: "Họ tên", admRole: "Vai trò", admVillagesOf: "Thôn phụ trách", admState: "Trạng thái",
  admDisabled: "Đã khoá", admActive: "Đang dùng", admOpen: "Mở", admNewUser: "Thêm người dùng", admTempPassword:
  "Mật khẩu tạm (ít nhất 10 ký tự)", admCreate: "Thêm", admSave: "Lưu", admDisable: "Khoá tài khoản", admEnable:
  "Mở khoá", admDisableAsk: "Khoá tài khoản này? Các phiên đăng nhập của họ kết thúc ngay.", admYes: "Đồng ý",
  admNo: "Thôi", admReset: "Đặt lại mật khẩu", admResetNote: "Người dùng phải đổi mật khẩu này khi đăng nhập lần sau.",
  admId: "Mã (chữ thường, không dấu)", admNewVillage: "Thêm thôn/ấp", admFormer: "Thuộc xã cũ (nếu có)",
  admGeocodes: "Mã vùng cảnh báo (cách nhau dấu phẩy)", admRemove: "Xoá", admRemoveAsk: "Xoá hẳn? Không hoàn tác được.",
  admMerge: "Nhập vào thôn khác", admInto: "Nhập vào", admPreview: "Xem trước", admConfirmMerge: "Xác nhận nhập thôn",
  admWillMove: "Cụm loa sẽ chuyển", admHeadsMove: "Trưởng thôn sẽ phụ trách thôn mới", admNone: "(không có)",
  admOwnDropped: "Chương trình riêng của thôn này sẽ bị bỏ.", admGeoDropped: "Vùng cảnh báo sẽ bỏ",
  admFollows: "Các cụm loa chuyển sang sẽ phát", admFollowscommune: "chương trình chung của xã",
  admFollowsown: "chương trình riêng của thôn nhận", admStationsCount: "Số cụm loa", admOwnProgram: "Chương trình riêng",
  admNewStation: "Thêm cụm loa", admLat: "Vĩ độ", admLon: "Kinh độ", admRelays: "Số relay", admMove: "Chuyển sang thôn",
  admBundle: "Gói cài đặt cho Raspberry Pi", admGeneration: "Mật khẩu MQTT", admGenNone: "chưa cấp",
  admGen: "lần cấp thứ", admDevice: "Card âm thanh (tên theo aplay -l, vd. USB Audio)", admRelaySpec:
  "Relay (tên:chân BCM, vd. amp:17)", admKeep: "Để trống: giữ như gói trước.", admMakeBundle: "Tạo gói cài đặt",
  admRotate: "Cấp mật khẩu mới và tạo gói", admRotateAsk: "Mật khẩu cũ hết hiệu lực ngay: cụm loa mất kết nối cho đến khi cài gói mới.",
  admRevoke: "Thu hồi mật khẩu", admRevokeAsk: "Thu hồi? Cụm loa này không kết nối được nữa.", admDownloaded:
  "Đã tải gói; chép sang Pi rồi chạy: sudo ./install.sh", admLoopback: "Máy chủ MQTT chỉ nghe trên 127.0.0.1: không Pi nào kết nối được. Khởi động với --mqtt-host 0.0.0.0.",
  admNoJar: "Gói không có phần mềm trạm: chạy install.sh --jar ĐƯỜNG_DẪN.", admNoAccounts: "Máy chủ này không quản lý tài khoản MQTT.",
  admFixed: "Không đổi được", admQuiet: "Giờ yên tĩnh (không phát tin thường)", admQuietNone: "Không có giờ yên tĩnh",
  admFrom: "Từ", admTo: "Đến", admLufs: "Độ to chuẩn (LUFS, −23 đến −14)", admHealth: "Ngưỡng cảnh báo kỹ thuật",
  offlineAfterSeconds: "Mất kết nối sau (giây)", missedAfterSeconds: "Lỡ buổi phát sau (giây)",
  contentReadyMinutes: "Nội dung phải có trước (phút)", maxClockOffsetMillis: "Lệch đồng hồ tối đa (ms)",
  maxTemperatureC: "Nhiệt độ tối đa (°C)", minDiskFreeMb: "Đĩa trống tối thiểu (MB)", minMemoryMb: "Bộ nhớ trống tối thiểu (MB)",
  admVolume: "Giới hạn âm lượng (dB)", minDb: "Thấp nhất", maxDb: "Cao nhất", defaultDb: "Mặc định",
  admONLINE: "Đang kết nối", admOFFLINE: "Mất kết nối", admUNKNOWN: "Chưa báo về", admWhen: "Lúc", admWho: "Ai", admWhat: "Việc", admOn: "Đối tượng"
}, {
  admUsers: "Users", admTitle: "Name", admVillages: "Villages", admStations: "Stations", admSettings: "Commune settings",
  admAudit: "Audit log", admName: "Name", admRole: "Role", admVillagesOf: "Villages served", admState: "State",
  admDisabled: "Disabled", admActive: "Active", admOpen: "Open", admNewUser: "Add a user", admTempPassword:
  "Temporary password (at least 10 characters)", admCreate: "Add", admSave: "Save", admDisable: "Disable the account",
  admEnable: "Enable", admDisableAsk: "Disable this account? Their sessions end at once.", admYes: "Yes", admNo: "No",
  admReset: "Reset the password", admResetNote: "They must change this password at their next login.",
  admId: "Id (lower case, no accents)", admNewVillage: "Add a village", admFormer: "Former commune (if any)",
  admGeocodes: "Alert area codes (comma-separated)", admRemove: "Remove", admRemoveAsk: "Remove for good? This cannot be undone.",
  admMerge: "Merge into another village", admInto: "Merge into", admPreview: "Preview", admConfirmMerge: "Confirm the merger",
  admWillMove: "Stations that move", admHeadsMove: "Village heads who will serve the other village", admNone: "(none)",
  admOwnDropped: "This village's own program will be dropped.", admGeoDropped: "Alert areas dropped",
  admFollows: "The moved stations will play", admFollowscommune: "the commune's program",
  admFollowsown: "the receiving village's own program", admStationsCount: "Stations", admOwnProgram: "Own program",
  admNewStation: "Add a station", admLat: "Latitude", admLon: "Longitude", admRelays: "Relays", admMove: "Move to village",
  admBundle: "Install bundle for the Raspberry Pi", admGeneration: "MQTT password", admGenNone: "not issued",
  admGen: "generation", admDevice: "Sound card (name as aplay -l shows it, e.g. USB Audio)", admRelaySpec:
  "Relays (name:BCM pin, e.g. amp:17)", admKeep: "Left empty: as in the last bundle.", admMakeBundle: "Make the bundle",
  admRotate: "New password and bundle", admRotateAsk: "The old password stops at once: the station is offline until the new bundle is installed.",
  admRevoke: "Revoke the password", admRevokeAsk: "Revoke? This station can no longer connect.", admDownloaded:
  "Bundle downloaded; copy it to the Pi and run: sudo ./install.sh", admLoopback: "The MQTT broker listens on 127.0.0.1 only: no Pi can connect. Start with --mqtt-host 0.0.0.0.",
  admNoJar: "The bundle has no station software: run install.sh --jar PATH.", admNoAccounts: "This controller keeps no MQTT accounts.",
  admFixed: "Cannot be changed", admQuiet: "Quiet hours (no ordinary broadcast)", admQuietNone: "No quiet hours",
  admFrom: "From", admTo: "To", admLufs: "Loudness target (LUFS, −23 to −14)", admHealth: "Technical alert thresholds",
  offlineAfterSeconds: "Offline after (seconds)", missedAfterSeconds: "Session missed after (seconds)",
  contentReadyMinutes: "Content ready before (minutes)", maxClockOffsetMillis: "Largest clock offset (ms)",
  maxTemperatureC: "Highest temperature (°C)", minDiskFreeMb: "Least free disk (MB)", minMemoryMb: "Least free memory (MB)",
  admVolume: "Volume limits (dB)", minDb: "Lowest", maxDb: "Highest", defaultDb: "Default",
  admONLINE: "Online", admOFFLINE: "Offline", admUNKNOWN: "Not heard from yet", admWhen: "When", admWho: "Who", admWhat: "Action", admOn: "On"
});

/** A labelled input; {@code attrs.id} names both. */
function admField(label, attrs) {
  return [el("label", { for: attrs.id }, label), el(attrs.tag || "input", Object.assign({ type: "text" }, attrs, { tag: null }))];
}

/** An error box that shows the server's message, with the field at fault marked. */
function admError() {
  const box = el("p", { class: "error", role: "alert" });
  box.clear = () => {
    document.querySelectorAll("[aria-invalid]").forEach(n => n.removeAttribute("aria-invalid"));
    box.textContent = "";
  };
  box.show = e => {
    box.clear();
    const at = e.body && e.body.field && document.querySelector("[data-field='" + e.body.field + "']");
    if (at) at.setAttribute("aria-invalid", "true");
    box.textContent = e.message;
  };
  return box;
}

/** A button that asks first, in the page (phones hide native dialogs badly): the question, then Yes / No. */
function admAsk(id, label, question, action, cls) {
  const holder = el("div", { class: "ask" });
  const button = el("button", { type: "button", id, class: cls || "secondary", onclick: () => {
    holder.replaceChildren(el("p", { class: "warn-text", id: id + "-ask" }, question), el("div", { class: "row" },
      el("button", { type: "button", class: "danger", id: id + "-yes", onclick: () => { holder.replaceChildren(button); action(); } },
        t("admYes")),
      el("button", { type: "button", class: "secondary", onclick: () => holder.replaceChildren(button) }, t("admNo"))));
  } }, label);
  holder.append(button);
  return holder;
}

async function admRun(error, call, then) {
  error.clear();
  try { await call(); toast(t("saved")); if (then) await then(); } catch (e) { error.show(e); }
}

const ADMIN_TABS = ["users", "villages", "stations", "settings", "audit"];

/** The page under #/admin/TAB/ID: a row of tabs (links), then the tab's own content. */
async function adminRender(args) {
    const tabs = App.user.role === "ADMIN" ? ADMIN_TABS : ["stations"];
    const tab = tabs.includes(args[0]) ? args[0] : tabs[0];
    const head = el("nav", { class: "tabs", "aria-label": t("navAdmin") }, tabs.map(n => el("a", { href: "#/admin/" + n,
      "aria-current": n === tab ? "page" : null }, t("adm" + n[0].toUpperCase() + n.slice(1)))));
    const body = await ADMIN_PAGES[tab](args[1], args);
    show(el("h1", {}, t("navAdmin")), head, body);
}

const ADMIN_PAGES = {
  async users(name) {
    const [users, villages] = await Promise.all([api("GET", "/api/users"), api("GET", "/api/villages")]);
    const villageName = id => (villages.find(v => v.id === id) || {}).name || id;
    const roles = ["OPERATOR", "VILLAGE_HEAD", "TECHNICIAN", "ADMIN", "CAP_SENDER"];
    const roleSelect = (id, value) => el("select", { id, "data-field": "role" }, roles.map(r =>
      el("option", { value: r, selected: r === value }, t("role" + r))));
    const villageBoxes = (id, chosen) => el("fieldset", { id, class: "choices", "data-field": "villages" },
      el("legend", {}, t("admVillagesOf")), villages.map(v => el("label", {}, el("input", { type: "checkbox", value: v.id,
        checked: chosen.includes(v.id) }), v.name)));
    const chosen = box => [...box.querySelectorAll("input:checked")].map(i => i.value);
    const headsOnly = (select, box) => { const f = () => { box.hidden = select.value !== "VILLAGE_HEAD"; };
      select.addEventListener("change", f); f(); };
    const user = name && users.find(u => u.username === name);
    const error = admError();
    if (user) {
      const role = roleSelect("user-role", user.role);
      const boxes = villageBoxes("user-villages", user.villages || []);
      headsOnly(role, boxes);
      const temp = el("input", { id: "user-temp", type: "text", autocomplete: "new-password", "data-field": "password" });
      const reload = () => adminRender(["users", user.username]);
      return el("section", { class: "card" }, el("h2", {}, (user.displayName || user.username) + " (" + user.username + ")"),
        el("label", { for: "user-role" }, t("admRole")), role, boxes,
        el("p", {}, el("button", { type: "button", id: "user-save", onclick: () => admRun(error, () => api("PUT",
          "/api/users/" + encodeURIComponent(user.username) + "/role", { role: role.value,
            villages: role.value === "VILLAGE_HEAD" ? chosen(boxes) : [] }), reload) }, t("admSave"))),
        el("h2", {}, t("admReset")), el("label", { for: "user-temp" }, t("admTempPassword")), temp,
        el("p", { class: "muted" }, t("admResetNote")),
        el("p", {}, el("button", { type: "button", class: "secondary", id: "user-reset", onclick: () => admRun(error,
          () => api("POST", "/api/users/" + encodeURIComponent(user.username) + "/password", { password: temp.value })) },
          t("admReset"))),
        user.disabled
          ? el("p", {}, el("button", { type: "button", id: "user-enable", onclick: () => admRun(error, () => api("POST",
            "/api/users/" + encodeURIComponent(user.username) + "/enable"), reload) }, t("admEnable")))
          : admAsk("user-disable", t("admDisable"), t("admDisableAsk"), () => admRun(error, () => api("POST",
            "/api/users/" + encodeURIComponent(user.username) + "/disable"), reload)),
        error);
    }
    const role = roleSelect("new-role", "OPERATOR");
    const boxes = villageBoxes("new-villages", []);
    headsOnly(role, boxes);
    const form = el("form", { id: "user-form", class: "card", onsubmit: ev => {
      ev.preventDefault();
      const v = id => document.getElementById(id).value.trim();
      admRun(error, () => api("POST", "/api/users", { username: v("new-username"), displayName: v("new-name") || null,
        role: role.value, villages: role.value === "VILLAGE_HEAD" ? chosen(boxes) : [], language: "vi",
        password: document.getElementById("new-password").value }), () => adminRender(["users"]));
    } }, el("h2", {}, t("admNewUser")), admField(t("username"), { id: "new-username", required: true, "data-field": "username",
      autocomplete: "off" }), admField(t("admName"), { id: "new-name", "data-field": "displayName" }),
      el("label", { for: "new-role" }, t("admRole")), role, boxes,
      admField(t("admTempPassword"), { id: "new-password", required: true, "data-field": "password", autocomplete: "new-password" }),
      el("p", {}, el("button", { type: "submit", id: "new-user" }, t("admCreate"))), error);
    return [el("table", { id: "users" }, el("thead", {}, el("tr", {}, [t("username"), t("admRole"), t("admVillagesOf"),
      t("admState")].map(h => el("th", {}, h)))), el("tbody", {}, users.map(u => el("tr", { "data-user": u.username },
      el("td", {}, el("a", { href: "#/admin/users/" + encodeURIComponent(u.username) }, u.username),
        u.displayName ? el("div", { class: "muted" }, u.displayName) : null),
      el("td", {}, t("role" + u.role)), el("td", {}, (u.villages || []).map(villageName).join(", ")),
      el("td", {}, u.disabled ? t("admDisabled") : t("admActive")))))), form];
  },

  async villages(id) {
    const villages = await api("GET", "/api/villages");
    const village = id && villages.find(v => v.id === id);
    const error = admError();
    const geocodes = text => text.split(",").map(s => s.trim()).filter(Boolean);
    if (village) {
      const preview = el("div", { id: "merge-preview" });
      const into = el("select", { id: "merge-into", "data-field": "into" }, villages.filter(v => v.id !== id)
        .map(v => el("option", { value: v.id }, v.name)));
      const list = items => items.length ? items.join(", ") : t("admNone");
      const showPreview = async () => {
        try {
          const p = await api("GET", "/api/villages/" + encodeURIComponent(id) + "/merge?into=" + encodeURIComponent(into.value));
          preview.replaceChildren(el("div", { class: "card preview" }, el("h3", {}, p.fromName + " → " + p.intoName),
            el("p", {}, t("admWillMove") + ": ", el("strong", {}, list(p.stations))),
            el("p", {}, t("admHeadsMove") + ": ", el("strong", {}, list(p.villageHeads))),
            p.ownProgramDropped ? el("p", { class: "warn-text" }, t("admOwnDropped")) : null,
            p.geocodesDropped.length ? el("p", { class: "warn-text" }, t("admGeoDropped") + ": " + list(p.geocodesDropped)) : null,
            el("p", {}, t("admFollows") + ": " + t("admFollows" + p.intoFollows)),
            el("button", { type: "button", class: "danger", id: "merge-confirm", onclick: () => admRun(error,
              () => api("POST", "/api/villages/" + encodeURIComponent(id) + "/merge", { into: p.into }),
              () => { location.hash = "#/admin/villages"; }) }, t("admConfirmMerge"))));
        } catch (e) { error.show(e); }
      };
      into.addEventListener("change", () => preview.replaceChildren());
      return el("section", { class: "card" }, el("h2", {}, village.name + " (" + village.id + ")"),
        el("form", { id: "village-form", onsubmit: ev => {
          ev.preventDefault();
          admRun(error, () => api("PUT", "/api/villages/" + encodeURIComponent(id), { name: document.getElementById("village-name").value.trim(),
            formerCommune: document.getElementById("village-former").value.trim() || null,
            geocodes: geocodes(document.getElementById("village-geocodes").value) }), () => adminRender(["villages", id]));
        } }, admField(t("admTitle"), { id: "village-name", value: village.name, "data-field": "name" }),
          admField(t("admFormer"), { id: "village-former", value: village.formerCommune || "" }),
          admField(t("admGeocodes"), { id: "village-geocodes", value: (village.geocodes || []).join(", "), "data-field": "geocodes" }),
          el("p", {}, el("button", { type: "submit", id: "village-save" }, t("admSave")))),
        el("h2", {}, t("admMerge")), el("label", { for: "merge-into" }, t("admInto")), into,
        el("p", {}, el("button", { type: "button", class: "secondary", id: "merge-preview-button", onclick: showPreview }, t("admPreview"))),
        preview,
        village.stations.length ? null : admAsk("village-remove", t("admRemove"), t("admRemoveAsk"), () => admRun(error,
          () => api("DELETE", "/api/villages/" + encodeURIComponent(id)), () => { location.hash = "#/admin/villages"; })),
        error);
    }
    const form = el("form", { id: "village-new", class: "card", onsubmit: ev => {
      ev.preventDefault();
      const v = f => document.getElementById(f).value.trim();
      admRun(error, () => api("POST", "/api/villages", { id: v("nv-id"), name: v("nv-name"), formerCommune: v("nv-former") || null,
        geocodes: geocodes(v("nv-geocodes")) }), () => adminRender(["villages"]));
    } }, el("h2", {}, t("admNewVillage")), admField(t("admId"), { id: "nv-id", required: true, "data-field": "id" }),
      admField(t("admTitle"), { id: "nv-name", required: true, "data-field": "name" }),
      admField(t("admFormer"), { id: "nv-former" }), admField(t("admGeocodes"), { id: "nv-geocodes", "data-field": "geocodes" }),
      el("p", {}, el("button", { type: "submit", id: "village-add" }, t("admCreate"))), error);
    return [el("table", { id: "villages" }, el("thead", {}, el("tr", {}, [t("admTitle"), t("admStationsCount"),
      t("admOwnProgram")].map(h => el("th", {}, h)))), el("tbody", {}, villages.map(v => el("tr", { "data-village": v.id },
      el("td", {}, el("a", { href: "#/admin/villages/" + encodeURIComponent(v.id) }, v.name),
        v.formerCommune ? el("div", { class: "muted" }, v.formerCommune) : null),
      el("td", {}, String(v.stations.length)), el("td", {}, v.ownProgram ? "✓" : "—"))))), form];
  },

  async stations(id) {
    const [stations, villages] = await Promise.all([api("GET", "/api/stations"), api("GET", "/api/villages")]);
    const station = id && stations.find(s => s.id === id);
    const error = admError();
    const villageSelect = (sid, value) => el("select", { id: sid, "data-field": "village" }, villages.map(v =>
      el("option", { value: v.id, selected: v.id === value }, v.name)));
    if (station) return admStation(station, villageSelect, error);
    const village = villageSelect("ns-village");
    const num = f => document.getElementById(f).value === "" ? null : Number(document.getElementById(f).value);
    const form = el("form", { id: "station-new", class: "card", onsubmit: ev => {
      ev.preventDefault();
      admRun(error, () => api("POST", "/api/stations", { id: document.getElementById("ns-id").value.trim(),
        name: document.getElementById("ns-name").value.trim(), village: village.value, latitude: num("ns-lat"),
        longitude: num("ns-lon"), relayChannels: num("ns-relays") }), () => adminRender(["stations"]));
    } }, el("h2", {}, t("admNewStation")), admField(t("admId"), { id: "ns-id", required: true, "data-field": "id" }),
      admField(t("admTitle"), { id: "ns-name", required: true, "data-field": "name" }),
      el("label", { for: "ns-village" }, t("admVillages")), village,
      admField(t("admLat"), { id: "ns-lat", type: "number", step: "any", "data-field": "latitude" }),
      admField(t("admLon"), { id: "ns-lon", type: "number", step: "any", "data-field": "longitude" }),
      admField(t("admRelays"), { id: "ns-relays", type: "number", min: 1, max: 8, value: 1, "data-field": "relayChannels" }),
      el("p", {}, el("button", { type: "submit", id: "station-add" }, t("admCreate"))), error);
    return [el("table", { id: "admin-stations" }, el("thead", {}, el("tr", {}, [t("admStations"), t("admVillages"),
      t("admState")].map(h => el("th", {}, h)))), el("tbody", {}, stations.map(s => el("tr", { "data-station": s.id },
      el("td", {}, el("a", { href: "#/admin/stations/" + encodeURIComponent(s.id) }, s.name), el("div", { class: "muted" }, s.id)),
      el("td", {}, s.villageName || s.village), el("td", {}, t("adm" + s.presence)))))), form];
  },

  async settings() {
    const c = await api("GET", "/api/commune");
    const error = admError();
    const q = c.quietHours;
    const none = el("input", { type: "checkbox", id: "quiet-none", checked: !q });
    const num = (f, v, extra) => admField(t(f), Object.assign({ id: "set-" + f, type: "number", step: "any", value: v,
      "data-field": f }, extra));
    const val = f => { const v = document.getElementById("set-" + f).value; return v === "" ? null : Number(v); };
    const health = Object.keys(c.health);
    const volume = ["minDb", "maxDb", "defaultDb"];
    return el("form", { id: "settings", class: "card", onsubmit: ev => {
      ev.preventDefault();
      const body = { name: document.getElementById("set-name").value.trim(), targetLufs: val("targetLufs"),
        quietHours: none.checked ? null : { start: document.getElementById("quiet-start").value,
          end: document.getElementById("quiet-end").value },
        health: Object.fromEntries(health.map(f => [f, val(f)])), volume: Object.fromEntries(volume.map(f => [f, val(f)])) };
      admRun(error, async () => { App.commune = await api("PUT", "/api/commune", body); }, () => adminRender(["settings"]));
    } }, admField(t("admTitle"), { id: "set-name", value: c.name, "data-field": "name" }),
      el("p", { class: "muted", id: "set-fixed" }, t("admFixed") + ": " + c.id + " · " + c.timeZone),
      el("fieldset", { "data-field": "quietHours" }, el("legend", {}, t("admQuiet")),
        el("label", { class: "inline" }, none, " " + t("admQuietNone")), el("div", { class: "row" },
          el("span", {}, admField(t("admFrom"), { id: "quiet-start", type: "time", value: q ? q.start.slice(0, 5) : "21:00",
            "data-field": "quietHours.start" })),
          el("span", {}, admField(t("admTo"), { id: "quiet-end", type: "time", value: q ? q.end.slice(0, 5) : "05:00",
            "data-field": "quietHours.end" })))),
      admField(t("admLufs"), { id: "set-targetLufs", type: "number", min: -23, max: -14, step: "0.5", value: c.targetLufs,
        "data-field": "targetLufs" }),
      el("fieldset", { "data-field": "health" }, el("legend", {}, t("admHealth")), health.flatMap(f => num(f, c.health[f]))),
      el("fieldset", { "data-field": "volume" }, el("legend", {}, t("admVolume")), volume.flatMap(f => num(f, c.volume[f]))),
      el("p", {}, el("button", { type: "submit", id: "settings-save" }, t("admSave"))), error);
  },

  async audit() {
    const entries = await api("GET", "/api/audit?limit=100");
    return el("table", { id: "audit" }, el("thead", {}, el("tr", {}, [t("admWhen"), t("admWho"), t("admWhat"), t("admOn")]
      .map(h => el("th", {}, h)))), el("tbody", {}, entries.map(e => el("tr", {}, el("td", {}, when(e.at)),
      el("td", {}, e.actor), el("td", {}, e.action), el("td", {}, e.target || "")))));
  }
};

/** What the last bundle download said, shown again on its station's page once redrawn. */
let admLastBundle = null;

/** One station: rename and move, its bundle (enrol, rotate), revoke, remove. */
async function admStation(s, villageSelect, error) {
  const path = "/api/stations/" + encodeURIComponent(s.id);
  const generation = await api("GET", path + "/credentials").then(c => c.generation).catch(e => e.status === 409 ? null : 0);
  const reload = () => adminRender(["stations", s.id]);
  const village = villageSelect("station-village", s.village);
  const note = el("div", { id: "bundle-note", role: "status" }, admLastBundle && admLastBundle.station === s.id
    ? admLastBundle.nodes : null);
  admLastBundle = null;
  const makeBundle = async () => {
    error.clear();
    note.replaceChildren();
    try {
      const r = await fetch(path + "/bundle", { method: "POST", headers: { "Content-Type": "application/json",
        Authorization: "Bearer " + sessionStorage.getItem("loalang.token") }, body: JSON.stringify({
        audioDevice: document.getElementById("bundle-device").value.trim() || null,
        relays: document.getElementById("bundle-relays").value.trim() || null }) });
      if (r.status === 401) { logout(false); return; } // the session ended: to the login page, as api() does
      if (!r.ok) throw new ApiError(r.status, await r.json().catch(() => null));
      const link = el("a", { href: URL.createObjectURL(await r.blob()), download: "loalang-station-" + s.id + ".tar.gz" });
      document.body.append(link);
      link.click();
      link.remove();
      // Drawn again: the next bundle is a rotation, asked first, and the password can be revoked.
      admLastBundle = { station: s.id, nodes: [el("p", { class: "card" }, t("admDownloaded") + " (" + t("admGen") + " "
        + r.headers.get("X-Station-Generation") + ", " + r.headers.get("X-Station-Broker") + ")"),
        r.headers.get("X-Station-Broker-Loopback-Only") === "true" ? el("p", { class: "error" }, t("admLoopback")) : null,
        r.headers.get("X-Station-Agent-Jar") === "absent" ? el("p", { class: "warn-text" }, t("admNoJar")) : null]
        .filter(Boolean) };
      await reload();
    } catch (e) { error.show(e); }
  };
  const admin = App.user.role === "ADMIN";
  return el("section", { class: "card" }, el("h2", {}, s.name + " (" + s.id + ")"),
    el("form", { id: "station-form", onsubmit: ev => {
      ev.preventDefault();
      admRun(error, () => api("PUT", path, { name: document.getElementById("station-name").value.trim(), village: village.value }), reload);
    } }, admField(t("admTitle"), { id: "station-name", value: s.name, "data-field": "name" }),
      el("label", { for: "station-village" }, t("admMove")), village,
      el("p", {}, el("button", { type: "submit", id: "station-save" }, t("admSave")))),
    el("h2", {}, t("admBundle")),
    generation === null ? el("p", { class: "muted" }, t("admNoAccounts")) : [
      el("p", {}, t("admGeneration") + ": ", el("strong", { id: "bundle-generation" },
        generation ? t("admGen") + " " + generation : t("admGenNone"))),
      admField(t("admDevice"), { id: "bundle-device", "data-field": "audioDevice", placeholder: "USB Audio" }),
      admField(t("admRelaySpec"), { id: "bundle-relays", "data-field": "relays", placeholder: "amp:17" }),
      generation ? el("p", { class: "muted" }, t("admKeep")) : null,
      generation ? admAsk("bundle-make", t("admRotate"), t("admRotateAsk"), makeBundle, "primary")
        : el("p", {}, el("button", { type: "button", id: "bundle-make", onclick: makeBundle }, t("admMakeBundle"))),
      note,
      generation ? admAsk("bundle-revoke", t("admRevoke"), t("admRevokeAsk"), () => admRun(error,
        () => api("DELETE", path + "/credentials"), reload)) : null].flat(),
    admin ? admAsk("station-remove", t("admRemove"), t("admRemoveAsk"), () => admRun(error, () => api("DELETE", path),
      () => { location.hash = "#/admin/stations"; }), "danger") : null,
    error);
}
