// The professor's live monitor: every room at a glance, updated over one WebSocket (a full
// snapshot on every (re)connect), with per-room details and actions, and "join live" audio.
import {createLive} from "./live.js";
import {createCall} from "./webrtc.js";
import {$, el, transcriptLine} from "./voice.js";

const script = document.getElementById("monitor-script");
const sessionId = script.dataset.session;
const grid = $("rooms");
const iceServers = JSON.parse($("ice-servers").textContent || "[]");
const initial = JSON.parse($("snapshot").textContent);

const rooms = new Map(); // id -> card data
const expanded = new Set();
const tails = new Map(); // id -> [lines]
let sessionOpen = Boolean(initial.session.is_open);
let activeCall = null; // {roomId, socket, call}

const SILENT_MINUTES = Number(script.dataset.silentMinutes) || 3;
const CURRENCY = script.dataset.currency || "";
const ICONS = script.dataset.icons || "";
const CARD_TAIL = 2;
const LABELS = {student: "Student", tutor: "Tutor", professor: "You"};

// An SVG icon (static/img/icons.svg) instead of an emoji: decorative next to its words.
function icon(name) {
  const svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
  svg.setAttribute("class", "icon");
  svg.setAttribute("aria-hidden", "true");
  svg.setAttribute("focusable", "false");
  const use = document.createElementNS("http://www.w3.org/2000/svg", "use");
  use.setAttribute("href", `${ICONS}#${name}`);
  svg.append(use);
  return svg;
}

function minutesSince(iso) {
  if (!iso) return 0;
  return Math.floor((Date.now() - new Date(iso).getTime()) / 60000);
}

function talkBar(talk) {
  const total = (talk.student || 0) + (talk.tutor || 0);
  const share = total ? Math.round((100 * talk.student) / total) : 0;
  return el("div", {class: "talk-time"},
    el("p", {}, `Talk time: student ${talk.student}s · tutor ${talk.tutor}s`),
    el("div", {class: "meter", role: "meter", "aria-valuemin": "0", "aria-valuemax": "100", "aria-valuenow": String(share), "aria-label": "Student share of talk time"},
      el("span", {style: `width:${share}%`})));
}

function send(msg) {
  if (!live.send(msg)) flash("Not connected: the action was not sent.");
}

function flash(text) { $("broadcast-status").textContent = text; }

function renderLines(list, id) {
  const box = el("div", {class: "transcript room-transcript", role: "region", "aria-label": "Transcript", tabindex: "0"});
  for (const line of tails.get(id) || []) {
    box.append(transcriptLine(line, LABELS));
  }
  list.append(box);
}

