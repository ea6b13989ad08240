"""The fake provider server speaks the vendors' wire contracts (raw HTTP and WebSocket checks)."""

from __future__ import annotations

import json

import httpx
import pytest
import websockets


def test_heygen_token_is_one_time_and_sessions_are_counted(fake_providers) -> None:
    url = fake_providers.url + "/heygen"
    key = {"x-api-key": "k1", "content-type": "application/json"}
    token = httpx.post(f"{url}/v1/streaming.create_token", headers=key, json={}).json()["data"][
        "token"
    ]
    bearer = {"authorization": f"Bearer {token}"}
    new = httpx.post(f"{url}/v1/streaming.new", headers=bearer, json={"version": "v2"}).json()
    assert new["code"] == 100
    assert new["data"]["url"]
    assert new["data"]["access_token"]
    # The same token cannot open a second session.
    again = httpx.post(f"{url}/v1/streaming.new", headers=bearer, json={"version": "v2"})
    assert again.status_code == 401
    assert again.json()["code"] == 400112
    session_id = new["data"]["session_id"]
    listed = httpx.get(f"{url}/v1/streaming.list", headers=key).json()["data"]["sessions"]
    assert [s["status"] for s in listed] == ["new"]
    task = httpx.post(
        f"{url}/v1/streaming.task", headers=bearer, json={"session_id": session_id, "text": "Hi"}
    )
    assert task.status_code == 400
    assert task.json()["code"] == 400006
    assert httpx.post(
        f"{url}/v1/streaming.start", headers=bearer, json={"session_id": session_id}
    ).json() == {"code": 100, "message": "success", "data": None}
    assert fake_providers.state()["open_sessions"]["heygen"] == 1
    httpx.post(f"{url}/v1/streaming.stop", headers=bearer, json={"session_id": session_id})
    stop_again = httpx.post(
        f"{url}/v1/streaming.stop", headers=bearer, json={"session_id": session_id}
    )
    assert stop_again.json()["code"] == 400004
    assert fake_providers.state()["open_sessions"]["heygen"] == 0


def test_knobs_script_failures_and_reset_clears_them(fake_providers) -> None:
    url = fake_providers.url + "/openai/v1/chat/completions"
    body = {"model": "m", "messages": [{"role": "user", "content": "hi"}]}
    auth = {"authorization": "Bearer sk-test"}
    fake_providers.knobs(openai_chat={"fail": "429", "fail_times": 1, "retry_after": 7})
    first = httpx.post(url, json=body, headers=auth)
    assert first.status_code == 429
    assert first.headers["retry-after"] == "7"
    assert first.json()["error"]["code"] == "rate_limit_exceeded"
    assert httpx.post(url, json=body, headers=auth).status_code == 200
    # Endpoint knobs override vendor knobs; null removes a knob.
    fake_providers.knobs(openai_chat={"fail": None, "fail_times": None}, openai={"fail": "500"})
    assert httpx.post(url, json=body, headers=auth).status_code == 500
    fake_providers.reset()
    assert httpx.post(url, json=body, headers=auth).status_code == 200
    state = fake_providers.state()
    assert state["requests"] == {"openai.chat": 1}
    assert "sk-test" not in json.dumps(state)  # the log never records credentials


def test_reset_mode_drops_the_connection(fake_providers) -> None:
    fake_providers.knobs(openai={"fail": "reset"})
    with pytest.raises(httpx.TransportError):
        httpx.post(
            fake_providers.url + "/openai/v1/chat/completions",
            json={"model": "m", "messages": [{"role": "user", "content": "x"}]},
            headers={"authorization": "Bearer k"},
        )


def test_strict_schema_rules_are_enforced_like_the_real_api(fake_providers) -> None:
    loose = {"type": "object", "properties": {"a": {"type": "string"}}}
    response = httpx.post(
        fake_providers.url + "/openai/v1/chat/completions",
        headers={"authorization": "Bearer k"},
        json={
            "model": "m",
            "messages": [{"role": "user", "content": "x"}],
            "response_format": {
                "type": "json_schema",
                "json_schema": {"name": "Out", "strict": True, "schema": loose},
            },
        },
    )
    assert response.status_code == 400
    assert "additionalProperties" in response.json()["error"]["message"]


async def test_deepgram_live_socket_accepts_subprotocol_auth(fake_providers) -> None:
    fake_providers.knobs(deepgram={"utterances": ["Hello there friend."]})
    uri = fake_providers.url.replace("http", "ws") + "/deepgram/v1/listen?model=nova-3"
    async with websockets.connect(uri, subprotocols=["token", "browser-key"]) as ws:
        assert ws.subprotocol == "token"
        for _ in range(3):
            await ws.send(b"\x1a\x45\xdf\xa3" * 50)
        final = json.loads(await ws.recv())
        assert final["is_final"]
        assert final["speech_final"]
        assert final["channel"]["alternatives"][0]["transcript"] == "hello there friend"
        await ws.send(json.dumps({"type": "CloseStream"}))
        assert json.loads(await ws.recv())["type"] == "Metadata"


async def test_deepgram_live_socket_refuses_missing_credentials(fake_providers) -> None:
    uri = fake_providers.url.replace("http", "ws") + "/deepgram/v1/listen?model=nova-3"
    with pytest.raises(websockets.exceptions.InvalidStatus):
        async with websockets.connect(uri):
            pass


def test_zoom_oauth_and_meeting_lifecycle(fake_providers) -> None:
    base = fake_providers.url + "/zoom"
    token = httpx.post(
        f"{base}/oauth/token",
        params={"grant_type": "account_credentials", "account_id": "acc"},
        auth=("client", "secret"),
    ).json()["access_token"]
    auth = {"authorization": f"Bearer {token}"}
    rooms = [{"name": "Room 1", "participants": ["a@example.com"]}]
    created = httpx.post(
        f"{base}/v2/users/me/meetings",
        headers=auth,
        json={
            "topic": "Class",
            "type": 2,
            "settings": {"breakout_room": {"enable": True, "rooms": rooms}},
        },
    )
    assert created.status_code == 201
    meeting = created.json()
    assert meeting["settings"]["breakout_room"]["rooms"] == rooms
    assert fake_providers.state()["open_sessions"]["zoom"] == 1
    ended = httpx.put(
        f"{base}/v2/meetings/{meeting['id']}/status", headers=auth, json={"action": "end"}
    )
    assert ended.status_code == 204
    assert fake_providers.state()["open_sessions"]["zoom"] == 0
    bad = httpx.get(f"{base}/v2/meetings/{meeting['id']}", headers={"authorization": "Bearer x"})
    assert bad.status_code == 401
    assert bad.json()["code"] == 124
