"use strict";
// Charts with time and value axes, a read-out, and the day's sessions marked (issue 18). Plain SVG drawn at
// the screen's own width (no chart library: the first page stays light), so that text is real 13 px on a phone.
// The read-out follows the pointer (mouse or finger) and the arrow keys, and is written into an aria-live
// <output> under the chart: a phone has no hover, a screen reader no eyes.
words({
  chartKeys: "chạm hoặc dùng phím ← → để đọc từng điểm", chartPlanned: "kế hoạch"
}, {
  chartKeys: "touch it or use the ← → keys to read each point", chartPlanned: "planned"
});

const SVG_NS = "http://www.w3.org/2000/svg";

/** An SVG element: svgEl("rect", {x: 1, …}, child…). Attributes only: the CSP forbids inline styles. */
function svgEl(tag, attrs, ...children) {
  const e = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs || {})) if (v !== null && v !== undefined) e.setAttribute(k, v);
  for (const c of children.flat()) if (c !== null && c !== undefined) e.append(c instanceof Node ? c : String(c));
  return e;
}

/** The drawing's width: the screen's, within 300–720 px, so that 1 unit is about 1 CSS pixel. */
function chartWidth() {
  return Math.round(Math.min(720, Math.max(300, (window.innerWidth || 720) - 40)));
}

/** 4–5 round values covering lo..hi: steps of 1, 2 or 5 × 10ⁿ. */
function niceTicks(lo, hi) {
  if (!(hi > lo)) { const d = Math.abs(lo) > 1 ? Math.abs(lo) * 0.1 : 1; lo -= d; hi += d; }
  const raw = (hi - lo) / 4, p = Math.pow(10, Math.floor(Math.log10(raw)));
  const step = [1, 2, 5, 10].map(m => m * p).find(s => s >= raw);
  const first = Math.floor(lo / step) * step, ticks = [];
  for (let v = first; v < hi + step * 0.999; v += step) ticks.push(Number(v.toFixed(10)));
  return ticks;
}

/** A number the commune's way (21,5 in Vietnamese): {@code digits} decimals, else as many as its size deserves. */
function numberText(v, unit, digits) {
  if (digits === undefined) digits = Math.abs(v) >= 100 ? 0 : Math.abs(v) >= 10 ? 1 : 2;
  return v.toLocaleString(App.lang === "vi" ? "vi-VN" : "en-GB", { maximumFractionDigits: digits }) + (unit || "");
}

/** The hour, minute and day of an instant in the commune's zone. */
function zoneParts(ms, zone) {
  const parts = {};
  for (const p of new Intl.DateTimeFormat("en-GB", { timeZone: zone, hour: "2-digit", minute: "2-digit", day: "2-digit",
    month: "2-digit", hour12: false }).formatToParts(new Date(ms))) parts[p.type] = p.value;
  return { hour: Number(parts.hour) % 24, minute: Number(parts.minute), day: parts.day, month: parts.month };
}

function hhmm(ms, zone) {
  const p = zoneParts(ms, zone);
  return String(p.hour).padStart(2, "0") + ":" + String(p.minute).padStart(2, "0");
}

/**
 * The read-out shared by both charts: a cursor moved to the nearest of {@code xs} by the pointer, a touch or
 * the arrow keys; {@code say(i)} gives its text, written into the <output>.
 */
function readOut(svg, xs, top, bottom, say) {
  const cursor = svgEl("line", { y1: top, y2: bottom, stroke: "#111", "stroke-width": 1.5, "stroke-dasharray": "4 3",
    visibility: "hidden", class: "cursor" });
  svg.append(cursor);
  const output = el("output", { class: "readout", "aria-live": "polite" }, t("chartKeys"));
  let at = -1;
  const pick = i => {
    at = Math.max(0, Math.min(xs.length - 1, i));
    cursor.setAttribute("x1", xs[at]); cursor.setAttribute("x2", xs[at]); cursor.setAttribute("visibility", "visible");
    output.textContent = say(at);
  };
  const nearest = ev => {
    const box = svg.getBoundingClientRect(), width = svg.viewBox.baseVal.width;
    const x = (ev.clientX - box.left) / Math.max(1, box.width) * width;
    let best = 0;
    xs.forEach((v, i) => { if (Math.abs(v - x) < Math.abs(xs[best] - x)) best = i; });
    pick(best);
  };
  svg.setAttribute("tabindex", "0");
  svg.addEventListener("pointermove", nearest);
  svg.addEventListener("pointerdown", nearest);
  svg.addEventListener("focus", () => { if (at < 0) pick(xs.length - 1); });
  svg.addEventListener("keydown", ev => {
    const step = { ArrowLeft: -1, ArrowRight: 1, ArrowDown: -1, ArrowUp: 1 }[ev.key];
    if (step) pick((at < 0 ? xs.length : at) + step);
    else if (ev.key === "Home") pick(0);
    else if (ev.key === "End") pick(xs.length - 1);
    else return;
    ev.preventDefault();
  });
  return output;
}

