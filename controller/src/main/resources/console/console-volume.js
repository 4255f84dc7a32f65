"use strict";
// Levels (decision 0034): a station's, set by its technician, and a session's, set by the operator, each
// within the commune's range. Shown Vietnamese first with English beside, like the reasons and the clock:
// a level is read on a pole as often as at a desk.

/** A level as people read it: +6 dB, −12 dB, −4,5 dB (the Vietnamese decimal comma). */
function dB(v) {
  if (v === null || v === undefined) return "—";
  const n = Math.abs(v) % 1 ? Math.abs(v).toFixed(1).replace(".", ",") : String(Math.abs(v));
  return (v > 0 ? "+" : v < 0 ? "−" : "") + n + " dB";
}

/** The commune's range for levels, from the commune's settings (its defaults while they are not loaded). */
function volumeRange() {
  const v = (App.commune && App.commune.volume) || {};
  return { min: v.minDb ?? -30, max: v.maxDb ?? 6, def: v.defaultDb ?? 0 };
}

/**
 * A number field for a level with its range beside it: "Âm lượng cụm loa / Station volume (dB)" and
 * "Cho phép từ −30 đến +6 dB / allowed from −30 to +6 dB". The browser marks a value outside the range;
 * the server refuses it (400, with the range), it never clamps.
 *
 * @return {{node: Node, input: HTMLInputElement, value: function(): (number|null)}} value is null when empty
 */
function volumeField(id, vi, en, value) {
  const r = volumeRange();
  const input = el("input", { id, type: "number", step: 0.5, min: r.min, max: r.max,
    value: value === null || value === undefined ? "" : value, "aria-describedby": id + "-range" });
  const node = el("div", { class: "volume" }, el("label", { for: id }, vi + " / " + en + " (dB)"), input,
    el("p", { id: id + "-range", class: "muted" }, "Cho phép từ " + dB(r.min) + " đến " + dB(r.max)
      + " / allowed from " + dB(r.min) + " to " + dB(r.max)));
  return { node, input, value: () => input.value === "" ? null : Number(input.value) };
}
