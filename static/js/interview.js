// The mock interview page controller. Protocol: docs/protocol.md.
import {createLive} from "./live.js";
import {createAvatar} from "./avatar.js";
import {createMic} from "./mic.js";
import {$, CLOSE, el, speechTimeout} from "./voice.js";

const config = JSON.parse(document.getElementById("interview-config").textContent);
const root = $("interview");

const STATE_LABELS = {
  warm_up: "Warming up",
  asking: "Asking the question",
  listening: "Listening to your answer",
  processing: "Preparing feedback",
  feedback: "Feedback",
  follow_up: "Asking a follow-up",
  completed: "Interview complete",
  abandoned: "Interview ended",
};
const AVATAR_LABELS = {
  connecting: "connecting",
  retrying: "retrying",
  connected: "connected",
  "voice-only": "voice only",
  "captions-only": "captions only",
  failed: "failed",
};
const QUIET_ERRORS = new Set(["audio_unsupported"]);

let state = null;
let avatar = null;
let avatarProvider = null;
let serverAvatarFailed = false;
const speechTimers = new Map(); // task id -> timeout handle
const endedTasks = new Set();
let timerStart = null;
let timerHandle = null;
let attemptShown = null;
let finishing = false;
let micWanted = false;
let recognitionOn = false;

// The microphone exists before the connection: the socket reports its first status at once,
// and that handler stops any recording.
const mic = createMic({
  onLevel(level) { $("mic-level").style.width = `${Math.round(level * 100)}%`; },
  onChunk(blob) {
    if (!state || state.state !== "listening" || !config.live_audio) return;
    if (blob.size > config.max_audio_chunk_bytes) return;
    live.sendBinary(blob);
  },
  onStatus(status, detail) {
    const labels = {ready: "ready", recording: "recording", stopped: "ready", denied: "blocked: type your answers",
      unavailable: "unavailable: type your answers", "recognition-unavailable": "no browser captions: type or speak"};
    $("mic-status").textContent = labels[status] || status;
    if (status === "recognition-unavailable") recognitionOn = false;
    if (detail && detail.reason) $("mic-status").title = detail.reason;
  },
});

// --- connection ------------------------------------------------------------------------

const live = createLive(config.ws_path, {
  onOpen() {
    live.send({type: "hello", speaking_task_id: avatar ? avatar.currentTaskId() : null});
  },
  onMessage: handle,
  onStatus(status) {
    const el = $("conn-status");
    el.textContent = status === "open" ? "connected" : status;
    el.className = "pill " + (status === "open" ? "ok" : status === "closed" ? "err" : "warn");
    if (status !== "open") stopRecording(); // the next connection restarts it (a fresh header)
  },
  onFatal(code) {
    showError(code === CLOSE.unauthenticated ? "Your session ended; please log in again." : "This interview is not available.");
  },
});

// --- avatar ------------------------------------------------------------------------------

function setAvatarStatus(status, detail = {}) {
  const el = $("avatar-status");
  el.textContent = AVATAR_LABELS[status] || status;
  el.className = "pill " + (status === "connected" ? "ok" : status === "failed" ? "err" : "warn");
  if (detail.reason) el.title = detail.reason;
  if (status === "connected") live.send({type: "avatar.ready", mode: detail.mode || "video"});
  if ((status === "voice-only" || status === "captions-only") && avatarProvider !== "local") {
    live.send({type: "avatar.failed", reason: String(detail.reason || "").slice(0, 300), mode: status});
  }
}

function makeAvatar(connection) {
  if (avatar) avatar.destroy();
  avatarProvider = connection.provider || "local";
  avatar = createAvatar({
    container: $("avatar"),
    connection,
    onStatus: setAvatarStatus,
    onEvent(event) {
      if (event.type === "speak_started") live.send({type: "avatar.speak_started", task_id: event.taskId});
      if (event.type === "speak_ended") speechEnded(event.taskId, event);
    },
  });
  updateStartButton();
}

