// A reconnecting WebSocket with JSON and binary helpers. Plain ES module, no dependencies.
//
//   const live = createLive("/ws/interviews/<id>/", {
//     onOpen() {}, onMessage(msg) {}, onStatus(status, detail) {}, onFatal(code) {},
//   });
//   live.send({type: "hello"}); live.sendBinary(blob); live.close();
//
// Status: "connecting" | "open" | "reconnecting" | "closed". Close codes 4401/4403/4404 (not
// signed in, not yours, unknown) are final: no reconnect, onFatal(code) is called instead.

const FATAL = new Set([4401, 4403, 4404]);

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
    socket.addEventListener("open", () => {
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
    socket.addEventListener("close", (event) => {
      socket = null;
      if (stopped) { status("closed"); return; }
      if (FATAL.has(event.code)) { stopped = true; status("closed", {code: event.code}); onFatal(event.code); return; }
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
