"use strict";
// The audio library (issue 18, WP4): any recording people have (the server converts what it cannot play
// itself and keeps the original), the upload's progress in per cent, then "converting and measuring" while
// the server works, then what it measured: length, loudness, the level it was brought to.
words({
  upFile: "Tệp ghi âm (MP3, WAV, M4A, AMR, Ogg, MP2…)", upSending: "Đang tải lên", upWorking: "Đang chuyển đổi và đo độ to…",
  upDone: "Đã nhận", upLength: "Thời lượng", upLoudness: "Độ to đo được", upLevelled: "đã chỉnh về",
  upSilent: "im lặng (không có tiếng)", upConverted: "Chuyển từ", upOriginal: "Tải bản gốc", upOriginalCol: "Bản gốc",
  upNetwork: "Mất kết nối khi tải lên — hãy thử lại.", upAsUploaded: "như khi tải lên"
}, {
  upFile: "Recording (MP3, WAV, M4A, AMR, Ogg, MP2…)", upSending: "Uploading", upWorking: "Converting and measuring…",
  upDone: "Received", upLength: "Length", upLoudness: "Measured loudness", upLevelled: "brought to",
  upSilent: "silent (no sound)", upConverted: "Converted from", upOriginal: "Download the original",
  upOriginalCol: "Original", upNetwork: "The connection dropped during the upload — try again.",
  upAsUploaded: "as uploaded"
});

/**
 * POSTs `data` (FormData) to `path` with XMLHttpRequest, which, unlike fetch, reports the upload's
 * progress: onProgress(fraction) as the bytes go, onProgress(1) when all are sent (the server is then
 * converting and measuring). Resolves with the JSON answer; the same 401 and ApiError handling as api().
 */
function uploadWithProgress(path, data, onProgress) {
  return new Promise((resolve, reject) => {
    const x = new XMLHttpRequest();
    x.open("POST", path);
    const token = sessionStorage.getItem("loalang.token");
    if (token) x.setRequestHeader("Authorization", "Bearer " + token);
    x.upload.onprogress = e => { if (e.lengthComputable && e.loaded < e.total) onProgress(e.loaded / e.total); };
    x.upload.onload = () => onProgress(1);
    x.onload = () => {
      if (x.status === 401) { logout(false); reject(new ApiError(401, null)); return; }
      let json = null;
      try { json = x.responseText ? JSON.parse(x.responseText) : null; } catch (e) { json = { message: x.responseText }; }
      if (x.status >= 200 && x.status < 300) resolve(json); else reject(new ApiError(x.status, json));
    };
    x.onerror = () => reject(new ApiError(0, { message: t("upNetwork") }));
    x.send(data);
  });
}

/** A number the way the operator writes it (15,3 in Vietnamese), with a true minus sign. */
function decimal(n) {
  return new Intl.NumberFormat(App.lang === "vi" ? "vi-VN" : "en-GB", { maximumFractionDigits: 1,
    minimumFractionDigits: 1 }).format(n).replace("-", "−");
}

/** Downloads a converted item's original: fetched with the token (a plain link would carry none). */
async function downloadOriginal(item) {
  const r = await fetch(item.originalUrl, { headers: { Authorization: "Bearer " + sessionStorage.getItem("loalang.token") } });
  if (!r.ok) throw new ApiError(r.status, null);
  const name = (/filename\*=UTF-8''([^;]+)/.exec(r.headers.get("Content-Disposition") || "") || [])[1];
  const a = el("a", { href: URL.createObjectURL(await r.blob()), download: name ? decodeURIComponent(name)
    : item.id + "." + String(item.originalFormat).toLowerCase() });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 10000);
}

function originalButton(item) {
  return el("button", { type: "button", class: "secondary original", "data-original": item.id,
    onclick: ev => working(ev.currentTarget, t("upOriginal"), downloadOriginal(item)).catch(e => toast(e.message)) },
    t("upOriginal") + " (" + item.originalFormat + ")");
}

/** What the server measured of a new item: its length, its loudness and the level it is brought to, and what it was. */
function uploadResult(item) {
  const target = App.commune && App.commune.targetLufs != null ? App.commune.targetLufs : null;
  const loudness = item.loudnessLufs == null ? t("upSilent") : decimal(item.loudnessLufs) + " LUFS"
    + (target != null ? " — " + t("upLevelled") + " " + decimal(target) + " LUFS" : "")
    + " (" + (item.gainDb >= 0 ? "+" : "") + decimal(item.gainDb) + " dB)";
  return el("section", { class: "card upload-result", id: "upload-result", tabindex: "-1" },
    el("h2", {}, t("upDone") + ": " + item.title),
    el("p", {}, el("strong", {}, t("upLength") + ": "), el("span", { id: "result-length" }, minutes(item.durationMs))),
    el("p", {}, el("strong", {}, t("upLoudness") + ": "), el("span", { id: "result-loudness" }, loudness)),
    item.originalFormat ? el("p", {}, el("strong", {}, t("upConverted") + " "),
      el("span", { id: "result-from" }, item.originalFormat), " ", originalButton(item)) : "",
    el("audio", { controls: true, preload: "none", src: item.url, "aria-label": t("libListen") + ": " + item.title }));
}