/** The value axis' labels at {@code ticks}: as many decimals as the step needs (19,5 20 20,5), no more, with the unit. */
function valueLabels(ticks, unit) {
  const step = ticks.length > 1 ? ticks[1] - ticks[0] : 1, digits = Math.max(0, Math.ceil(-Math.log10(step) - 1e-9));
  return ticks.map(v => numberText(v, unit, digits));
}

/** The room the widest of {@code labels} needs left of the plot, at least {@code least}: "12.400 MB" must not be cut. */
function labelRoom(labels, least) {
  const c = labelRoom.canvas || (labelRoom.canvas = document.createElement("canvas").getContext("2d"));
  const width = s => c ? c.measureText(s).width : s.length * 8; // no canvas: a generous 8 px a character
  if (c) c.font = "13px " + getComputedStyle(document.body).fontFamily;
  return Math.max(least, Math.ceil(Math.max(0, ...labels.map(width))) + 12);
}

/** The value axis: grid lines and {@code labels} (one a tick) at round values, left of the plot. */
function valueAxis(svg, ticks, labels, y, left, right) {
  ticks.forEach((v, i) => {
    svg.append(svgEl("line", { x1: left, x2: right, y1: y(v), y2: y(v), stroke: "#d5d9de", "stroke-width": 1 }),
      svgEl("text", { x: left - 6, y: y(v) + 4, "text-anchor": "end", "font-size": 13, fill: "#333" }, labels[i]));
  });
}

/**
 * A reading over time: {points: [{at, …}], field, unit, label, from, to (ISO or ms), zone, marks: [{start, end,
 * label}]}. A time axis every 3 h (6 h over longer spans) in the commune's zone, a value axis at round values,
 * the sessions as shaded bands with their names, and the read-out. Fewer than two readings: a sentence.
 */
function timeChart({ points, field, unit, label, from, to, zone, marks }) {
  zone = zone || (App.commune && App.commune.timeZone) || "Asia/Ho_Chi_Minh";
  const values = points.filter(p => p[field] !== null && p[field] !== undefined);
  if (values.length < 2) return el("p", { class: "muted" }, t("techNoData"));
  const ts = values.map(p => Date.parse(p.at)), vs = values.map(p => Number(p[field]));
  const t0 = from !== undefined ? +new Date(from) : Math.min(...ts), t1 = to !== undefined ? +new Date(to) : Math.max(...ts);
  // Each value label carries the reading's unit (°C, MB): the plot starts where the widest label ends.
  const ticks = niceTicks(Math.min(...vs), Math.max(...vs)), labels = valueLabels(ticks, unit);
  const W = chartWidth(), H = 230, left = labelRoom(labels, 52), right = W - 10, top = 26, bottom = H - 28;
  const [v0, v1] = [ticks[0], ticks[ticks.length - 1]];
  const x = ms => left + (ms - t0) / Math.max(1, t1 - t0) * (right - left);
  const y = v => bottom - (v - v0) / Math.max(1e-9, v1 - v0) * (bottom - top);
  const svg = svgEl("svg", { class: "chart", viewBox: "0 0 " + W + " " + H, role: "img",
    "aria-label": label + " — " + t("chartKeys") });

  // The sessions of the day, behind the line: what was playing when the reading changed.
  for (const m of marks || []) {
    const a = Math.max(t0, Date.parse(m.start)), b = Math.min(t1, Date.parse(m.end));
    if (!(b > a)) continue;
    svg.append(svgEl("rect", { class: "mark", x: x(a), y: top, width: Math.max(3, x(b) - x(a)), height: bottom - top,
      fill: "#dce8f5" }, svgEl("title", {}, m.label + " " + hhmm(a, zone) + "–" + hhmm(b, zone))),
    svgEl("text", { x: Math.min(x(a), right - 70), y: top - 8, "font-size": 13, fill: "#0a4f8a", "font-weight": 600 }, m.label));
  }
  valueAxis(svg, ticks, labels, y, left, right);
  // The time axis: on the hour in the commune's zone, every 3 h over a day; midnight shows the date.
  // On a phone a label every 3 h would overlap its neighbours: the lines stay, every other label goes.
  const span = t1 - t0, every = span <= 30 * 3600e3 ? 3 : span <= 4 * 86400e3 ? 12 : 24;
  const perHour = (right - left) / Math.max(1, span / 3600e3);
  const labelled = every * Math.max(1, Math.ceil(44 / (every * perHour)));
  for (let ms = Math.ceil(t0 / 900e3) * 900e3; ms <= t1; ms += 900e3) {
    const p = zoneParts(ms, zone);
    if (p.minute !== 0 || p.hour % every !== 0) continue;
    svg.append(svgEl("line", { x1: x(ms), x2: x(ms), y1: top, y2: bottom + 4, stroke: "#d5d9de", "stroke-width": 1 }));
    if (p.hour % labelled === 0) {
      svg.append(svgEl("text", { x: x(ms), y: H - 8, "text-anchor": "middle", "font-size": 13, fill: "#333" },
        p.hour === 0 ? p.day + "/" + p.month : String(p.hour).padStart(2, "0") + ":00"));
    }
  }
  svg.append(svgEl("line", { x1: left, x2: right, y1: bottom, y2: bottom, stroke: "#555" }));
  // The line, broken where readings are missing (a station off the air draws no straight line over its silence).
  const gaps = ts.slice(1).map((v, i) => v - ts[i]).sort((a, b) => a - b);
  const gapAt = Math.max(3 * gaps[Math.floor(gaps.length / 2)], 30 * 60e3);
  let run = [];
  const flush = () => {
    if (!run.length) return;
    svg.append(svgEl("polyline", { points: run.map(([a, b]) => a.toFixed(1) + "," + b.toFixed(1)).join(" "), fill: "none",
      stroke: "#0a4f8a", "stroke-width": 2.5 }));
    // A few readings between two gaps would be a line too short to see: a dot shows they are there.
    if (run[run.length - 1][0] - run[0][0] < 4) {
      svg.append(svgEl("circle", { cx: run[0][0], cy: run[run.length - 1][1], r: 3, fill: "#0a4f8a" }));
    }
    run = [];
  };
  values.forEach((p, i) => {
    if (i && ts[i] - ts[i - 1] > gapAt) flush();
    run.push([x(ts[i]), y(vs[i])]);
  });
  flush();
  const dot = svgEl("circle", { r: 5, fill: "#0a4f8a", visibility: "hidden" });
  const output = readOut(svg, ts.map(x), top, bottom, i => {
    dot.setAttribute("cx", x(ts[i])); dot.setAttribute("cy", y(vs[i])); dot.setAttribute("visibility", "visible");
    return hhmm(ts[i], zone) + " — " + numberText(vs[i], unit);
  });
  svg.append(dot);
  return el("figure", { class: "chart" }, svg, output);
}

