// A reconnecting WebSocket with JSON and binary helpers. Plain ES module, no dependencies.
//
//   const live = createLive("/ws/interviews/<id>/", {
//     onOpen() {}, onMessage(msg) {}, onStatus(status, detail) {}, onFatal(code) {},
//   });
//   live.send({type: "hello"}); live.sendBinary(blob); live.close();
//
// Status: "connecting" | "open" | "reconnecting" | "closed". The close codes in CLOSE (not
// signed in, not yours, unknown, ended) are final: no reconnect, onFatal(code) is called instead.
// A server refuses a socket before the handshake, which a browser only sees as code 1006; so when
// a connection fails without ever opening, the page itself is asked whether we may still see it
// (login redirect, 403, 404 or 410 mean the same as those codes) before reconnecting.

import {CLOSE} from "./voice.js";

const FATAL = new Set([CLOSE.unauthenticated, CLOSE.forbidden, CLOSE.not_found, CLOSE.gone]);

async function accessCode() {
  try {
    const res = await fetch(window.location.href, {redirect: "manual", credentials: "same-origin", cache: "no-store"});
    if (res.type === "opaqueredirect") return CLOSE.unauthenticated;
    if (res.status === 403) return CLOSE.forbidden;
    if (res.status === 404) return CLOSE.not_found;
    if (res.status === 410) return CLOSE.gone;
  } catch { /* offline: keep retrying */ }
  return 0;
}

export function wsUrl(path) {
  const scheme = window.location.protocol === "https:" ? "wss:" : "ws:";
  return `${scheme}//${window.location.host}${path}`;
}

export function backoffDelay(attempt, {base = 500, max = 10000} = {}) {
  const exp = Math.min(max, base * 2 ** attempt);
  return Math.round(exp / 2 + Math.random() * (exp / 2));
}

export function createLive(path, handlers = {}) {
  const {onOpen = () => {}, onMessage = () => {}, onStatus = () => {}, onFatal = () => {}} = handlers;
  let socket = null;
  let attempt = 0;
  let stopped = false;
  let timer = null;

  function status(value, detail) {
    try { onStatus(value, detail); } catch (err) { console.error(err); }
  }

  function connect() {
    if (stopped) return;
    status(attempt === 0 ? "connecting" : "reconnecting", {attempt});
    socket = new WebSocket(wsUrl(path));
    socket.binaryType = "arraybuffer";
    let opened = false;
    socket.addEventListener("open", () => {
      opened = true;
      attempt = 0;
      status("open");
      onOpen();
    });
    socket.addEventListener("message", (event) => {
      if (typeof event.data !== "string") return;
      let msg;
      try { msg = JSON.parse(event.data); } catch { return; }
      try { onMessage(msg); } catch (err) { console.error("message handler failed", err); }
    });
    socket.addEventListener("close", async (event) => {
      socket = null;
      if (stopped) { status("closed"); return; }
      const code = FATAL.has(event.code) ? event.code : (opened ? 0 : await accessCode());
      if (FATAL.has(code)) { stopped = true; status("closed", {code}); onFatal(code); return; }
      if (stopped) return;
      const delay = backoffDelay(attempt++);
      status("reconnecting", {attempt, delay});
      timer = setTimeout(connect, delay);
    });
  }

  connect();

  return {
    get isOpen() { return socket !== null && socket.readyState === WebSocket.OPEN; },
    send(message) {
      if (!this.isOpen) return false;
      socket.send(JSON.stringify(message));
      return true;
    },
    sendBinary(data) {
      if (!this.isOpen) return false;
      socket.send(data);
      return true;
    },
    reconnectNow() {
      if (socket || stopped) return;
      clearTimeout(timer);
      connect();
    },
    close() {
      stopped = true;
      clearTimeout(timer);
      if (socket) socket.close(1000);
    },
  };
}
