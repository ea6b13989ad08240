"""The page's vendor-avatar handling, driven by a stub LiveKit room in Chromium.

The fake vendor server cannot host a LiveKit room, so the LiveKit client URL is answered by a stub
that implements the part of the client avatar.js uses (`Room`, `RoomEvent`, `connect`, `on`) and
lets the test emit the vendor's data-channel events. The page must move on when the vendor says
the avatar stopped talking, not when its safety timeout runs out.
"""

from __future__ import annotations

import contextlib
import json
import time
from typing import Any

import pytest

from tests.browser.test_interview import GOOD_ANSWER, banner, sign_up_and_create, wait_state

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

STUB_URL = "/static/test-stub/livekit-client.js"
STUB_CLIENT = """
window.LivekitClient = (() => {
  const RoomEvent = {TrackSubscribed: "trackSubscribed", DataReceived: "dataReceived",
                     Disconnected: "disconnected"};
  class Room {
    constructor(options) { this.handlers = {}; (window.__stubRooms ||= []).push(this); }
    on(event, handler) { (this.handlers[event] ||= []).push(handler); return this; }
    async connect(url, token) { this.url = url; this.token = token; }
    disconnect() { this.disconnected = true; }
    emitData(message) {
      const bytes = new TextEncoder().encode(JSON.stringify(message));
      for (const handler of this.handlers[RoomEvent.DataReceived] || []) handler(bytes);
    }
  }
  return {Room, RoomEvent, version: "stub"};
})();
"""

# What each vendor sends on its data channel when the avatar starts and stops talking.
VENDOR_EVENTS = {
    "heygen": ("avatar_start_talking", "avatar_stop_talking"),
    "liveavatar": ("avatar.speak_started", "avatar.speak_ended"),
}


@pytest.fixture(params=sorted(VENDOR_EVENTS))
def vendor(request: Any, fake_providers: Any, settings: Any) -> str:
    fake_providers.configure(settings, avatar=request.param)
    settings.INTERVIEW_MAX_FOLLOWUPS = 0
    settings.LIVEKIT_CLIENT_URL = STUB_URL
    settings.LIVEKIT_CLIENT_SRI = ""
    return request.param


def _frames(page: Any) -> tuple[list[dict], list[dict]]:
    received: list[dict] = []
    sent: list[dict] = []

    def parse(payload: Any, into: list[dict]) -> None:
        if isinstance(payload, str):
            with contextlib.suppress(ValueError):
                into.append(json.loads(payload))

    def on_socket(ws: Any) -> None:
        ws.on("framereceived", lambda payload: parse(payload, received))
        ws.on("framesent", lambda payload: parse(payload, sent))

    page.on("websocket", on_socket)
    return received, sent


def _wait_for(predicate: Any, page: Any, timeout: float = 20.0) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        page.wait_for_timeout(100)
    raise AssertionError("condition not met in time")


def _speak_ids(received: list[dict]) -> list[str]:
    return [m["task_id"] for m in received if m.get("task_id") and m.get("text")]


def _ended(sent: list[dict], task_id: str) -> dict | None:
    return next(
        (m for m in sent if m.get("task_id") == task_id and "speak_ended" in str(m.get("type"))),
        None,
    )


def test_page_follows_the_vendors_talking_events(vendor: str, live_server_url: str, page) -> None:
    page.route(
        "**" + STUB_URL,
        lambda route: route.fulfill(content_type="text/javascript", body=STUB_CLIENT),
    )
    received, sent = _frames(page)
    started_event, stopped_event = VENDOR_EVENTS[vendor]
    sign_up_and_create(page, live_server_url, f"ida-{vendor}", questions=1)
    page.wait_for_function(
        "document.getElementById('avatar-status').className.includes('ok')",
        timeout=30_000,
    )
    page.wait_for_function("(window.__stubRooms || []).length > 0")
    page.wait_for_function("!document.getElementById('start').disabled", timeout=30_000)
    page.get_by_role("button", name="Start interview").click()

    question_task = _wait_for(lambda: (_speak_ids(received) or [None])[-1], page)
    # The vendor has not said anything yet: the page keeps waiting, it does not guess.
    page.wait_for_timeout(1500)
    assert _ended(sent, question_task) is None
    assert banner(page).text_content() != "Listening to your answer"

    page.evaluate(
        "([kind, task]) => window.__stubRooms.at(-1).emitData({type: kind, task_id: task})",
        [started_event, question_task],
    )
    page.evaluate(
        "([kind, task]) => window.__stubRooms.at(-1).emitData("
        "{type: kind, task_id: task, duration_ms: 2400})",
        [stopped_event, question_task],
    )
    wait_state(page, "Listening to your answer", timeout=5_000)
    ended = _wait_for(lambda: _ended(sent, question_task), page)
    assert ended["timeout"] is False  # moved on because of the event, not the safety timer
    assert abs(float(ended["duration"]) - 2.4) < 0.01  # the vendor's own measure of the speech

    page.get_by_label("Type your answer (optional)").fill(GOOD_ANSWER)
    page.get_by_role("button", name="Finish answer").click()
    wait_state(page, "Feedback")
