"use strict";
// Live talk (issue 17): "Nói trực tiếp" — press to start, press again to end (holding is awkward on a
// phone). The microphone's audio goes out as WebM/Opus at 32 kbit/s in 100 ms pieces (or, in a browser
// that cannot record WebM/Opus, 16 kHz PCM from an AudioWorklet) over a WebSocket
// opened with the one-time ticket the POST answered (the bearer token never goes in a URL). A level meter
// from an AnalyserNode shows the speaker they are heard; the state comes from the server once a second.
words({
  navTalk: "Nói trực tiếp", talkTitle: "Nói trực tiếp", talkVillages: "Thôn nghe", talkSubject: "Tiêu đề (ghi vào nhật ký)",
  talkLate: "Cụm loa mất kết nối lúc nói", talkPlayLate: "Phát lại bản ghi khi có kết nối (trong 60 phút)",
  talkSkip: "Bỏ qua", talkStart: "NÓI TRỰC TIẾP", talkStop: "KẾT THÚC", talkReady: "Chuẩn bị…",
  talkOnAir: "ĐANG PHÁT", talkStations: "cụm loa đang phát", talkEnded: "Đã kết thúc", talkLevel: "Mức tiếng micro",
  talkNeedVillage: "Chọn ít nhất một thôn.", talkNoMic: "Không dùng được micro", talkKeepOpen:
  "Giữ trang này mở trong khi nói. Tối đa 15 phút.", talkNoWebm: "Trình duyệt này không ghi được âm thanh: hãy dùng Chrome, Edge, Firefox hoặc Safari mới.",
  talkUplink: "Đang chờ gửi", talkHeard: "Đã nhận", talkCut: "Mất kết nối với máy chủ: buổi nói đã dừng."
}, {
  navTalk: "Talk live", talkTitle: "Talk live", talkVillages: "Villages to hear it", talkSubject: "Title (for the log)",
  talkLate: "Loudspeakers offline during the talk", talkPlayLate: "Play the recording when back (within 60 min)",
  talkSkip: "Skip it", talkStart: "TALK LIVE", talkStop: "END", talkReady: "Getting ready…",
  talkOnAir: "ON AIR", talkStations: "loudspeakers on air", talkEnded: "Ended", talkLevel: "Microphone level",
  talkNeedVillage: "Choose at least one village.", talkNoMic: "The microphone cannot be used", talkKeepOpen:
  "Keep this page open while you talk. 15 minutes at most.", talkNoWebm: "This browser cannot record audio: use a recent Chrome, Edge, Firefox or Safari.",
  talkUplink: "Waiting to send", talkHeard: "Received", talkCut: "The connection to the server was lost: the talk stopped."
});

ORDER.splice(ORDER.indexOf("emergency") + 1, 0, "talk");

const TALK_TYPE = "audio/webm;codecs=opus";

