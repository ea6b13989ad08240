// The vocabulary every live page shares (docs/protocol.md, "Shared vocabulary"): DOM helpers,
// transcript lines, and the speech-time rule and close codes, which the server defines
// (avatars/voice/vocabulary.py) and serves in #voice-vocabulary on every page.

const served = document.getElementById("voice-vocabulary");
export const vocabulary = served ? JSON.parse(served.textContent) : null;
if (!vocabulary) console.error("voice vocabulary missing: the page must extend base.html");

export const CLOSE = vocabulary ? vocabulary.close : {};

export const $ = (id) => document.getElementById(id);

// el("p", {class: "note", "data-x": 1, onclick: fn}, "text", child, [more children])
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "class") node.className = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? "" : value);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

// How long an avatar takes to say `text` at `rate` (the server's rule).
export function speechSeconds(text, rate = 1) {
  const {words_per_second: wps, min_seconds: min} = vocabulary.speech;
  const words = String(text || "").trim().split(/\s+/).filter(Boolean).length;
  return Math.max(min, words / wps) / (rate > 0 ? rate : 1);
}

// After this long without an end event, the page treats speech as ended (the server sends
// the same figure as `timeout` in every speak frame; this covers speech it did not time).
export function speechTimeout(text, rate = 1) {
  const {timeout_factor: factor, timeout_extra: extra} = vocabulary.speech;
  return speechSeconds(text, rate) * factor + extra;
}

// One transcript line ({speaker, text}) as the pages show it: "<strong>Who: </strong>text".
export function transcriptLine(line, labels, className = "") {
  return el("p", {class: className || undefined, "data-speaker": line.speaker},
    el("strong", {}, `${labels[line.speaker] || line.speaker}: `), line.text);
}
