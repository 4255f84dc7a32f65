package vn.loalang.systemtests.bench;

import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.chromium.ChromiumDriver;
import vn.loalang.systemtests.support.Browser;
import vn.loalang.systemtests.support.MarkerSignal;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The speaker's side of the live bench: Debian's Chromium, headless, with a fake microphone that plays
 * {@code markers.wav}, logged in to the console as an operator. Before any page script runs, a tap is
 * installed ({@link #TAP}): every stream {@code getUserMedia} hands out goes through an AudioWorklet
 * that finds the markers as they are captured, with the same windows and threshold as the stations'
 * detector, and notes each onset's wall time ({@code performance.timeOrigin}-based, mapped from the
 * worklet's audio clock), and {@code MediaRecorder.start}/{@code stop} are noted too, so that only
 * markers the recorder sent are awaited at the stations. This is "the browser's capture of the marker".
 * <p>
 * The talk is the console's own: its "Nói trực tiếp" page ({@code console-live.js}) announces the talk and
 * sends {@code MediaRecorder} WebM/Opus at 32 kbit/s in 100 ms slices over the talk's WebSocket.
 */
final class TalkBrowser implements AutoCloseable {
    /** One marker captured: its index (0–7), the mapped wall time and the time the page was told (ms since the epoch). */
    record Mark(int index, double wallMs, double toldMs) {
    }

    /**
     * The tap, run in every document before its own scripts. The worklet mirrors {@link MarkerDetector}:
     * 10 ms Hann windows, Goertzel at the 8 frequencies, an onset after 300 ms below the threshold, named
     * by the strongest frequency over its first 50 ms; its time is the first window's first frame on the
     * audio context's clock, mapped to {@code performance} time by {@code getOutputTimestamp()}.
     */
    static final String TAP = """
            (() => {
              const FREQS = %s, THRESHOLD_DB = %s, REARM_MS = 300, HEAD_MS = 50;
              const wall = () => performance.timeOrigin + performance.now();
              window.__liveMarks = []; window.__liveRecorder = []; window.__liveTapErrors = [];
              const worklet = `
                class MarkerTap extends AudioWorkletProcessor {
                  constructor(o) {
                    super(); const p = o.processorOptions;
                    this.freqs = p.freqs; this.threshold = p.threshold;
                    this.win = Math.round(sampleRate / 100); this.buf = new Float32Array(this.win); this.n = 0;
                    this.hann = new Float32Array(this.win); this.hannSum = 0;
                    for (let i = 0; i < this.win; i++) { this.hann[i] = 0.5 - 0.5 * Math.cos(2 * Math.PI * i / this.win); this.hannSum += this.hann[i]; }
                    this.coeff = this.freqs.map(f => 2 * Math.cos(2 * Math.PI * f / sampleRate));
                    this.rearm = Math.round(p.rearmMs / 10); this.head = Math.round(p.headMs / 10);
                    this.below = this.rearm; this.pending = -1; this.power = null; this.headSeen = 0; this.winStart = 0;
                  }
                  level(c) {
                    let s1 = 0, s2 = 0;
                    for (let i = 0; i < this.win; i++) { const s0 = this.buf[i] * this.hann[i] + c * s1 - s2; s2 = s1; s1 = s0; }
                    const a = 2 * Math.sqrt(Math.max(s1 * s1 + s2 * s2 - c * s1 * s2, 0)) / this.hannSum;
                    return a <= 1e-10 ? -200 : 20 * Math.log10(a);
                  }
                  window() {
                    const db = this.coeff.map(c => this.level(c));
                    const on = db.some(d => d >= this.threshold);
                    if (this.pending >= 0) this.addHead(db);
                    if (!on) { this.below++; return; }
                    if (this.below >= this.rearm && this.pending < 0) {
                      this.pending = this.winStart; this.power = this.freqs.map(() => 0); this.headSeen = 0; this.addHead(db);
                    }
                    this.below = 0;
                  }
                  addHead(db) {
                    db.forEach((d, f) => this.power[f] += Math.pow(10, d / 10));
                    if (++this.headSeen < this.head) return;
                    let best = 0; this.power.forEach((p, f) => { if (p > this.power[best]) best = f; });
                    this.port.postMessage({ index: best, contextTime: this.pending / sampleRate });
                    this.pending = -1;
                  }
                  process(inputs) {
                    const input = inputs[0];
                    if (!input || input.length === 0) return true;
                    const len = input[0].length;
                    for (let i = 0; i < len; i++) {
                      let s = 0; for (const ch of input) s += ch[i];
                      if (this.n === 0) this.winStart = currentFrame + i;
                      this.buf[this.n++] = s / input.length;
                      if (this.n === this.win) { this.window(); this.n = 0; }
                    }
                    return true;
                  }
                }
                registerProcessor('marker-tap', MarkerTap);`;
              async function tap(stream) {
                const ctx = new AudioContext();
                await ctx.audioWorklet.addModule(URL.createObjectURL(new Blob([worklet], { type: 'application/javascript' })));
                const node = new AudioWorkletNode(ctx, 'marker-tap',
                    { processorOptions: { freqs: FREQS, threshold: THRESHOLD_DB, rearmMs: REARM_MS, headMs: HEAD_MS } });
                const mute = ctx.createGain(); mute.gain.value = 0;
                ctx.createMediaStreamSource(stream).connect(node); node.connect(mute); mute.connect(ctx.destination);
                node.port.onmessage = e => {
                  const told = wall();
                  const seen = told - (ctx.currentTime - e.data.contextTime) * 1000;
                  const ts = ctx.getOutputTimestamp();
                  const mapped = ts.performanceTime > 0
                      ? performance.timeOrigin + ts.performanceTime + (e.data.contextTime - ts.contextTime) * 1000 : seen;
                  // The earlier of the two: a capture placed too early only makes the latency look longer.
                  window.__liveMarks.push({ index: e.data.index, wallMs: Math.min(mapped, seen), toldMs: told });
                };
                await ctx.resume();
              }
              const gum = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
              navigator.mediaDevices.getUserMedia = async c => {
                const stream = await gum(c);
                try { await tap(stream); } catch (e) { window.__liveTapErrors.push(String(e)); }
                return stream;
              };
              const start = MediaRecorder.prototype.start, stop = MediaRecorder.prototype.stop;
              MediaRecorder.prototype.start = function (...a) { window.__liveRecorder.push({ event: 'start', wallMs: wall() }); return start.apply(this, a); };
              MediaRecorder.prototype.stop = function (...a) { window.__liveRecorder.push({ event: 'stop', wallMs: wall() }); return stop.apply(this, a); };
            })();
            """.formatted(java.util.Arrays.toString(MarkerSignal.FREQUENCIES), Double.toString(MarkerSignal.THRESHOLD_DB));

    private final Browser browser;

    private TalkBrowser(Browser browser) {
        this.browser = browser;
    }

    /** Chromium on {@code base} with {@code markers} as its microphone, the tap installed for every page. */
    static TalkBrowser open(String base, Path markers) {
        Browser b = Browser.open(base, 1280, 900, List.of("--use-fake-ui-for-media-stream",
                "--use-fake-device-for-media-stream", "--use-file-for-fake-audio-capture=" + markers.toAbsolutePath(),
                "--autoplay-policy=no-user-gesture-required"));
        try {
            ChromiumDriver driver = (ChromiumDriver) b.driver();
            // The console's Content-Security-Policy allows scripts from itself only; the tap's worklet is a blob.
            // DevTools lifts it for this browser alone: the console's own scripts run as they always do.
            driver.executeCdpCommand("Page.setBypassCSP", Map.of("enabled", true));
            driver.executeCdpCommand("Page.addScriptToEvaluateOnNewDocument", Map.of("source", TAP));
            return new TalkBrowser(b);
        } catch (RuntimeException e) {
            b.close();
            throw e;
        }
    }

    void logIn(String username, String password) {
        browser.logIn(username, password);
    }

    /** The console's "Nói trực tiếp" page, with every village chosen (an operator is offered them all). */
    void openTalkPage() {
        browser.click(By.linkText("Nói trực tiếp"));
        // The page draws itself again as its data comes: the boxes are ticked where they are now, until all are.
        browser.until("every village chosen on the talk page", d -> Boolean.TRUE.equals(js().executeScript("""
                const boxes = [...document.querySelectorAll('input[name=talk-village]')];
                boxes.filter(b => !b.checked).forEach(b => b.click());
                return boxes.length > 0 && boxes.every(b => b.checked);""")) ? true : null);
    }

    /** Presses "Nói trực tiếp" and returns once the page says the talk is on air. */
    void startTalk() {
        browser.click(By.id("talk"));
        browser.until("the talk on air on the page", d -> state().startsWith("ĐANG PHÁT") ? true : null);
    }

    /** Presses it again and returns once the page says the talk has ended. */
    void endTalk() {
        browser.click(By.id("talk"));
        browser.until("the talk ended on the page", d -> state().equals("Đã kết thúc") ? true : null);
    }

    private String state() {
        return browser.find(By.id("talk-state")).getText();
    }

    /** Every marker the tap captured since the page loaded. */
    List<Mark> marks() throws BenchException {
        List<Mark> out = new ArrayList<>();
        for (Object o : list("return window.__liveMarks || []")) {
            Map<?, ?> m = (Map<?, ?>) o;
            out.add(new Mark(((Number) m.get("index")).intValue(), ((Number) m.get("wallMs")).doubleValue(),
                    ((Number) m.get("toldMs")).doubleValue()));
        }
        List<?> errors = list("return window.__liveTapErrors || []");
        if (!errors.isEmpty()) {
            throw new BenchException("the browser's marker tap failed: " + errors);
        }
        return out;
    }

    /** When each recorder started and stopped (ms since the epoch), in order: [start, stop, start, stop, …]. */
    List<Double> recorderTimes() {
        List<Double> out = new ArrayList<>();
        for (Object o : list("return window.__liveRecorder || []")) {
            out.add(((Number) ((Map<?, ?>) o).get("wallMs")).doubleValue());
        }
        return out;
    }

    /** The page's {@code performance} wall clock minus its {@code Date.now()} and minus this JVM's clock, in ms. */
    String clockCheck() {
        long before = System.currentTimeMillis();
        List<?> r = (List<?>) js().executeScript("return [Date.now(), performance.timeOrigin + performance.now()]");
        long after = System.currentTimeMillis();
        double date = ((Number) r.get(0)).doubleValue();
        double perf = ((Number) r.get(1)).doubleValue();
        return String.format(Locale.ROOT, "performance − Date.now() %+.1f ms, page − JVM %+.1f ms (±%d ms)", perf - date,
                date - (before + after) / 2.0, (after - before + 1) / 2);
    }

    private List<?> list(String script) {
        Object o = js().executeScript(script);
        return o instanceof List<?> l ? l : List.of();
    }

    private JavascriptExecutor js() {
        return (JavascriptExecutor) browser.driver();
    }

    @Override
    public void close() {
        browser.close();
    }
}