function speechEnded(taskId, detail = {}) {
  if (endedTasks.has(taskId)) return;
  endedTasks.add(taskId);
  clearTimeout(speechTimers.get(taskId));
  speechTimers.delete(taskId);
  live.send({type: "avatar.speak_ended", task_id: taskId, duration: detail.duration || 0, timeout: Boolean(detail.timeout)});
}

function speak(text, taskId, timeoutSeconds) {
  if (!avatar) makeAvatar({provider: "local"});
  avatar.speak(text, taskId);
  // Safety net computed from the text: a lost end event never stalls the interview.
  const seconds = timeoutSeconds || speechTimeout(text);
  speechTimers.set(taskId, setTimeout(() => speechEnded(taskId, {timeout: true}), seconds * 1000));
}

// --- microphone -------------------------------------------------------------------------------


async function openMic() {
  micWanted = true;
  return mic.open();
}

async function ensureRecording() {
  if (!micWanted || !state || state.state !== "listening") return;
  if (!(await openMic())) return;
  if (config.live_audio && !mic.isRecording) mic.startRecording();
  if (!config.live_audio && !recognitionOn) {
    recognitionOn = mic.startRecognition((text, isFinal) => {
      if (!state || state.state !== "listening") return;
      if (isFinal) live.send({type: "answer.caption", text, final: true});
      else showInterim(text);
    });
  }
}

async function stopRecording() {
  if (recognitionOn) { mic.stopRecognition(); recognitionOn = false; }
  await mic.stopRecording();
}

// --- rendering ------------------------------------------------------------------------------

function showError(message) {
  const el = $("errors");
  el.textContent = message;
  el.hidden = false;
}

function clearError() { $("errors").hidden = true; $("errors").textContent = ""; }

function show(id, visible) { $(id).hidden = !visible; }

function showInterim(text) {
  $("captions").querySelector(".interim").textContent = text;
}

function appendFinal(text) {
  const finalEl = $("captions").querySelector(".final");
  finalEl.textContent = (finalEl.textContent + " " + text).trim();
  showInterim("");
}

function formatTime(seconds) {
  const s = Math.max(0, Math.floor(seconds));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
}

function startTimer() {
  if (timerHandle) return;
  timerStart = performance.now();
  $("timer").textContent = "0:00";
  timerHandle = setInterval(() => { $("timer").textContent = formatTime((performance.now() - timerStart) / 1000); }, 500);
}

function stopTimer() { clearInterval(timerHandle); timerHandle = null; }

function elapsed() { return timerStart ? (performance.now() - timerStart) / 1000 : 0; }

// One card line per scored dimension. The label and the order come from the server (the coaching
// schema): the page never turns an internal key into text itself, and a database that sorts the
// keys (PostgreSQL's jsonb) does not reorder the card.
function renderDimensions(dimensions, order, engine) {
  const names = Array.isArray(order) ? order.filter((name) => dimensions && dimensions[name]) : Object.keys(dimensions || {});
  const entries = names.map((name) => [name, dimensions[name]]);
  if (!entries.length) return null;
  const list = el("ul", {class: "dimensions"});
  for (const [name, dim] of entries) {
    const item = el("li");
    item.append(el("strong", {class: "dimension-label"}, dim.label || name), ": ");
    // The built-in coach does not judge what it has no evidence for: no score is shown.
    if (dim.supported === false && engine === "local") item.append(el("strong", {}, "not judged"));
    else {
      item.append(el("strong", {}, `${dim.score}/5`));
      if (dim.supported === false) item.append(" ", el("span", {class: "pill status-feedback_failed"}, "not counted"));
    }
    if (dim.note) item.append(" ", el("span", {class: "muted"}, dim.note));
    for (const quote of dim.quotes || []) item.appendChild(el("blockquote", {class: "quote"}, quote));
    list.appendChild(item);
  }
  return list;
}

