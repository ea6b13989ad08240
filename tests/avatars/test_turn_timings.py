"""The health page's voice turn timings: p50/p95 per avatar provider and conversation kind over
the last day, from VoiceTurn rows, with a query count that does not grow with the rows."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from avatars.models import VoiceTurn
from avatars.selectors import voice_turn_timings

pytestmark = pytest.mark.django_db

K = VoiceTurn.Kind


def _turns(count: int, *, provider: str = "heygen", kind: str = K.ROOM, **offsets) -> None:
    """`count` turns whose speak command came 1..count x 10 ms after the user stopped talking
    (plus fixed offsets for the other steps)."""
    now = timezone.now()
    VoiceTurn.objects.bulk_create(
        VoiceTurn(
            kind=kind,
            avatar_provider=provider,
            model_provider="openai",
            user_done_at=now,
            created_at=now - timedelta(minutes=1),
            speak_command_ms=10.0 * (i + 1),
            **offsets,
        )
        for i in range(count)
    )


def _row(rows, provider: str, kind: str) -> dict:
    [row] = [r for r in rows if r["avatar_provider"] == provider and r["kind"] == kind]
    return row


def _step(row: dict, field: str) -> dict:
    [step] = [s for s in row["steps"] if s["field"] == field]
    return step


def test_percentiles_by_provider_and_kind_use_the_nearest_rank():
    _turns(20, provider="heygen", kind=K.ROOM, model_request_ms=12.0)
    _turns(3, provider="heygen", kind=K.INTERVIEW)
    _turns(1, provider="liveavatar", kind=K.ROOM, first_token_ms=300.0)
    VoiceTurn.objects.filter(kind=K.ROOM, speak_command_ms=200.0).update(interrupted=True)

    rows = voice_turn_timings()
    room = _row(rows, "heygen", K.ROOM)
    assert room["turns"] == 20
    assert room["interrupted"] == 1
    speak = _step(room, "speak_command_ms")
    # 10, 20, ... 200 ms: nearest rank 10 of 20 is 100 ms, rank 19 of 20 is 190 ms.
    assert (speak["count"], speak["p50"], speak["p95"]) == (20, 100, 190)
    assert (_step(room, "model_request_ms")["p50"], _step(room, "model_request_ms")["p95"]) == (
        12,
        12,
    )
    # A step no turn reached shows no figure rather than zero.
    talking = _step(room, "avatar_talking_ms")
    assert (talking["count"], talking["p50"], talking["p95"]) == (0, None, None)

    interview = _step(_row(rows, "heygen", K.INTERVIEW), "speak_command_ms")
    assert (interview["count"], interview["p50"], interview["p95"]) == (3, 20, 30)
    live = _row(rows, "liveavatar", K.ROOM)
    assert _step(live, "first_token_ms")["p50"] == 300
    assert _step(live, "speak_command_ms")["p95"] == 10


def test_only_the_last_day_counts():
    _turns(2)
    VoiceTurn.objects.create(
        kind=K.ROOM,
        avatar_provider="heygen",
        created_at=timezone.now() - timedelta(days=1, minutes=1),
        speak_command_ms=99999.0,
    )
    [row] = voice_turn_timings()
    assert row["turns"] == 2
    assert _step(row, "speak_command_ms")["p95"] == 20


def test_health_page_shows_turn_timings_in_an_accessible_table(client_for, staff):
    _turns(20)
    client = client_for(staff)
    client.get(reverse("avatars:health"))  # session and login bookkeeping
    content = client.get(reverse("avatars:health")).content.decode()
    table = content[content.index('id="turn-timings"') :]
    table = table[: table.index("</table>")]
    assert 'aria-describedby="turn-timings-help"' in table
    assert "<caption" in table
    assert 'scope="col">p95 (ms)</th>' in table
    assert '<th scope="row">Speak command</th>' in table
    assert "<td>100</td>" in table
    assert "<td>190</td>" in table
    assert "20 turns, 0 interrupted" in table


def test_health_page_without_turns_says_so(client_for, staff):
    content = client_for(staff).get(reverse("avatars:health")).content.decode()
    assert "No voice turns in the last 24 hours." in content


def test_turn_timings_cost_the_same_queries_whatever_the_rows(
    client_for, staff, django_assert_num_queries
):
    client = client_for(staff)
    client.get(reverse("avatars:health"))  # session and login bookkeeping
    page_queries = []
    for count in (2, 200):
        VoiceTurn.objects.all().delete()
        for provider in ("heygen", "liveavatar", "local"):
            for kind in (K.ROOM, K.INTERVIEW):
                _turns(count, provider=provider, kind=kind, first_sentence_ms=5.0)
        with django_assert_num_queries(6):  # the groups, then one per step
            rows = voice_turn_timings()
        assert len(rows) == 6
        assert all(r["turns"] == count for r in rows)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("avatars:health"))
        assert response.status_code == 200
        page_queries.append(len(queries))
    assert page_queries[0] == page_queries[1], page_queries
