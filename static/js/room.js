// The student's breakout room: the tutor's avatar, captions, transcript, typing or talking,
// "Ask my professor", and a live audio call when the professor drops in.
import {createAvatar} from "./avatar.js";
import {createLive} from "./live.js";
import {createMic} from "./mic.js";
import {createCall} from "./webrtc.js";
import {$, CLOSE, transcriptLine} from "./voice.js";

const script = document.getElementById("room-script");
const iceServers = JSON.parse($("ice-servers").textContent || "[]");
const transcript = $("transcript");
const captions = $("captions");
const stateBanner = $("room-state");
const micButton = $("mic");
const micStatus = $("mic-status");
const helpButton = $("help");
const sayForm = $("say-form");
const sayText = $("say-text");
let lastTyped = "";  // the last line typed, given back when the server refuses it

let avatar = null;
let liveAudio = false;
let listening = false;
let ended = false;

const LABELS = {student: "You", tutor: "Tutor", professor: "Professor"};

function setState(text) { stateBanner.textContent = text; }

// Button words live in a span beside the SVG icon, so changing them keeps the icon.
function setLabel(button, text) { button.querySelector("[data-label]").textContent = text; }

// The "not started yet" notice goes once the tutor is there (or the class has started).
function classStarted() { const notice = $("not-started"); if (notice) notice.hidden = true; }

function addLine(line) {
  transcript.append(transcriptLine(line, LABELS, `line ${line.speaker}`));
  transcript.scrollTop = transcript.scrollHeight;
}

function showCaption(text, interim = false) {
  captions.innerHTML = "";
  const span = document.createElement("span");
  if (interim) span.className = "interim";
  span.textContent = text;
  captions.append(span);
}

function mountAvatar(connection) {
  if (avatar) avatar.destroy();
  avatar = null;
  const box = $("avatar");
  if (!connection) { box.innerHTML = "<p>Your tutor is getting ready…</p>"; return; }
  classStarted();
  avatar = createAvatar({
    container: box,
    connection,
    label: "Your tutor",
    onEvent(event) {
      // The server times the turn from these and knows when the tutor stopped talking.
      if (event.type === "speak_started") {
        $("avatar").dataset.tutor = "talking";
        live.send({type: "avatar.speak_started", task_id: event.taskId});
      } else if (event.type === "speak_ended") {
        $("avatar").dataset.tutor = "quiet";
        const duration = Math.round((event.duration || 0) * 10) / 10;
        live.send({type: "avatar.speak_ended", task_id: event.taskId, duration});
      }
    },
    onStatus(status) { box.dataset.avatarStatus = status; },
  });
}

const CALL_STATES = {
  idle: "not started", new: "starting", connecting: "connecting…", connected: "connected",
  disconnected: "interrupted, reconnecting…", failed: "failed", closed: "ended", "no-mic": "no microphone",
};

const call = createCall({
  send: (msg) => live.send(msg),
  iceServers,
  audio: $("call-audio"),
  onState(state) {
    $("call-state").textContent = CALL_STATES[state] || state;
    $("call-line").hidden = state === "closed" || state === "idle";
  },
});

function professorPresent(present) {
  $("professor-banner").hidden = !present;
  if (present) {
    setState("Your professor is here: talk to them directly");
    if (avatar) avatar.interrupt();
  } else {
    if (call.state !== "idle" && call.state !== "closed") call.close(false);
    setState(avatar ? "Your tutor is listening" : "Your tutor is getting ready…");
  }
}

function end() {
  ended = true;
  setState("This session has ended. Thank you!");
  sayText.disabled = true;
  micButton.disabled = true;
  helpButton.disabled = true;
  stopListening();
  if (avatar) avatar.interrupt();
  call.close(false);
  live.close();
}

