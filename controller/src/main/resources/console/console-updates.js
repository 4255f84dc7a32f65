"use strict";
// The technician's updates page: the agent releases kept by the controller (uploaded here with the release
// file signed on the build machine), a rollout to one station, a village or all, and each rollout's progress
// per station. A rollout halts itself at the first station that rolls back; the reason is shown, with
// Resume and Abandon.
words({
  navUpdates: "Cập nhật", updTitle: "Cập nhật phần mềm cụm loa", updNoKey: "Máy chủ chưa có khoá phát hành: chép tệp khoá công khai vào",
  updKeys: "Khoá phát hành", updUpload: "Tải lên bản mới", updJar: "Tệp jar của bản mới", updReleaseFile: "Tệp chữ ký (release-….json)",
  updSend: "Tải lên", updUploaded: "Đã tải lên bản", updReleases: "Các bản đã tải lên", updVersion: "Phiên bản",
  updSize: "Dung lượng", updBy: "Người tải", updAt: "Lúc", updRollout: "Triển khai", updScope: "Đến",
  updStation: "Một cụm loa", updVillage: "Một thôn", updAll: "Tất cả", updTarget: "Cụm loa / thôn", updStart: "Bắt đầu triển khai",
  updStarted: "Đã bắt đầu triển khai", updRollouts: "Các đợt triển khai", updResume: "Tiếp tục", updAbandon: "Bỏ đợt này",
  updAbandonAsk: "Bỏ đợt triển khai này? Các cụm loa chưa nhận sẽ không được gửi.", updNone: "Chưa có.",
  updReason: "Lý do dừng", updDetail: "Chi tiết",
  r_RUNNING: "Đang triển khai", r_HALTED: "Đã dừng", r_DONE: "Xong", r_ABANDONED: "Đã bỏ",
  r_WAITING: "Chờ lượt", r_INSTALLING: "Đang cài", r_ON_TRIAL: "Đang chạy thử", r_ADOPTED: "Đã nhận bản mới",
  r_ROLLED_BACK: "Đã quay lại bản cũ", r_FAILED: "Không cài được", r_NO_ANSWER: "Không trả lời", r_SKIPPED: "Bỏ qua"
}, {
  navUpdates: "Updates", updTitle: "Station software updates", updNoKey: "This controller has no release key: copy the public key file into",
  updKeys: "Release keys", updUpload: "Upload a release", updJar: "The release's jar", updReleaseFile: "Its release file (release-….json)",
  updSend: "Upload", updUploaded: "Uploaded release", updReleases: "Releases uploaded", updVersion: "Version",
  updSize: "Size", updBy: "Uploaded by", updAt: "At", updRollout: "Roll out", updScope: "To",
  updStation: "One station", updVillage: "One village", updAll: "All", updTarget: "Station / village", updStart: "Start the rollout",
  updStarted: "Rollout started", updRollouts: "Rollouts", updResume: "Resume", updAbandon: "Abandon",
  updAbandonAsk: "Abandon this rollout? The stations not yet sent to will not be.", updNone: "None yet.",
  updReason: "Why it halted", updDetail: "Detail",
  r_RUNNING: "Running", r_HALTED: "Halted", r_DONE: "Done", r_ABANDONED: "Abandoned",
  r_WAITING: "Waiting", r_INSTALLING: "Installing", r_ON_TRIAL: "On trial", r_ADOPTED: "Adopted",
  r_ROLLED_BACK: "Rolled back", r_FAILED: "Failed", r_NO_ANSWER: "No answer", r_SKIPPED: "Skipped"
});

/** A rollout's or a station's state in a rollout; its own words, as FAILED already means an alert's elsewhere. */
function stateBadge(state) {
  return el("span", { class: "badge r-" + state }, t("r_" + state));
}