function renderFeedback(attempt) {
  const body = $("feedback-body");
  body.innerHTML = "";
  const label = $("coach-label");
  if (label) label.hidden = true;
  if (!attempt) return;
  if (attempt.status === "feedback_failed") {
    body.appendChild(el("p", {class: "error"}, `Feedback failed: ${attempt.feedback_error || "the coach did not answer"}. Your answer is saved.`));
    return;
  }
  const fb = attempt.feedback;
  if (!fb) return;
  $("feedback-stream").textContent = "";
  const head = el("p");
  head.append("Overall ", el("strong", {class: "score overall-score"}, `${Number(fb.overall).toFixed(1)} / 5`));
  if (attempt.kind === "follow_up") head.append(" (follow-up answer)");
  body.appendChild(head);
  if (fb.summary) body.appendChild(el("p", {class: "feedback-summary"}, fb.summary));
  // The built-in coach's honest label is server-rendered (interviews/_coach_label.html).
  if (label) label.hidden = fb.engine !== "local";
  if (fb.capped_from !== null && fb.capped_from !== undefined) {
    body.appendChild(el("p", {class: "capped-note"}, `Capped at ${Number(fb.overall).toFixed(1)} (from ${Number(fb.capped_from).toFixed(1)}): this story seems to answer a different question.`));
  }
  const dims = renderDimensions(fb.dimensions, fb.dimension_order, fb.engine);
  if (dims) body.appendChild(dims);
  for (const [title, items] of [["Strengths", fb.strengths], ["To improve", fb.improvements]]) {
    if (!items || !items.length) continue;
    body.appendChild(el("h3", {}, title));
    const list = el("ul");
    for (const text of items) list.appendChild(el("li", {}, text));
    body.appendChild(list);
  }
}

function renderAttempts(attempts) {
  const list = $("attempts");
  list.innerHTML = "";
  for (const a of attempts || []) {
    const label = a.kind === "follow_up" ? `Follow-up answer ${a.number}` : `Attempt ${a.number}`;
    const score = a.overall !== null && a.overall !== undefined ? `${Number(a.overall).toFixed(1)} / 5` : (a.status_label || a.status);
    list.appendChild(el("li", {}, `${label}: ${score}${a.is_best ? " (best)" : ""}`));
  }
  show("attempts-card", (attempts || []).length > 0);
}

function updateStartButton() {
  $("start").disabled = !live.isOpen || !state || state.state !== "warm_up";
}

function render(next) {
  const previous = state;
  state = next;
  const s = next.state;
  root.dataset.state = s;
  $("state-banner").textContent = STATE_LABELS[s] || s;
  $("progress").textContent = s === "warm_up"
    ? `Warm-up · ${next.question_count} questions`
    : `Question ${next.question_number} of ${next.question_count}`;
  if (next.question && s !== "warm_up") $("question-text").textContent = next.question.text;
  const followUp = next.follow_up ? next.follow_up.text : "";
  $("followup-text").textContent = followUp ? `Follow-up: ${followUp}` : "";
  show("followup-text", Boolean(followUp));

  show("warmup-panel", s === "warm_up");
  updateStartButton();
  show("answer-panel", s === "listening");
  show("feedback-panel", ["processing", "feedback", "follow_up"].includes(s));
  const attempt = next.attempt;
  const failed = attempt && attempt.status === "feedback_failed";
  show("retry-feedback", s === "feedback" && failed);
  show("try-again", s === "feedback");
  show("next", s === "feedback");
  $("next").textContent = next.is_last ? "Finish interview" : "Next question";
  show("skip-followup", s === "follow_up" || (s === "listening" && attempt && attempt.kind === "follow_up"));
  $("end").hidden = s === "completed" || s === "abandoned";
  if (s === "processing" && (!previous || previous.state !== "processing")) {
    $("feedback-body").innerHTML = "";
    $("feedback-stream").textContent = "Thinking about your answer…";
  }
  if (s === "feedback" || s === "follow_up") renderFeedback(attempt);
  renderAttempts(next.attempts);

  if (s === "listening") {
    if (!attempt || attemptShown !== attempt.id) {
      attemptShown = attempt ? attempt.id : null;
      $("captions").querySelector(".final").textContent = attempt ? (attempt.transcript || "") : "";
      showInterim("");
      stopTimer();
    }
    finishing = false;
    $("finish").disabled = false;
    startTimer();
    ensureRecording();
  } else {
    stopTimer();
    stopRecording();
  }
  if (s === "completed" || s === "abandoned") {
    if (avatar) avatar.interrupt();
    live.close();
    setTimeout(() => window.location.assign(next.report_url), 600);
  }
}

