"""Language model stream faults in both conversations, with the same assertions: the interview's
follow-up question and the tutor room's reply are both streamed and spoken sentence by sentence.

Whatever the fault, the user's words are saved, the avatar says something (never silence),
sentences spoken before a mid-stream drop are kept in what it said, and no request is left open
at the vendor. What stands in for the lost reply differs by design (the coach's own follow-up
question in an interview, a short apology in a room) and is checked in test_model_faults.py.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.reliability.conftest import FAULT_LABELS, FAULTS
from tests.reliability.sides import CONVERSATIONS, make_side
from tests.reliability.test_model_faults import openai_in_flight, stream_fault

pytestmark = pytest.mark.django_db(transaction=True)

#: The scripted reply both conversations stream (two sentences before a mid-stream drop).
REPLY = "Good start on the interval. You said it went well. Try one example."
SAID = "We rebuilt the nightly import and it went well."


@pytest.mark.parametrize("conversation", CONVERSATIONS)
@pytest.mark.parametrize("fault", FAULTS)
async def test_model_stream_fault(
    fault: str,
    conversation: str,
    fake_providers: Any,
    fast: Any,
    candidate: Any,
    bank: Any,
    driver: Any,
    ws_connect: Any,
    professor: Any,
    cell: Any,
) -> None:
    side = make_side(
        conversation, driver=driver, candidate=candidate, ws_connect=ws_connect, professor=professor
    )
    row = cell(
        area=f"model reply stream (openai), {conversation}",
        case=FAULT_LABELS[fault] + (" (mid-stream)" if fault == "reset" else ""),
        persona=side.persona,
        expected="the user's words saved; the avatar still says something; sentences spoken "
        "before a drop kept; no request left open at the vendor",
    )
    fake_providers.configure(fast, llm="openai")
    fast.INTERVIEW_MAX_FOLLOWUPS = 1
    fake_providers.knobs(
        openai_chat=stream_fault(
            fault,
            replies=[REPLY],
            fail_after=side.model_calls_before_reply,
            tokens_per_second=400,
        )
    )
    await side.open()
    said = await side.model_reply(SAID)
    assert said  # never silence
    assert all(text.strip() for text in said)
    if fault == "reset":
        assert said[0] == "Good start on the interval."  # spoken before the drop, kept
    saved = await side.saved_words()
    assert SAID in saved
    assert openai_in_flight(fake_providers) == 0
    row.actual = f"said {len(said)} line(s): '{said[0][:40]}'; the user's words saved"