PAGES.updates = {
  roles: ["TECHNICIAN", "ADMIN"], menu: "navUpdates",
  async render() {
    const [{ releaseKeys, releaseKeysDir, releases }, stations] = await Promise.all([api("GET", "/api/releases"),
      api("GET", "/api/stations")]);
    const jar = el("input", { id: "release-jar", type: "file", accept: ".jar", required: true });
    const file = el("input", { id: "release-file", type: "file", accept: ".json,application/json", required: true });
    const uploadError = el("p", { class: "error", role: "alert" });
    const upload = el("form", { id: "release-upload", onsubmit: async ev => {
      ev.preventDefault();
      const data = new FormData();
      data.append("jar", jar.files[0]);
      data.append("release", file.files[0]);
      try {
        const kept = await api("POST", "/api/releases", data);
        toast(t("updUploaded") + " " + kept.version);
        PAGES.updates.render();
      } catch (e) { uploadError.textContent = e.message; }
    } }, el("h2", {}, t("updUpload")), el("label", { for: "release-jar" }, t("updJar")), jar,
      el("label", { for: "release-file" }, t("updReleaseFile")), file,
      el("p", {}, el("button", { type: "submit" }, t("updSend"))), uploadError);

    // A rollout: a release, and one station, one village or all of them — never by omission.
    const version = el("select", { id: "rollout-version" }, releases.map(r => el("option", { value: r.version }, r.version)));
    const scope = el("select", { id: "rollout-scope" }, ["station", "village", "all"].map(s =>
      el("option", { value: s }, t({ station: "updStation", village: "updVillage", all: "updAll" }[s]))));
    const target = el("select", { id: "rollout-target" });
    const villages = [...new Set(stations.map(s => s.village))].sort();
    const villageName = new Map(stations.map(s => [s.village, s.villageName || s.village]));
    const targets = () => {
      const list = scope.value === "station" ? stations.map(s => s.id).sort() : scope.value === "village" ? villages : [];
      // A village by its name (the value stays its id, which the API takes); a station by its id, as on its label.
      target.replaceChildren(...list.map(v => el("option", { value: v }, scope.value === "village" ? villageName.get(v) : v)));
      target.disabled = scope.value === "all";
    };
    scope.addEventListener("change", targets);
    targets();
    const rolloutError = el("p", { class: "error", role: "alert" });
    const start = el("form", { id: "rollout-start", onsubmit: async ev => {
      ev.preventDefault();
      const body = { version: version.value };
      if (scope.value === "all") body.all = true; else body[scope.value] = target.value;
      try {
        await api("POST", "/api/updates", body);
        toast(t("updStarted") + ": " + version.value);
        await loadRollouts();
      } catch (e) { rolloutError.textContent = e.message; }
    } }, el("h2", {}, t("updRollout")), el("label", { for: "rollout-version" }, t("updVersion")), version,
      el("label", { for: "rollout-scope" }, t("updScope")), scope, el("label", { for: "rollout-target" }, t("updTarget")), target,
      el("p", {}, el("button", { type: "submit", id: "rollout-go", disabled: releases.length ? null : true }, t("updStart"))),
      rolloutError);

    const rollouts = el("div", { id: "rollouts" });
    const loadRollouts = async () => rollouts.replaceChildren(...(await api("GET", "/api/updates")).map(rolloutView));
    const act = (id, what) => async () => {
      if (what === "abandon" && !confirm(t("updAbandonAsk"))) return;
      try {
        await api("POST", "/api/updates/" + encodeURIComponent(id) + "/" + what);
        await loadRollouts();
      } catch (e) { toast(e.message); }
    };
    const rolloutView = r => el("section", { class: "rollout", "data-rollout": r.id, "data-status": r.status },
      el("h3", {}, r.version + " → " + (r.scope === "ALL" ? t("updAll") : r.target) + " ", stateBadge(r.status)),
      el("p", { class: "muted" }, r.startedBy + " · " + when(r.startedAt, true)),
      r.reason ? el("p", { class: r.status === "HALTED" ? "error" : "muted", role: r.status === "HALTED" ? "alert" : null },
        t("updReason") + ": " + r.reason) : "",
      r.status === "HALTED" ? el("button", { type: "button", class: "resume", onclick: act(r.id, "resume") }, t("updResume")) : "",
      r.status === "HALTED" || r.status === "RUNNING"
        ? el("button", { type: "button", class: "secondary abandon", onclick: act(r.id, "abandon") }, t("updAbandon")) : "",
      el("table", {}, el("thead", {}, el("tr", {}, el("th", {}, t("techStation")), el("th", {}, t("techState")),
        el("th", {}, t("techVersion")), el("th", {}, t("updDetail")))),
        el("tbody", {}, r.stations.map(s => el("tr", { "data-station": s.stationId, "data-state": s.phase || s.state },
          el("td", {}, s.stationId), el("td", {}, stateBadge(s.phase || s.state)), el("td", {}, s.reportedVersion || "—"),
          el("td", {}, s.detail || ""))))));

    show(el("h1", {}, t("updTitle")),
      releaseKeys.length ? el("p", { class: "muted" }, t("updKeys") + ": " + releaseKeys.join(", "))
        : el("p", { class: "error", role: "alert" }, t("updNoKey") + " " + releaseKeysDir + "/ID.pub.pem"),
      // What is under way first: a halted rollout is what a technician must see.
      el("h2", {}, t("updRollouts")), rollouts,
      el("h2", {}, t("updReleases")), releases.length ? el("table", {}, el("thead", {}, el("tr", {},
        el("th", {}, t("updVersion")), el("th", {}, t("updSize")), el("th", {}, t("updKeys")), el("th", {}, t("updBy")),
        el("th", {}, t("updAt")))), el("tbody", {}, releases.map(r => el("tr", { "data-release": r.version },
        el("td", {}, r.version), el("td", {}, r.size >= 1048576 ? (r.size / 1048576).toFixed(1) + " MB" : Math.ceil(r.size / 1024) + " KB"), el("td", {}, r.keyId),
        el("td", {}, r.uploadedBy), el("td", {}, when(r.uploadedAt, true))))))
        : el("p", { class: "muted" }, t("updNone")),
      start, upload);
    await loadRollouts();
    // Stations answer over minutes (download, restart, trial): the list is looked at again while the page is open.
    const timer = setInterval(() => { if (!document.body.contains(rollouts)) clearInterval(timer); else loadRollouts().catch(() => {}); }, 2000);
  }
};
