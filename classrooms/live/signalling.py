"""WebRTC signalling for the professor's join-live: relayed only between the student and the
room's professor, and only well-formed (the professor offers, the student answers)."""

from __future__ import annotations

from typing import Any

from avatars.voice.messages import BadMessage
from config.wsinput import clean_text

MAX_SDP = 20_000
MAX_CANDIDATE = 2_000
RTC_KINDS = ("offer", "answer", "ice", "hangup", "ready")


def rtc_payload(message: dict[str, Any], *, role: str) -> dict[str, Any]:
    """The signal to relay, cleaned; BadMessage for anything malformed or out of role."""
    kind = message["kind"]
    if kind not in RTC_KINDS:
        raise BadMessage("bad_field", "rtc: unknown kind.")
    data: dict[str, Any] = {"kind": kind}
    if kind in ("offer", "answer"):
        sdp = message.get("sdp")
        if not isinstance(sdp, str) or not sdp.startswith("v=") or len(sdp) > MAX_SDP:
            raise BadMessage("bad_field", "rtc: a valid 'sdp' is required.")
        if (kind == "offer") != (role == "professor"):
            raise BadMessage("not_allowed", "rtc: the professor offers, the student answers.")
        data["sdp"] = clean_text(sdp)
    elif kind == "ice":
        candidate = message.get("candidate")
        if not isinstance(candidate, dict):
            raise BadMessage("bad_field", "rtc: 'candidate' is required.")
        text = candidate.get("candidate", "")
        mid = candidate.get("sdpMid")
        index = candidate.get("sdpMLineIndex")
        if (
            not isinstance(text, str)
            or len(text) > MAX_CANDIDATE
            or not (mid is None or (isinstance(mid, str) and len(mid) <= 64))
            or not (index is None or (isinstance(index, int) and 0 <= index < 64))
        ):
            raise BadMessage("bad_field", "rtc: malformed ICE candidate.")
        data["candidate"] = {
            "candidate": clean_text(text),
            "sdpMid": clean_text(mid) if mid else mid,
            "sdpMLineIndex": index,
        }
    return data