PAGES.library = {
  roles: ["OPERATOR", "ADMIN"], menu: "navLibrary",
  async render(args, result) {
    const { items: library, categories, storage } = await api("GET", "/api/library");
    const file = el("input", { id: "file", type: "file", required: true,
      accept: "audio/*,.m4a,.amr,.ogg,.opus,.mp2,.wav,.mp3" });
    const title = el("input", { id: "title", type: "text", required: true });
    const category = el("select", { id: "category" }, categories.map(c => el("option", { value: c }, categoryName(c))));
    const expires = el("input", { id: "expires", type: "date" });
    const error = el("p", { class: "error", role: "alert" });
    const send = el("button", { type: "submit" }, t("libSend"));
    // role=status: a screen reader hears "Uploading 40 %" and then "Converting and measuring…".
    const progress = el("div", { id: "upload-progress", class: "upload-progress", role: "status" });
    const form = el("form", { onsubmit: async ev => {
      ev.preventDefault();
      error.textContent = "";
      const data = new FormData();
      data.append("file", file.files[0]);
      data.append("title", title.value.trim());
      data.append("category", category.value);
      if (expires.value) data.append("expires", expires.value);
      const bar = el("progress", { max: "100", value: "0", "aria-label": t("upSending") });
      const said = el("span", { id: "upload-percent" }, t("upSending") + " 0 %");
      progress.replaceChildren(bar, " ", said);
      progress.scrollIntoView({ block: "nearest" }); // on a phone it appears below the fold
      send.disabled = true;
      let converting = null;
      const answer = uploadWithProgress("/api/library", data, fraction => {
        if (fraction < 1) {
          const percent = Math.floor(fraction * 100);
          bar.value = percent;
          said.textContent = t("upSending") + " " + percent + " %";
        } else if (!converting) {
          // All sent: the server now decodes (and converts) the whole file, which takes a while for a long one.
          progress.replaceChildren();
          converting = working(send, t("upWorking"), answer).catch(() => {});
        }
      });
      try {
        const item = await answer;
        toast(t("libUploaded"));
        await PAGES.library.render([], item);
      } catch (e) {
        progress.replaceChildren();
        send.disabled = false;
        error.textContent = e.message;
      }
    } }, el("h2", {}, t("libUpload")), el("label", { for: "file" }, t("upFile")), file,
      el("label", { for: "title" }, t("libName")), title, el("label", { for: "category" }, t("libCategory")), category,
      el("label", { for: "expires" }, t("libExpires")), expires, el("p", { class: "row" }, send), progress, error);
    // How full the library is, and what is wrong with its disk (a full disk refuses uploads with 507).
    const mb = n => decimal(n / 1048576) + " MB"; // "8.192,0 MB" in Vietnamese, as the charts write numbers
    const space = storage ? el("p", { class: "storage" }, t("libStorage") + ": " + mb(storage.usedBytes) + " / "
      + mb(storage.quotaBytes)) : "";
    const spaceProblem = storage && storage.problem ? el("p", { class: "error", role: "alert" }, storage.problem) : "";
    const card = result ? uploadResult(result) : "";
    show(el("h1", {}, t("libTitle")), spaceProblem, card, space, el("table", { class: "library" }, el("thead", {}, el("tr", {},
      el("th", {}, t("libName")), el("th", {}, t("libCategory")), el("th", {}, t("libDuration")),
      el("th", {}, t("libExpires")), el("th", {}, t("libListen")), el("th", {}, t("upOriginalCol")))),
      el("tbody", {}, library.map(i => el("tr", { "data-item": i.id },
      el("td", {}, i.title), el("td", { title: i.category }, categoryName(i.category)), el("td", {}, minutes(i.durationMs || 0)),
      el("td", {}, i.expires || "—"),
      el("td", {}, el("audio", { controls: true, preload: "none", src: i.url,
        "aria-label": t("libListen") + ": " + i.title })),
      el("td", {}, i.originalFormat ? originalButton(i) : el("span", { class: "muted" }, t("upAsUploaded"))))))), form);
    if (card) card.focus();
  }
};