PAGES.talk = {
  roles: ["VILLAGE_HEAD", "OPERATOR", "ADMIN"], menu: "navTalk",
  async render() {
    const villages = await api("GET", "/api/villages");
    // A village head is offered their own villages only, already chosen.
    const head = App.user.role === "VILLAGE_HEAD";
    const mine = head ? villages.filter(v => App.user.villages.includes(v.id)) : villages;
    const boxes = mine.map(v => el("label", {}, el("input", { type: "checkbox", name: "talk-village", value: v.id,
      checked: head || mine.length === 1 }), v.name));
    const subject = el("input", { id: "talk-subject", type: "text", maxlength: 120 });
    // Two radio buttons, not a select: a select cannot wrap its text, and at 360 px the first choice was cut off.
    const lateChoice = (value, label) => el("label", {}, el("input", { type: "radio", name: "talk-late", value,
      checked: value === "PLAY_LATE" }), t(label));
    const late = el("fieldset", { id: "talk-late", class: "choices" }, el("legend", {}, t("talkLate")),
      lateChoice("PLAY_LATE", "talkPlayLate"), lateChoice("SKIP", "talkSkip"));
    const button = el("button", { type: "button", class: "talk", id: "talk" }, t("talkStart"));
    const state = el("p", { id: "talk-state", class: "talk-state", role: "status", "aria-live": "polite" });
    const meter = el("meter", { id: "talk-level", min: 0, max: 1, value: 0, "aria-label": t("talkLevel") });
    const detail = el("p", { id: "talk-detail", class: "muted" });
    const error = el("p", { class: "error", role: "alert" });
    let talk = null;
    button.addEventListener("click", async () => {
      error.textContent = "";
      if (talk) { button.disabled = true; await talk.stop(); return; }
      const chosen = boxes.map(l => l.firstChild).filter(b => b.checked).map(b => b.value);
      if (!chosen.length) { error.textContent = t("talkNeedVillage"); return; }
      // WebM/Opus where the browser records it; else PCM from an AudioWorklet (Safari). The PCM path can be
      // chosen by hand (localStorage "loalang.talk.pcm" = "1") to try it on any browser.
      const webm = window.MediaRecorder && MediaRecorder.isTypeSupported(TALK_TYPE);
      const pcm = !webm || localStorage.getItem("loalang.talk.pcm") === "1";
      if (pcm && !window.AudioWorkletNode) { error.textContent = t("talkNoWebm"); return; }
      button.disabled = true;
      try {
        talk = await startTalk({ villages: chosen, title: subject.value.trim() || null,
          late: late.querySelector("input:checked").value }, {
          report(r) {
            const onAir = r.state === "ON_AIR";
            state.className = "talk-state" + (onAir ? " on-air" : "");
            state.textContent = r.state === "ENDED" ? t("talkEnded") : onAir
              ? t("talkOnAir") + " · " + r.stationsOnAir + " " + t("talkStations") : t("talkReady");
            detail.textContent = t("talkHeard") + " " + (r.receivedMillis / 1000).toFixed(1) + " s";
          },
          level(v) { meter.value = v; },
          uplink(bytes) { if (bytes > 4000) detail.textContent = t("talkUplink") + " " + Math.round(bytes / 1000) + " kB"; },
          ended(cut) {
            talk = null;
            button.textContent = t("talkStart");
            button.classList.remove("on-air");
            button.disabled = false;
            meter.value = 0;
            state.className = "talk-state";
            state.textContent = t("talkEnded");
            if (cut) error.textContent = t("talkCut");
          }
        }, pcm);
        state.textContent = t("talkReady");
        button.textContent = t("talkStop");
        button.classList.add("on-air");
      } catch (e) {
        error.textContent = (e.name === "NotAllowedError" || e.name === "NotFoundError") ? t("talkNoMic") + ": " + e.message
          : e.message;
      } finally {
        button.disabled = false;
      }
    });
    show(el("h1", {}, t("talkTitle")),
      el("fieldset", { class: "choices" }, el("legend", {}, t("talkVillages")), boxes),
      el("label", { for: "talk-subject" }, t("talkSubject")), subject,
      late,
      button, state, el("label", { for: "talk-level" }, t("talkLevel")), meter, detail, error,
      el("p", { class: "muted" }, t("talkKeepOpen")));
  }
};

/**
 * Starts a talk: asks for the microphone while the server announces the talk, then sends the audio over
 * the ticket's socket: WebM/Opus pieces from MediaRecorder, or (pcm: a browser without WebM/Opus
 * recording, such as Safari) 16 kHz mono s16le from an AudioWorklet, 100 ms a message. Returns {stop};
 * on.ended(cut) is called once, however it ends.
 */
