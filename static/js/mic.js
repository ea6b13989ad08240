// The microphone: permission, a level meter, MediaRecorder chunks and optional browser captions.
//
//   const mic = createMic({onLevel(v0to1) {}, onChunk(blob) {}, onStatus(status, detail) {}});
//   await mic.open();              // asks permission; starts the level meter. false when refused
//   mic.startRecording();          // 250 ms webm/opus chunks -> onChunk
//   await mic.stopRecording();     // resolves after the last chunk was delivered
//   mic.startRecognition(onCaption) // browser SpeechRecognition: onCaption(text, isFinal); false if absent
//   mic.stopRecognition(); mic.close();

export const CHUNK_MS = 250;

export function pickMimeType() {
  if (typeof MediaRecorder === "undefined") return "";
  for (const type of ["audio/webm;codecs=opus", "audio/webm", "audio/ogg;codecs=opus"]) {
    if (MediaRecorder.isTypeSupported(type)) return type;
  }
  return "";
}

export function createMic({onLevel = () => {}, onChunk = () => {}, onStatus = () => {}} = {}) {
  let stream = null;
  let audioContext = null;
  let analyser = null;
  let rafId = null;
  let recorder = null;
  let recognition = null;
  let recognitionWanted = false;

  function status(value, detail = {}) {
    try { onStatus(value, detail); } catch (err) { console.error(err); }
  }

  function meter() {
    if (!analyser) return;
    const data = new Uint8Array(analyser.fftSize);
    analyser.getByteTimeDomainData(data);
    let sum = 0;
    for (const value of data) { const v = (value - 128) / 128; sum += v * v; }
    onLevel(Math.min(1, Math.sqrt(sum / data.length) * 3));
    rafId = requestAnimationFrame(meter);
  }

  return {
    get isOpen() { return stream !== null; },
    get isRecording() { return recorder !== null && recorder.state === "recording"; },
    async open() {
      if (stream) return true;
      if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
        status("unavailable", {reason: "This browser cannot record audio."});
        return false;
      }
      try {
        stream = await navigator.mediaDevices.getUserMedia({audio: {echoCancellation: true, noiseSuppression: true}});
      } catch (err) {
        status("denied", {reason: String(err.message || err)});
        return false;
      }
      try {
        audioContext = new AudioContext();
        const source = audioContext.createMediaStreamSource(stream);
        analyser = audioContext.createAnalyser();
        analyser.fftSize = 512;
        source.connect(analyser);
        meter();
      } catch (err) {
        console.warn("level meter unavailable", err);
      }
      status("ready");
      return true;
    },
    startRecording() {
      if (!stream || this.isRecording || typeof MediaRecorder === "undefined") return false;
      const mimeType = pickMimeType();
      recorder = new MediaRecorder(stream, mimeType ? {mimeType} : undefined);
      recorder.ondataavailable = (event) => { if (event.data && event.data.size) onChunk(event.data); };
      recorder.start(CHUNK_MS);
      status("recording");
      return true;
    },
    stopRecording() {
      const active = recorder;
      recorder = null;
      if (!active || active.state === "inactive") return Promise.resolve();
      return new Promise((resolve) => {
        active.addEventListener("stop", () => setTimeout(resolve, 0), {once: true});
        try { active.stop(); } catch { resolve(); }
        status("stopped");
      });
    },
    startRecognition(onCaption) {
      const Recognition = window.SpeechRecognition || window.webkitSpeechRecognition;
      if (!Recognition) return false;
      recognitionWanted = true;
      recognition = new Recognition();
      recognition.continuous = true;
      recognition.interimResults = true;
      recognition.lang = document.documentElement.lang || "en-US";
      recognition.onresult = (event) => {
        for (let i = event.resultIndex; i < event.results.length; i++) {
          const result = event.results[i];
          onCaption(result[0].transcript, result.isFinal);
        }
      };
      recognition.onerror = (event) => {
        if (event.error === "network" || event.error === "not-allowed" || event.error === "service-not-allowed") {
          recognitionWanted = false;
          status("recognition-unavailable", {reason: event.error});
        }
      };
      recognition.onend = () => {
        if (recognitionWanted) { try { recognition.start(); } catch { /* already started */ } }
      };
      try { recognition.start(); } catch { return false; }
      return true;
    },
    stopRecognition() {
      recognitionWanted = false;
      if (recognition) { try { recognition.stop(); } catch { /* not running */ } recognition = null; }
    },
    close() {
      this.stopRecognition();
      if (recorder) { try { recorder.stop(); } catch { /* inactive */ } recorder = null; }
      if (rafId) cancelAnimationFrame(rafId);
      if (audioContext) audioContext.close().catch(() => {});
      if (stream) stream.getTracks().forEach((track) => track.stop());
      stream = null; analyser = null; audioContext = null;
    },
  };
}