function renderRoom(card) {
  const silentFor = card.student_present && card.status === "active" ? minutesSince(card.last_activity_at) : 0;
  const silent = silentFor >= SILENT_MINUTES;
  const isOpen = expanded.has(card.id);
  const article = el("article", {
    class: `room ${card.colour}`, "data-room": card.id, "data-status": card.status, "data-colour": card.colour,
    "aria-labelledby": `room-h-${card.id}`,
  });
  const avatarLabel = card.avatar.label || (card.avatar.connected ? "Avatar connected" : "No avatar connected");
  const avatarIcon = el("span", {class: "room-icon", "data-avatar": card.avatar.connected ? "connected" : "missing"},
    icon(card.avatar.connected ? "avatar" : card.status === "completed" ? "avatar" : "warning"), ` ${avatarLabel}`);
  article.append(
    el("div", {class: "row spread"},
      el("h3", {id: `room-h-${card.id}`}, card.name),
      el("span", {class: "room-icons"}, avatarIcon,
        card.student_present ? el("span", {class: "room-icon", title: "Student in the room"}, icon("person"), el("span", {class: "visually-hidden"}, "Student present")) : null,
        card.professor_present ? el("span", {class: "room-icon", title: "You are in this room"}, icon("headset"), el("span", {class: "visually-hidden"}, "You are in this room")) : null,
        card.help ? el("span", {class: "pill err", "data-help": "1"}, icon("hand"), " Help") : null)),
    el("p", {}, el("span", {class: `pill status-${card.status}`}, card.status_label),
      card.progress ? el("span", {class: "muted progress"}, ` ${card.progress}…`) : null,
      silent ? el("span", {class: "pill warn", "data-silent": "1"}, ` silent for ${silentFor} min`) : null),
    card.error ? el("p", {class: "error"}, card.error) : "",
    card.bot ? botLine(card.bot) : "",
    el("p", {class: "muted"}, card.students.join(", ")),
    cardTail(card.id),
  );
  const actions = el("p", {class: "row"},
    el("button", {type: "button", class: "small secondary", "aria-expanded": String(isOpen), "aria-controls": `details-${card.id}`,
      onclick: () => toggle(card.id)}, isOpen ? "Hide details" : "Details"));
  if (sessionOpen && (card.status === "error" || card.status === "active")) {
    actions.append(el("button", {type: "button", class: "small secondary", "data-action": "restart",
      onclick: () => send({type: "room.restart", room: card.id})}, "Restart avatar"));
  }
  if (sessionOpen && card.status !== "completed") {
    const inCall = activeCall && activeCall.roomId === card.id;
    actions.append(el("button", {type: "button", class: "small", "data-action": "join",
      onclick: () => (inCall ? leaveRoom() : joinRoom(card))}, inCall ? "Leave" : "Join live"));
  }
  if (card.help && sessionOpen) {
    actions.append(el("button", {type: "button", class: "small secondary", onclick: () => send({type: "room.clear_help", room: card.id})}, "Clear help"));
  }
  article.append(actions);
  if (isOpen) {
    const details = el("div", {id: `details-${card.id}`, class: "room-details"});
    details.append(
      talkBar(card.talk),
      el("p", {class: "muted"}, `Last activity: ${card.last_activity_at ? `${minutesSince(card.last_activity_at)} min ago` : "none yet"}`),
      el("p", {class: "muted"}, "Student link: ", el("a", {href: card.short_link, target: "_blank", rel: "noopener"}, location.origin + card.short_link)),
      card.whisper ? el("p", {class: "muted"}, `Whisper: ${card.whisper}`) : "",
    );
    renderLines(details, card.id);
    if (sessionOpen) {
      details.append(actionForm(card, "say", "Say in this room", "The tutor says this aloud"),
        actionForm(card, "whisper", "Whisper to the tutor", "Changes how it tutors; not spoken"));
    }
    article.append(details);
  }
  return article;
}

function cardTail(id) {
  const lines = (tails.get(id) || []).slice(-CARD_TAIL);
  if (!lines.length) return el("p", {class: "muted card-tail"}, "No conversation yet.");
  const box = el("div", {class: "card-tail"});
  for (const line of lines) {
    box.append(transcriptLine(line, LABELS));
  }
  return box;
}

// Each card keeps one polite announcer for its whole life (re-rendering never recreates it):
// a screen reader hears a room's status, help and errors once, when they change.
function announce(article, card) {
  const said = [card.status_label, card.help ? "asking for help" : "", card.error || "",
    card.bot ? `Zoom tutor bot ${card.bot.status_label.toLowerCase()}` : ""].filter(Boolean).join(", ");
  let node = article.querySelector("[data-announce]");
  if (!node) node = el("p", {class: "visually-hidden", "aria-live": "polite", "data-announce": ""});
  if (node.dataset.said !== undefined && node.dataset.said !== said) node.textContent = `${card.name}: ${said}.`;
  node.dataset.said = said;
  return node;
}

function botLine(bot) {
  // The room's tutor bot in Zoom: its state in plain words, and the web link when Zoom fails it.
  const line = el("p", {class: "bot", "data-bot": bot.status},
    el("span", {class: `pill bot-${bot.status}`}, `Zoom: ${bot.status_label}`), ` ${bot.next_step}`);
  if (bot.error) line.append(el("span", {class: "error"}, ` ${bot.error}`));
  if (bot.fallback_link) {
    line.append(" Web link: ", el("a", {href: bot.fallback_link, target: "_blank", rel: "noopener"},
      location.origin + bot.fallback_link));
  }
  return line;
}

function actionForm(card, type, label, hint) {
  const id = `${type}-${card.id}`;
  const input = el("input", {type: "text", id, maxlength: "500", required: true, placeholder: hint});
  return el("form", {class: "row action-form", "data-form": type, onsubmit: (event) => {
    event.preventDefault();
    if (!input.value.trim()) return;
    send({type: `room.${type}`, room: card.id, text: input.value.trim()});
    input.value = "";
  }}, el("label", {for: id}, label), input, el("button", {type: "submit", class: "small"}, type === "say" ? "Say" : "Whisper"));
}