function handle(msg) {
  switch (msg.type) {
    case "state":
      clearError();
      render(msg);
      break;
    case "avatar.connection":
      if (msg.status === "ready") {
        serverAvatarFailed = false;
        if (!avatar || avatarProvider !== (msg.connection.provider || "local") || !avatar.isSpeaking()) makeAvatar(msg.connection);
      } else if (msg.status === "failed") {
        serverAvatarFailed = true;
        setAvatarStatus("failed", {reason: msg.message});
        if (!avatar) makeAvatar({provider: "local"});
      } else {
        setAvatarStatus(msg.status, {reason: msg.message});
      }
      break;
    case "avatar.speak":
      speak(msg.text, msg.task_id, msg.timeout);
      break;
    case "caption":
      if (msg.final) appendFinal(msg.text);
      else showInterim(msg.text);
      break;
    case "feedback.partial":
      $("feedback-stream").textContent += msg.text;
      break;
    case "feedback.final":
      renderFeedback(msg.attempt);
      break;
    case "followup":
      $("followup-text").textContent = `Follow-up: ${msg.text}`;
      show("followup-text", true);
      break;
    case "error":
      if (!QUIET_ERRORS.has(msg.code)) showError(msg.message);
      break;
    default:
      break;
  }
}

// --- actions ---------------------------------------------------------------------------------

async function finishAnswer() {
  if (!state || state.state !== "listening" || finishing) return;
  finishing = true;
  $("finish").disabled = true;
  await stopRecording(); // the last chunk goes up before "finish"
  const typed = $("typed-answer").value.trim();
  if (typed) {
    live.send({type: "answer.text", text: typed});
    $("typed-answer").value = "";
  }
  live.send({type: "answer.finish", duration: Math.round(elapsed() * 10) / 10});
  setTimeout(() => { finishing = false; $("finish").disabled = false; }, 4000);
}

async function startOver() {
  if (!state || state.state !== "listening") return;
  await stopRecording();
  $("typed-answer").value = "";
  $("captions").querySelector(".final").textContent = "";
  showInterim("");
  stopTimer();
  live.send({type: "answer.discard"});
}

$("mic-test").addEventListener("click", () => openMic());
$("start").addEventListener("click", () => {
  openMic();
  live.send({type: "question.next"});
});
$("finish").addEventListener("click", finishAnswer);
$("discard").addEventListener("click", startOver);
$("retry-feedback").addEventListener("click", () => live.send({type: "feedback.retry"}));
$("try-again").addEventListener("click", () => { $("feedback-body").innerHTML = ""; live.send({type: "attempt.retry"}); });
$("skip-followup").addEventListener("click", () => { if (avatar) avatar.interrupt(); live.send({type: "followup.skip"}); });
$("next").addEventListener("click", () => live.send({type: "question.next"}));
$("end").addEventListener("click", () => {
  if (window.confirm("End the interview now? Your answers so far are kept.")) live.send({type: "interview.end"});
});
document.addEventListener("keydown", (event) => {
  if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
    event.preventDefault();
    finishAnswer();
  }
});
window.addEventListener("beforeunload", () => { mic.close(); if (avatar) avatar.destroy(); });