async function startTalk(body, on, pcm) {
  const mic = navigator.mediaDevices.getUserMedia({ audio: { echoCancellation: false, noiseSuppression: false,
    autoGainControl: false } });
  const post = api("POST", "/api/live/talks", body);
  let stream, started;
  try {
    [stream, started] = await Promise.all([mic, post]);
  } catch (e) {
    // One of the two failed: nothing is left half-started (a talk announced without a voice is ended).
    mic.then(s => s.getTracks().forEach(track => track.stop())).catch(() => {});
    post.then(s => api("DELETE", "/api/live/talks/" + encodeURIComponent(s.id))).catch(() => {});
    throw e;
  }
  const audio = new AudioContext();
  const source = audio.createMediaStreamSource(stream);
  const analyser = audio.createAnalyser();
  analyser.fftSize = 1024;
  source.connect(analyser);
  let ws = null;
  const send = data => { if (ws && ws.readyState === WebSocket.OPEN) ws.send(data); };
  // The sender is ready before the socket exists: its handlers are set in the task that opens it.
  const sender = pcm ? await pcmSender(audio, source, send) : webmSender(stream, send);
  ws = new WebSocket((location.protocol === "https:" ? "wss://" : "ws://") + location.host + started.wsUrl
    + (pcm ? "&format=pcm" : ""));
  ws.binaryType = "arraybuffer";
  const samples = new Float32Array(analyser.fftSize);
  let done = false, stopping = false, lock = null;
  const draw = () => {
    if (done) return;
    analyser.getFloatTimeDomainData(samples);
    let peak = 0;
    for (const s of samples) peak = Math.max(peak, Math.abs(s));
    on.level(peak);
    on.uplink(ws.bufferedAmount);
    requestAnimationFrame(draw);
  };
  const finish = cut => {
    if (done) return;
    done = true;
    sender.halt();
    stream.getTracks().forEach(track => track.stop());
    audio.close();
    if (lock) lock.release().catch(() => {});
    on.ended(cut);
  };
  ws.onopen = () => { sender.start(); draw(); };
  ws.onmessage = m => { const r = JSON.parse(m.data); on.report(r); if (r.state === "ENDED") finish(false); };
  ws.onclose = () => finish(!stopping);
  // A phone that dims its screen may stop the page: ask it not to, while the talk lasts.
  if (navigator.wakeLock) navigator.wakeLock.request("screen").then(l => { lock = l; }).catch(() => {});
  return {
    id: started.id,
    async stop() {
      stopping = true;
      await sender.drain(); // the last piece goes out before the server is told to end
      try { await api("DELETE", "/api/live/talks/" + encodeURIComponent(started.id)); }
      finally { if (ws.readyState === WebSocket.CLOSED) finish(false); }
    }
  };
}

/** WebM/Opus at 32 kbit/s, a piece every 100 ms (Chromium rounds to 120 ms: six 20 ms Opus frames). */
function webmSender(stream, send) {
  const recorder = new MediaRecorder(stream, { mimeType: TALK_TYPE, audioBitsPerSecond: 32000 });
  recorder.ondataavailable = e => { if (e.data.size) send(e.data); };
  return {
    start() { recorder.start(100); },
    drain() {
      if (recorder.state === "inactive") return Promise.resolve();
      return new Promise(resolve => { recorder.onstop = resolve; recorder.stop(); });
    },
    halt() { if (recorder.state !== "inactive") recorder.stop(); }
  };
}

/** 16 kHz mono s16le (256 kbit/s) from an AudioWorklet, resampled here, 100 ms (1,600 samples) a message. */
async function pcmSender(audio, source, send) {
  await audio.audioWorklet.addModule("/console-talk-worklet.js");
  const node = new AudioWorkletNode(audio, "talk-pcm");
  const mute = audio.createGain();
  mute.gain.value = 0; // the graph is pulled by the speakers' output; nothing is heard
  source.connect(node).connect(mute).connect(audio.destination);
  const step = audio.sampleRate / 16000;
  const out = new Int16Array(1600);
  let filled = 0, pos = 0, last = 0, sending = false;
  const flush = () => {
    if (filled) send(out.slice(0, filled).buffer);
    filled = 0;
  };
  node.port.onmessage = e => {
    if (!sending) return;
    const input = e.data;
    // Linear interpolation between the previous block's last sample and this block's samples.
    for (; pos < input.length; pos += step) {
      const i = Math.floor(pos), frac = pos - i;
      const a = i === 0 ? last : input[i - 1], b = input[i];
      const v = Math.max(-1, Math.min(1, a + (b - a) * frac));
      out[filled++] = v < 0 ? v * 0x8000 : v * 0x7fff;
      if (filled === out.length) flush();
    }
    pos -= input.length;
    last = input[input.length - 1];
  };
  return {
    start() { sending = true; },
    drain() { sending = false; flush(); return Promise.resolve(); },
    halt() { sending = false; node.port.onmessage = null; node.disconnect(); }
  };
}
