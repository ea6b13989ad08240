// Browser-to-browser audio between a student and their professor. Plain ES module.
//
//   const call = createCall({
//     send(msg) {},            // deliver {type: "rtc.signal", kind, sdp|candidate} over our room socket
//     iceServers: [],          // settings.WEBRTC_ICE_SERVERS (none needed on localhost)
//     audio: <audio> element,  // plays the other side
//     onState(state) {},       // RTCPeerConnection.connectionState, plus "idle" / "closed" / "no-mic"
//   });
//   await call.start();        // professor: microphone, then an offer
//   await call.handle(msg);    // both: offer -> answer, answer, ice, hangup, ready
//   call.close();
//
// Our server only relays signaling between the two parties; the media flows peer to peer.

export function createCall({send, iceServers = [], audio = null, onState = () => {}} = {}) {
  let pc = null;
  let stream = null;
  let pendingIce = [];
  let state = "idle";

  function setState(value) {
    state = value;
    window.__rtcState = value;
    try { onState(value); } catch (err) { console.error(err); }
  }

  async function microphone() {
    if (stream) return stream;
    try {
      stream = await navigator.mediaDevices.getUserMedia({audio: {echoCancellation: true}});
    } catch (err) {
      setState("no-mic");
      throw err;
    }
    return stream;
  }

  async function ensurePeer() {
    if (pc) return pc;
    const local = await microphone();
    pc = new RTCPeerConnection({iceServers});
    local.getTracks().forEach((track) => pc.addTrack(track, local));
    pc.addEventListener("icecandidate", (event) => {
      if (event.candidate) send({type: "rtc.signal", kind: "ice", candidate: event.candidate.toJSON()});
    });
    pc.addEventListener("track", (event) => {
      if (audio) { audio.srcObject = event.streams[0]; audio.play().catch(() => {}); }
    });
    pc.addEventListener("connectionstatechange", () => setState(pc ? pc.connectionState : "closed"));
    setState("connecting");
    return pc;
  }

  async function flushIce() {
    const queued = pendingIce;
    pendingIce = [];
    for (const candidate of queued) {
      try { await pc.addIceCandidate(candidate); } catch (err) { console.warn("ICE candidate rejected", err); }
    }
  }

  function teardown() {
    if (pc) { pc.close(); pc = null; }
    pendingIce = [];
  }

  return {
    get state() { return state; },
    async start() {
      teardown();
      const peer = await ensurePeer();
      const offer = await peer.createOffer({offerToReceiveAudio: true});
      await peer.setLocalDescription(offer);
      send({type: "rtc.signal", kind: "offer", sdp: offer.sdp});
    },
    async handle(msg) {
      if (msg.kind === "offer") {
        teardown();
        const peer = await ensurePeer();
        await peer.setRemoteDescription({type: "offer", sdp: msg.sdp});
        await flushIce();
        const answer = await peer.createAnswer();
        await peer.setLocalDescription(answer);
        send({type: "rtc.signal", kind: "answer", sdp: answer.sdp});
      } else if (msg.kind === "answer" && pc) {
        await pc.setRemoteDescription({type: "answer", sdp: msg.sdp});
        await flushIce();
      } else if (msg.kind === "ice" && msg.candidate) {
        if (pc && pc.remoteDescription) {
          try { await pc.addIceCandidate(msg.candidate); } catch (err) { console.warn(err); }
        } else {
          pendingIce.push(msg.candidate);
        }
      } else if (msg.kind === "hangup") {
        this.close(false);
      }
    },
    close(notify = true) {
      if (notify && pc) send({type: "rtc.signal", kind: "hangup"});
      teardown();
      if (stream) { stream.getTracks().forEach((track) => track.stop()); stream = null; }
      if (audio) audio.srcObject = null;
      setState("closed");
    },
  };
}