function render(id) {
  const card = rooms.get(id);
  const existing = grid.querySelector(`[data-room="${id}"]`);
  const focused = existing && existing.contains(document.activeElement) ? document.activeElement : null;
  const typed = focused && focused.tagName === "INPUT" ? {form: focused.id, value: focused.value} : null;
  const node = renderRoom(card);
  if (existing) {
    // Updated in place: the article (and its announcer) stays, its content is replaced.
    const announcer = announce(existing, card);
    for (const name of ["class", "data-status", "data-colour"]) existing.setAttribute(name, node.getAttribute(name));
    existing.replaceChildren(...node.childNodes, announcer);
  } else {
    node.append(announce(node, card));
    grid.append(node);
  }
  if (typed) { const input = $(typed.form); if (input) { input.value = typed.value; input.focus(); } }
}

function renderAll() {
  for (const node of grid.querySelectorAll("[data-room]")) if (!rooms.has(node.dataset.room)) node.remove();
  for (const id of rooms.keys()) render(id);
  updateFigures();
}

function updateFigures() {
  const cards = [...rooms.values()];
  const figures = {
    rooms: cards.length,
    active: cards.filter((c) => c.status === "active").length,
    avatars: cards.filter((c) => c.avatar.connected).length,
    help: cards.filter((c) => c.help).length,
    errors: cards.filter((c) => c.status === "error").length,
    students_present: cards.filter((c) => c.student_present).length,
  };
  for (const [key, value] of Object.entries(figures)) {
    const node = document.querySelector(`[data-figure="${key}"]`);
    if (node) node.textContent = value;
  }
}

function showSession(session) {
  const pill = $("session-status");
  pill.className = `pill status-${session.status}`;
  pill.textContent = session.status_label;
  sessionOpen = Boolean(session.is_open);
  $("end-session").disabled = !sessionOpen;
  $("broadcast-form-box").hidden = !sessionOpen;
  if (session.summary && Object.keys(session.summary).length) showSummary(session.summary);
  if (!sessionOpen && activeCall) leaveRoom();
}

function showSummary(summary) {
  const list = $("summary-list");
  list.innerHTML = "";
  const sessions = summary.avatar_sessions ?? summary.avatars_stopped;
  const avatars = summary.avatar_sessions === undefined ? `${sessions}`
    : `${sessions} (${summary.avatars_stopped} stopped when the session ended; the others had already ended)`;
  const rows = [
    ["Rooms", summary.rooms], ["Avatar sessions", avatars],
    ["Failures", (summary.failures || []).length], ["Avatar minutes", summary.avatar_minutes],
    ...(summary.bot_minutes ? [["Zoom tutor bot minutes", summary.bot_minutes]] : []),
    ["Estimated cost", `${summary.estimated_cost} ${CURRENCY}`.trim()], ["Transcript lines", summary.lines],
  ];
  for (const [label, value] of rows) list.append(el("dt", {}, label), el("dd", {}, value));
  for (const failure of summary.failures || []) list.append(el("dt", {}, "Failure"), el("dd", {}, failure));
  $("summary").hidden = false;
}

function toggle(id) {
  if (expanded.has(id)) expanded.delete(id);
  else { expanded.add(id); send({type: "room.expand", room: id}); }
  render(id);
  grid.querySelector(`[data-room="${id}"] [aria-expanded]`)?.focus();
}

function applySnapshot(snapshot) {
  rooms.clear();
  for (const card of snapshot.rooms) rooms.set(card.id, card);
  for (const [id, lines] of Object.entries(snapshot.tails || {})) if (!expanded.has(id)) tails.set(id, lines);
  showSession(snapshot.session);
  renderAll();
  for (const id of expanded) send({type: "room.expand", room: id});
}

// --- Join a room live (WebRTC audio through the room socket) --------------------------------

const CALL_STATES = {
  idle: "not started", new: "starting", connecting: "connecting…", connected: "connected",
  disconnected: "interrupted, reconnecting…", failed: "failed", closed: "ended",
  "no-mic": "no microphone: you can listen but not speak",
};

