// The avatar on a page: shared by the mock interview and the classroom room pages.
//
//   const avatar = createAvatar({
//     container,            // element to render into (gets the face or the vendor video)
//     connection,           // AvatarConnection.for_browser(): {provider, session_id, url, access_token, ...}
//     onEvent(event) {},    // {type: "speak_started"|"speak_ended", taskId, duration, timeout?, interrupted?}
//     onStatus(status, detail) {}, // "connecting" | "connected" | "retrying" | "voice-only" | "captions-only"
//     livekit: {url, sri},  // LiveKit client to load (only for heygen / liveavatar); default: the
//                           // page's <meta name="livekit-client"> (our vendored copy, base.html)
//   });
//   avatar.speak(text, taskId); avatar.interrupt(); avatar.destroy(); avatar.mode
//
// Providers: "local" draws an SVG face whose mouth moves while the browser speaks the text with
// speechSynthesis; with no voices it shows captions and reports the end after a duration computed
// from the text. "heygen"/"liveavatar" load the LiveKit client (only then) and join the vendor's
// room; when that fails after a few retries the avatar falls back to voice only, then captions
// only. Every speak() is answered by speak_started and speak_ended events whatever the mode, so
// the flow around it never stalls.
import {speechSeconds, speechTimeout} from "./voice.js";

const FACE_SVG = `
<svg class="avatar-face" viewBox="0 0 200 200" role="img" aria-label="LABEL">
  <circle cx="100" cy="100" r="88" fill="#f2c9a0" stroke="#2b3550" stroke-width="4"/>
  <path d="M30 80 Q100 -10 170 80 Q150 40 100 38 Q50 40 30 80Z" fill="#3a2c25"/>
  <circle class="eye" cx="70" cy="92" r="9" fill="#2b3550"/>
  <circle class="eye" cx="130" cy="92" r="9" fill="#2b3550"/>
  <path d="M60 74 Q70 68 80 74" stroke="#2b3550" stroke-width="3" fill="none"/>
  <path d="M120 74 Q130 68 140 74" stroke="#2b3550" stroke-width="3" fill="none"/>
  <ellipse class="mouth" cx="100" cy="140" rx="26" ry="8" fill="#8a2d3b"/>
</svg>`;

export {speechSeconds};

export function loadScript(url, integrity) {
  return new Promise((resolve, reject) => {
    if (!url) { reject(new Error("no client URL configured")); return; }
    const existing = document.querySelector(`script[data-src="${CSS.escape(url)}"]`);
    if (existing && existing.dataset.loaded) { resolve(); return; }
    const script = document.createElement("script");
    script.src = url;
    script.dataset.src = url;
    script.async = true;
    if (integrity) { script.integrity = integrity; script.crossOrigin = "anonymous"; }
    script.onload = () => { script.dataset.loaded = "1"; resolve(); };
    script.onerror = () => reject(new Error(`could not load ${url}`));
    document.head.appendChild(script);
  });
}

// The LiveKit client the server chose for this page (base.html): our vendored static copy unless
// settings point elsewhere. Read lazily: pages with the local avatar never load it.
function pageLivekitSource() {
  const meta = document.querySelector('meta[name="livekit-client"]');
  return meta ? {url: meta.content, sri: meta.dataset.integrity || ""} : {};
}

function sleep(ms) { return new Promise((resolve) => setTimeout(resolve, ms)); }

function withTimeout(promise, ms, label) {
  return Promise.race([promise, sleep(ms).then(() => { throw new Error(`${label} timed out`); })]);
}

async function voicesAvailable(waitMs = 1200) {
  if (!("speechSynthesis" in window)) return [];
  let voices = window.speechSynthesis.getVoices();
  if (voices.length) return voices;
  await new Promise((resolve) => {
    const done = () => { window.speechSynthesis.removeEventListener("voiceschanged", done); resolve(); };
    window.speechSynthesis.addEventListener("voiceschanged", done);
    setTimeout(done, waitMs);
  });
  return window.speechSynthesis.getVoices();
}