/**
 * Bars per day: {days: ["2026-12-01", …], series: [{label, values, planned?, color}], max?, readout?(i)}. Where a
 * series has {@code planned}, an outline shows what was planned and the filled bar what was done.
 */
function barChart({ days, series, max, readout, label }) {
  const W = chartWidth(), H = 240, left = 40, right = W - 8, top = 14, bottom = H - 30;
  const highest = Math.max(1, max || 0, ...series.flatMap(s => s.values.concat(s.planned || [])));
  const ticks = niceTicks(0, highest);
  const v1 = ticks[ticks.length - 1];
  const y = v => bottom - v / v1 * (bottom - top);
  const slot = (right - left) / Math.max(1, days.length), bar = Math.max(2, slot * 0.8 / series.length);
  const svg = svgEl("svg", { class: "chart bars", viewBox: "0 0 " + W + " " + H, role: "img",
    "aria-label": (label || series.map(s => s.label).join(", ")) + " — " + t("chartKeys") });
  const counts = ticks.filter(v => Number.isInteger(v));
  valueAxis(svg, counts, valueLabels(counts, ""), y, left, right);
  days.forEach((d, i) => {
    series.forEach((s, k) => {
      const bx = left + i * slot + slot * 0.1 + k * bar;
      if (s.planned && s.planned[i]) {
        svg.append(svgEl("rect", { x: bx + 0.75, y: y(s.planned[i]), width: Math.max(1, bar - 1.5),
          height: bottom - y(s.planned[i]), fill: "none", stroke: s.color, "stroke-width": 1.5 }));
      }
      if (s.values[i]) {
        svg.append(svgEl("rect", { x: bx, y: y(s.values[i]), width: bar, height: bottom - y(s.values[i]), fill: s.color,
          "data-day": d, "data-series": k }));
      }
    });
    // Every day's number where there is room (a desktop), else the 1st and every 5th (a phone).
    const n = Number(d.slice(8));
    if (slot >= 18 || n === 1 || n % 5 === 0) {
      svg.append(svgEl("text", { x: left + (i + 0.5) * slot, y: H - 10, "text-anchor": "middle", "font-size": 13,
        fill: "#333" }, n));
    }
  });
  svg.append(svgEl("line", { x1: left, x2: right, y1: bottom, y2: bottom, stroke: "#555" }));
  const legend = el("p", { class: "legend" }, series.map(s => el("span", {},
    el("span", { class: "swatch", "data-color": s.color }), s.label)));
  // The swatch colour is set through the CSSOM: an inline style attribute would be refused by the CSP.
  legend.querySelectorAll(".swatch").forEach(n => { n.style.background = n.dataset.color; });
  const output = readOut(svg, days.map((d, i) => left + (i + 0.5) * slot), top, bottom, readout || (i => days[i] + ": "
    + series.map(s => s.label + " " + s.values[i] + (s.planned ? " / " + s.planned[i] : "")).join(" · ")));
  return el("figure", { class: "chart" }, legend, svg, output);
}
