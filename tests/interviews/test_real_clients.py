"""The interview with the real vendor clients (HeyGen, Deepgram, OpenAI) against the fake server."""

from __future__ import annotations

from typing import Any

import pytest
from asgiref.sync import sync_to_async

from avatars.models import AvatarSession
from interviews.models import InterviewQuestion, MockInterview
from tests.interviews.conftest import GOOD_ANSWER, create_interview

pytestmark = pytest.mark.django_db(transaction=True)

CHUNK = b"\x1a\x45\xdf\xa3" + b"\x00" * 400


def endpoints(fake: Any, vendor: str) -> list[str]:
    return [e["endpoint"] for e in fake.state()["log"] if e.get("vendor", vendor) == vendor]


async def test_heygen_deepgram_openai_interview(
    fake_providers, settings, candidate, bank, driver
) -> None:
    fake_providers.configure(settings, avatar="heygen", transcriber="deepgram", llm="openai")
    settings.INTERVIEW_MAX_FOLLOWUPS = 0
    fake_providers.knobs(
        deepgram_live={"utterances": ["I rebuilt the checkout service and cut latency by half."]}
    )
    interview = await sync_to_async(create_interview)(candidate, count=1)
    d = await driver(interview, candidate)
    ready = await d.start()
    assert ready["connection"]["provider"] == "heygen"
    assert ready["connection"]["access_token"]
    assert settings.HEYGEN_API_KEY not in str(ready)  # no key ever reaches the page
    await d.send({"type": "question.next"})
    speak = await d.until("avatar.speak")
    assert "task" in endpoints(fake_providers, "heygen")  # the question went to the vendor
    await d.send({"type": "avatar.speak_ended", "task_id": speak["task_id"]})
    listening = await d.state("listening")
    assert listening["live_audio"] is True

    for _ in range(7):  # six words make a final; the seventh is still interim at "finish"
        await d.comm.send_to(bytes_data=CHUNK)
    interim = await d.until("caption", lambda m: not m["final"])
    assert interim["text"]
    first_final = await d.until("caption", lambda m: m["final"])
    await d.send({"type": "answer.finish", "duration": 6.5})
    await d.state("processing")
    result = await d.until("feedback.final")
    transcript = result["attempt"]["transcript"]
    assert transcript.startswith(first_final["text"])
    assert transcript == "I rebuilt the checkout service and cut latency by half."
    assert result["attempt"]["status"] == "scored"
    await d.state("feedback")
    await d.send({"type": "question.next"})
    await d.state("completed")
    await d.close()

    state = fake_providers.state()
    assert state["open_sessions"]["heygen"] == 0
    assert state["open_sessions"]["deepgram"] == 0
    await sync_to_async(interview.refresh_from_db)()
    session = await AvatarSession.objects.aget(pk=interview.avatar_session_id)
    assert session.status == AvatarSession.Status.ENDED


async def test_reconnect_mid_answer_keeps_transcriber_finals(
    fake_providers, settings, candidate, bank, driver
) -> None:
    fake_providers.configure(settings, transcriber="deepgram")
    fake_providers.knobs(
        deepgram_live={"utterances": ["Our team shipped the new search in six weeks flat."]}
    )
    interview = await sync_to_async(create_interview)(candidate, count=1)
    d = await driver(interview, candidate)
    await d.start()
    await d.send({"type": "question.next"})
    await d.ask_and_listen()
    for _ in range(7):  # a final after six words, then an interim
        await d.comm.send_to(bytes_data=CHUNK)
    final = await d.until("caption", lambda m: m["final"])
    await d.close()  # the connection drops mid-answer: the pending words are flushed and saved

    d2 = await driver(interview, candidate)
    await d2.send({"type": "hello"})
    resumed = await d2.state("listening")
    assert resumed["attempt"]["transcript"].startswith(final["text"])
    assert fake_providers.state()["open_sessions"]["deepgram"] == 0
    await d2.close()


async def test_avatar_start_failure_retries_then_falls_back(
    fake_providers, settings, candidate, bank, driver
) -> None:
    fake_providers.configure(settings, avatar="heygen")
    fake_providers.knobs(heygen_new={"fail": "500"})
    interview = await sync_to_async(create_interview)(candidate, count=1)
    d = await driver(interview, candidate)
    failed = await d.until("avatar.connection", lambda m: m["status"] == "failed", timeout=20)
    assert failed["fallback"] == "voice"
    assert any(m.get("status") == "retrying" for m in d.seen)
    # The interview goes on without the vendor: the page speaks the question itself.
    await d.send({"type": "question.next"})
    await d.ask_and_listen()
    await d.answer(GOOD_ANSWER)
    await d.close()
    assert fake_providers.state()["open_sessions"]["heygen"] == 0


async def test_follow_up_first_sentence_is_spoken_before_the_model_finishes(
    fake_providers, settings, candidate, bank, driver
) -> None:
    fake_providers.configure(settings, llm="openai")
    settings.INTERVIEW_MAX_FOLLOWUPS = 1
    fake_providers.knobs(
        openai={
            "replies": ["You said you did it. What was the measurable result?"],
            "tokens_per_second": 40,
        }
    )
    interview = await sync_to_async(create_interview)(candidate, count=1)
    d = await driver(interview, candidate)
    await d.start()
    await d.send({"type": "question.next"})
    await d.ask_and_listen()
    result = await d.answer("We did it.")
    assert result["feedback"]["follow_up"]
    await d.state("follow_up")
    first = await d.until("avatar.speak")
    assert first["text"] == "You said you did it."
    assert not any(m["type"] == "followup" for m in d.seen)  # the model is still writing
    second = await d.until("avatar.speak")
    assert second["text"] == "What was the measurable result?"
    followup = await d.until("followup")
    assert followup["text"] == "You said you did it. What was the measurable result?"
    for speak in (first, second):
        await d.send({"type": "avatar.speak_ended", "task_id": speak["task_id"]})
    listening = await d.state("listening")
    assert listening["attempt"]["kind"] == "follow_up"
    await d.close()


async def test_setup_generates_questions_from_the_job_description(
    fake_providers, settings, candidate, bank
) -> None:
    fake_providers.configure(settings, llm="openai")
    fake_providers.knobs(
        openai={
            "json_replies": [
                {
                    "questions": [
                        {
                            "text": "How would you scale our payments API to ten times the traffic?",
                            "competency": "technical_general",
                        },
                        {
                            "text": "How would you scale our payments API to ten times the traffic",
                            "competency": "technical_general",
                        },
                        {"text": "Why?", "competency": "teamwork"},
                    ]
                }
            ]
        }
    )
    interview: MockInterview = await sync_to_async(create_interview)(
        candidate, count=4, job_description="Payments platform team; Go, Postgres, Kafka."
    )
    sources = [
        (q.source, q.text)
        async for q in InterviewQuestion.objects.filter(interview=interview).order_by("order")
    ]
    generated = [text for source, text in sources if source == "generated"]
    assert generated == ["How would you scale our payments API to ten times the traffic?"]
    assert len(sources) == 4
    assert sources[0][0] == "bank"