export function createAvatar({container, connection = {}, onEvent = () => {}, onStatus = () => {}, livekit = {}, label = "Interviewer"} = {}) {
  const provider = connection.provider || "local";
  const rate = Number(connection.speaking_rate) || 1;
  container.classList.add("avatar-host");
  container.innerHTML = `
    <div class="avatar-visual">${FACE_SVG.replace("LABEL", label.replace(/[<>&"]/g, ""))}</div>
    <p class="avatar-caption" aria-live="polite"></p>`;
  const visual = container.querySelector(".avatar-visual");
  const face = container.querySelector(".avatar-face");
  const caption = container.querySelector(".avatar-caption");
  let mode = "connecting"; // "vendor" | "voice" | "captions" | "connecting"
  let voice = null;
  let room = null;
  let destroyed = false;
  const queue = [];
  let current = null; // {taskId, text, resolve, started}
  let vendorWaiters = new Map(); // taskId -> {started(), ended(duration)}

  function status(value, detail = {}) {
    try { onStatus(value, detail); } catch (err) { console.error(err); }
  }
  function emit(event) {
    try { onEvent(event); } catch (err) { console.error(err); }
  }
  function speaking(on) { face && face.classList.toggle("speaking", on); }

  async function chooseLocalMode() {
    const voices = await voicesAvailable();
    if (voices.length) {
      const wanted = connection.voice_id;
      voice = voices.find((v) => wanted && (v.voiceURI === wanted || v.name === wanted))
        || voices.find((v) => /^en(-|_|$)/i.test(v.lang)) || voices[0];
      return "voice";
    }
    return "captions";
  }

  async function fallback(reason) {
    mode = await chooseLocalMode();
    status(mode === "voice" ? "voice-only" : "captions-only", {reason});
  }

  async function joinVendorRoom() {
    if (!connection.url || !connection.access_token) throw new Error("no room details");
    const source = livekit.url ? livekit : pageLivekitSource();
    await loadScript(source.url, source.sri);
    const LK = window.LivekitClient;
    if (!LK) throw new Error("LiveKit client missing");
    const lkRoom = new LK.Room({adaptiveStream: true, dynacast: true});
    lkRoom.on(LK.RoomEvent.TrackSubscribed, (track) => {
      const element = track.attach();
      if (track.kind === "video") { visual.innerHTML = ""; visual.appendChild(element); }
      else { element.hidden = true; container.appendChild(element); }
    });
    lkRoom.on(LK.RoomEvent.DataReceived, (payload) => {
      let msg;
      try { msg = JSON.parse(new TextDecoder().decode(payload)); } catch { return; }
      const kind = msg.type || msg.event_type;
      const taskId = msg.task_id || (msg.task && msg.task.id) || msg.event_id;
      const waiter = vendorWaiters.get(taskId);
      if (!waiter) return;
      if (kind === "avatar_start_talking" || kind === "avatar.speak_started") waiter.started();
      if (kind === "avatar_stop_talking" || kind === "avatar.speak_ended") {
        waiter.ended((msg.duration_ms || 0) / 1000);
      }
    });
    lkRoom.on(LK.RoomEvent.Disconnected, () => {
      if (!destroyed && mode === "vendor") fallback("room disconnected");
    });
    await withTimeout(lkRoom.connect(connection.url, connection.access_token), 10000, "room join");
    return lkRoom;
  }

  async function start() {
    status("connecting", {provider});
    if (provider === "local") {
      mode = await chooseLocalMode();
      status("connected", {provider, mode});
      if (mode === "captions") status("captions-only", {reason: "no voices in this browser"});
      return;
    }
    const delays = [1000, 2000, 4000];
    for (let attempt = 0; attempt <= delays.length && !destroyed; attempt++) {
      try {
        room = await joinVendorRoom();
        mode = "vendor";
        status("connected", {provider, mode});
        return;
      } catch (err) {
        if (attempt < delays.length) {
          status("retrying", {attempt: attempt + 1, delay: delays[attempt], reason: String(err.message || err)});
          await sleep(delays[attempt]);
        } else {
          await fallback(String(err.message || err));
        }
      }
    }
  }

  function speakLocal(item, how) {
    return new Promise((resolve) => {
      const expected = speechSeconds(item.text, rate);
      let finished = false;
      let startedAt = performance.now();
      let guard = null;
      const finish = (extra = {}) => {
        if (finished) return;
        finished = true;
        clearTimeout(guard);
        speaking(false);
        resolve({duration: (performance.now() - startedAt) / 1000, ...extra});
      };
      item.cancel = () => finish({interrupted: true});
      const useCaptions = () => {
        startedAt = performance.now();
        speaking(true);
        guard = setTimeout(() => finish(), expected * 1000);
      };
      emit({type: "speak_started", taskId: item.taskId});
      if (how !== "voice") { useCaptions(); return; }
      const utterance = new SpeechSynthesisUtterance(item.text);
      if (voice) utterance.voice = voice;
      utterance.rate = rate;
      utterance.onstart = () => { startedAt = performance.now(); speaking(true); };
      utterance.onend = () => finish();
      utterance.onerror = (event) => {
        if (event.error === "interrupted" || event.error === "canceled") { finish({interrupted: true}); return; }
        clearTimeout(guard);
        useCaptions();
      };
      // A lost end event must not stall the page: end after a generous estimate.
      guard = setTimeout(() => finish({timeout: true}), speechTimeout(item.text, rate) * 1000);
      window.speechSynthesis.speak(utterance);
    });
  }

  function speakVendor(item) {
    return new Promise((resolve) => {
      const expected = speechSeconds(item.text, rate);
      let startedEmitted = false;
      let guard = null;
      const finish = (extra = {}) => {
        vendorWaiters.delete(item.taskId);
        clearTimeout(guard);
        speaking(false);
        resolve(extra);
      };
      item.cancel = () => finish({interrupted: true});
      vendorWaiters.set(item.taskId, {
        started() { if (!startedEmitted) { startedEmitted = true; emit({type: "speak_started", taskId: item.taskId}); } },
        ended(duration) { finish({duration}); },
      });
      // The vendor's start can lag; the stop event is what matters. Safety net for a lost event:
      guard = setTimeout(() => finish({timeout: true, duration: expected}), (expected * 1.5 + 6) * 1000);
    });
  }

  async function pump() {
    if (current || destroyed) return;
    const item = queue.shift();
    if (!item) return;
    current = item;
    caption.textContent = item.text;
    let result;
    if (mode === "vendor") result = await speakVendor(item);
    else {
      // Still joining: say it with the browser rather than waiting for the room.
      const how = mode === "connecting" ? await chooseLocalMode() : mode;
      result = await speakLocal(item, how);
    }
    emit({type: "speak_ended", taskId: item.taskId, duration: result.duration || 0, ...result});
    current = null;
    if (!queue.length) setTimeout(() => { if (!current) caption.textContent = ""; }, 1500);
    pump();
  }

  start().catch((err) => { console.error(err); fallback(String(err)); });

  return {
    get mode() { return mode; },
    speak(text, taskId) {
      queue.push({text: String(text || ""), taskId: String(taskId || `t-${Date.now()}`)});
      pump();
    },
    interrupt() {
      queue.length = 0;
      if ("speechSynthesis" in window) window.speechSynthesis.cancel();
      if (current && current.cancel) current.cancel();
    },
    isSpeaking(taskId) {
      return Boolean(current && (!taskId || current.taskId === taskId));
    },
    currentTaskId() { return current ? current.taskId : null; },
    destroy() {
      destroyed = true;
      this.interrupt();
      vendorWaiters = new Map();
      if (room) { try { room.disconnect(); } catch { /* already gone */ } }
      container.innerHTML = "";
    },
  };
}
