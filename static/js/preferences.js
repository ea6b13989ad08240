// Settings page: browser voices for the local avatar, the speaking-rate readout, and a preview in
// which the avatar says a sample sentence (always rendered locally: no vendor session is opened).
import { createAvatar } from "./avatar.js";

const form = document.getElementById("preferences-form");
const stage = document.querySelector("[data-preview-stage]");
const rateInput = document.getElementById("id_speaking_rate");
const rateOutput = document.querySelector("[data-rate-output]");
const voiceStatus = document.querySelector("[data-voice-status]");
let avatar = null;

function showRate() {
  if (rateInput && rateOutput) rateOutput.textContent = `${Number(rateInput.value).toFixed(2)}×`;
}

async function browserVoices() {
  if (!("speechSynthesis" in window)) return [];
  let voices = window.speechSynthesis.getVoices();
  if (voices.length) return voices;
  await new Promise((resolve) => {
    window.speechSynthesis.addEventListener("voiceschanged", resolve, { once: true });
    setTimeout(resolve, 1200);
  });
  return window.speechSynthesis.getVoices();
}

async function offerBrowserVoices() {
  const input = document.getElementById("id_voice_id");
  if (!form || form.dataset.browserVoices !== "1" || !input || input.tagName === "SELECT") return;
  const voices = await browserVoices();
  if (!voices.length) {
    if (voiceStatus) voiceStatus.textContent = "Your browser offers no voices: the interviewer will use captions.";
    return;
  }
  const select = document.createElement("select");
  select.id = input.id;
  select.name = input.name;
  const current = input.value;
  select.append(new Option("Browser default", ""));
  for (const voice of voices) {
    const option = new Option(`${voice.name} (${voice.lang})`, voice.voiceURI || voice.name);
    if (option.value === current || voice.name === current) option.selected = true;
    select.append(option);
  }
  input.replaceWith(select);
  if (voiceStatus) voiceStatus.textContent = `${voices.length} voices available.`;
}

function preview() {
  if (!stage) return;
  if (avatar) avatar.destroy();
  const value = (name) => (form.elements[name] ? form.elements[name].value : "");
  avatar = createAvatar({
    container: stage,
    connection: {
      provider: "local",
      session_id: "preview",
      avatar_id: value("avatar_id"),
      voice_id: value("voice_id"),
      speaking_rate: Number(value("speaking_rate")) || 1,
    },
  });
  avatar.speak(stage.dataset.sample, "preview-1");
}

if (rateInput) rateInput.addEventListener("input", showRate);
showRate();
offerBrowserVoices();
const button = document.querySelector("[data-preview]");
if (button) button.addEventListener("click", preview);