function joinRoom(card) {
  if (activeCall) leaveRoom();
  const path = `${card.link.replace(/^\/rooms\//, "/ws/rooms/")}?role=professor`;
  const entry = {roomId: card.id, socket: null, call: null};
  entry.call = createCall({
    send: (msg) => entry.socket && entry.socket.send(msg),
    iceServers,
    audio: $("call-audio"),
    onState(state) { $("call-state").textContent = CALL_STATES[state] || state; },
  });
  entry.socket = createLive(path, {
    onMessage(msg) {
      if (msg.type === "snapshot") entry.call.start().catch((err) => { $("call-state").textContent = `failed: ${err.message}`; });
      else if (msg.type === "rtc.signal") {
        if (msg.kind === "ready") entry.call.start().catch(console.error);
        else entry.call.handle(msg).catch(console.error);
      } else if (msg.type === "session.ended") leaveRoom();
    },
  });
  activeCall = entry;
  $("call-room").textContent = card.name;
  $("call-panel").hidden = false;
  $("call-panel").scrollIntoView({block: "nearest"});
  render(card.id);
}

function leaveRoom() {
  if (!activeCall) return;
  const {roomId, socket, call} = activeCall;
  activeCall = null;
  call.close(true);
  setTimeout(() => socket.close(), 100);
  $("call-panel").hidden = true;
  if (rooms.has(roomId)) render(roomId);
}
$("call-leave").addEventListener("click", leaveRoom);

// --- Socket -----------------------------------------------------------------------------------

const live = createLive(`/ws/classrooms/${sessionId}/monitor/`, {
  onMessage(msg) {
    switch (msg.type) {
      case "snapshot":
        applySnapshot(msg);
        break;
      case "room.update": {
        // A card built without reading the room's Zoom bot leaves its last known state.
        const known = rooms.get(msg.room.id);
        if (!("bot" in msg.room) && known && "bot" in known) msg.room.bot = known.bot;
        rooms.set(msg.room.id, msg.room);
        render(msg.room.id);
        updateFigures();
        break;
      }
      case "transcript.line": {
        const list = tails.get(msg.room) || [];
        list.push(msg.line);
        tails.set(msg.room, list.slice(-30));
        const card = rooms.get(msg.room);
        if (card) { card.last_activity_at = msg.line.at; render(msg.room); }
        break;
      }
      case "room.detail":
        tails.set(msg.room, msg.lines);
        if (rooms.has(msg.room)) render(msg.room);
        break;
      case "session.update":
        showSession(msg.session);
        renderAll();
        break;
      case "session.ended":
        showSummary(msg.summary);
        break;
      case "ack":
        if (msg.action === "session.broadcast" && !msg.message) flash(`Sent to ${msg.rooms} room${msg.rooms === 1 ? "" : "s"}.`);
        else flash(msg.message || "Done.");
        break;
      case "error":
        flash(msg.message);
        break;
      default:
        break;
    }
  },
  onStatus(status) {
    // Says the page's connection, not the session's state (the pill beside it): never "Live Live".
    $("connection").textContent = {open: "Connected", connecting: "Connecting…", reconnecting: "Reconnecting…", closed: "Disconnected: reload the page"}[status] || status;
  },
});

applySnapshot(initial);

$("broadcast-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const input = $("broadcast-text");
  const text = input.value.trim();
  if (!text) return;
  send({type: "session.broadcast", text});
  input.value = "";
});

$("end-session").addEventListener("click", () => {
  if (!window.confirm("End the session for every room? All tutors will stop.")) return;
  $("end-session").disabled = true;
  send({type: "session.end"});
});

document.addEventListener("keydown", (event) => {
  const typing = ["INPUT", "TEXTAREA", "SELECT"].includes(document.activeElement?.tagName);
  if (typing) { if (event.key === "Escape") document.activeElement.blur(); return; }
  if (event.key === "b") { event.preventDefault(); $("broadcast-text").focus(); }
  if (event.key === "Escape") { expanded.clear(); renderAll(); }
});

// "silent for N minutes" moves on even when nothing arrives
setInterval(() => { for (const id of rooms.keys()) if (!grid.contains(document.activeElement) || !grid.querySelector(`[data-room="${id}"]`)?.contains(document.activeElement)) render(id); }, 30000);