const live = createLive(script.dataset.ws, {
  onMessage(msg) {
    switch (msg.type) {
      case "snapshot":
        transcript.innerHTML = "";
        msg.lines.forEach(addLine);
        liveAudio = msg.live_audio;
        mountAvatar(msg.avatar);
        setState(msg.avatar ? "Your tutor is listening" : "Your tutor is getting ready…");
        helpButton.setAttribute("aria-pressed", String(Boolean(msg.room.help)));
        if (msg.room.professor_present) {
          professorPresent(true);
          live.send({type: "rtc.signal", kind: "ready"});
        }
        if (listening && liveAudio) restartStream(0); // a reconnect: the new socket starts afresh
        break;
      case "avatar.connection":
        mountAvatar(msg.connection);
        setState("Your tutor is listening");
        break;
      case "transcript.line":
        addLine(msg.line);
        if (msg.line.speaker === "professor") showCaption(msg.line.text);
        break;
      case "tutor.say":
        showCaption(msg.text);
        if (avatar) avatar.speak(msg.text, msg.task_id);
        break;
      case "tutor.interrupt":
        $("avatar").dataset.interruptions = String(Number($("avatar").dataset.interruptions || 0) + 1);
        if (avatar) avatar.interrupt();
        break;
      case "caption":
        showCaption(msg.text, !msg.final);
        break;
      case "room.update":
        professorPresent(msg.room.professor_present);
        helpButton.setAttribute("aria-pressed", String(Boolean(msg.room.help)));
        setLabel(helpButton, msg.room.help ? "Help requested (cancel)" : "Ask my professor");
        if (msg.room.status === "active" || msg.room.status === "deploying") classStarted();
        break;
      case "tutor.resumed":
        setState("Your tutor is listening again");
        break;
      case "rtc.signal":
        call.handle(msg).catch((err) => console.error("call failed", err));
        break;
      case "help.state":
        micStatus.textContent = msg.raised ? "Your professor has been notified." : "";
        break;
      case "audio.ready":
        micStatus.textContent = "Listening…";
        break;
      case "session.ended":
        end();
        break;
      case "error":
        micStatus.textContent = msg.message;
        // A refused line was not sent: give the student their words back to send again.
        if (msg.code === "rate_limited" && lastTyped && !sayText.value) sayText.value = lastTyped;
        // The server reopens the transcriber on the next audio; a fresh recording gives the new
        // stream the header it needs (WebM's is only in the first chunk).
        if (msg.code === "transcriber_failed" && listening && liveAudio) restartStream(2000);
        break;
      default:
        break;
    }
  },
  onStatus(status) {
    if (status === "reconnecting") setState("Reconnecting…");
  },
  onFatal(code) {
    if (code === CLOSE.not_found) setState("This room link is not valid.");
    else if (code === CLOSE.gone) setState("This session has ended. Thank you for taking part.");
  },
});
// CLOSE.gone (session ended) also arrives as a close without reconnect
window.addEventListener("beforeunload", () => { if (!ended) call.close(); });

sayForm.addEventListener("submit", (event) => {
  event.preventDefault();
  const text = sayText.value.trim();
  if (!text || ended) return;
  live.send({type: "turn.text", text});
  lastTyped = text;
  sayText.value = "";
});

const mic = createMic({
  onChunk(blob) { if (listening && liveAudio && !restarting) live.sendBinary(blob); },
  onStatus(status, detail) {
    if (status === "denied") micStatus.textContent = "Microphone blocked: please type instead.";
    if (status === "recognition-unavailable") {
      micStatus.textContent = "Speech recognition is not available in this browser: please type.";
      stopListening();
    }
  },
});

async function startListening() {
  if (ended || listening) return;
  if (!(await mic.open())) return;
  listening = true;
  micButton.setAttribute("aria-pressed", "true");
  setLabel(micButton, "Stop talking");
  if (liveAudio) {
    live.send({type: "audio.start"});
    mic.startRecording();
  } else {
    // The recognition's final result ends the student's turn; interim words while the tutor
    // talks interrupt it (the server decides, and stops the vendor avatar too).
    const ok = mic.startRecognition((text, isFinal) => {
      const words = text.trim().slice(0, 500);
      if (!words) return;
      if (!isFinal) showCaption(words, true);
      live.send({type: "turn.caption", text: words, final: Boolean(isFinal)});
    });
    micStatus.textContent = ok ? "Listening…" : "Speech recognition is not available in this browser: please type.";
    if (!ok) stopListening();
  }
}

// A new transcriber stream needs a recording that starts with its header: pause the chunks,
// wait a moment (a failed vendor is not asked again at once), then record afresh.
let restarting = false;
async function restartStream(delayMs) {
  if (restarting) return;
  restarting = true;
  await mic.stopRecording();
  await new Promise((resolve) => setTimeout(resolve, delayMs));
  restarting = false;
  if (!listening || ended) return;
  live.send({type: "audio.start"});
  mic.startRecording();
}

async function stopListening() {
  if (!listening) return;
  listening = false;
  micButton.setAttribute("aria-pressed", "false");
  setLabel(micButton, "Talk (Space when not typing)");
  if (liveAudio) {
    await mic.stopRecording();
    live.send({type: "audio.stop"});
  } else {
    mic.stopRecognition();
  }
  micStatus.textContent = "";
}

micButton.addEventListener("click", () => (listening ? stopListening() : startListening()));
helpButton.addEventListener("click", () => {
  const raised = helpButton.getAttribute("aria-pressed") !== "true";
  live.send({type: "help.set", raised});
});
document.addEventListener("keydown", (event) => {
  const typing = ["INPUT", "TEXTAREA", "SELECT", "BUTTON"].includes(document.activeElement?.tagName);
  if (event.code === "Space" && !typing && !event.repeat) {
    event.preventDefault();
    if (listening) stopListening(); else startListening();
  }
});
