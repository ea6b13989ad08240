"""Realistic ways a language model's structured reply goes wrong, for the fake OpenAI server
(knob `openai.chat` `output_faults`). Seen from real models, hosted and local: quotes reworded
instead of copied, scores written as text or on another scale, a required key left out, the JSON
wrapped in chatty prose or a Markdown fence, a refusal, and a reply cut off at max_tokens.

`apply_value_faults` changes the parsed reply (before it is serialised); `apply_text_faults`
changes the serialised content; `refusal` and `truncated` change the message itself (see
tests.fakes.openai).
"""

from __future__ import annotations

import copy
import re
from typing import Any

VALUE_FAULTS = ("paraphrase", "string_scores", "out_of_range", "missing_dimension")
TEXT_FAULTS = ("prose", "fenced")
MESSAGE_FAULTS = ("refusal", "truncated")
FAULTS = VALUE_FAULTS + TEXT_FAULTS + MESSAGE_FAULTS

REFUSAL = "I'm sorry, but I can't help with that request."
#: Share of the reply kept by "truncated" (the real API stops mid-token at max_tokens).
TRUNCATE_AT = 0.6

_PERSON = {
    "i": "they",
    "i'm": "they're",
    "i've": "they've",
    "my": "their",
    "me": "them",
    "myself": "themselves",
    "we": "the team",
    "our": "the team's",
    "us": "the team",
}
_WORD = re.compile(r"[A-Za-z']+")


def faults_of(value: Any) -> list[str]:
    """A knob value (a name, a list of names, or null) as a list of known fault names."""
    names = [value] if isinstance(value, str) else value if isinstance(value, list) else []
    unknown = [name for name in names if name not in FAULTS]
    if unknown:
        raise ValueError(f"unknown output fault(s) {unknown}; known: {list(FAULTS)}")
    return list(names)


def paraphrase(text: str) -> str:
    """What a model does when told to quote: retells it in the third person ("I rewrote the
    query" -> "they rewrote the query"); a sentence with no pronoun gets a lead-in."""
    changed = _WORD.sub(lambda m: _PERSON.get(m.group(0).lower(), m.group(0)), text)
    return changed if changed != text else f"Essentially, {text[:1].lower()}{text[1:]}"


def _walk(value: Any, fault: str, state: dict[str, int]) -> Any:
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for key, item in value.items():
            if fault == "string_scores" and key == "score" and isinstance(item, int):
                out[key] = str(item)
            elif fault == "out_of_range" and key == "score" and isinstance(item, int):
                state["scores"] += 1
                out[key] = 7 if state["scores"] % 2 else -1  # a 1-10 habit, a sign slip
            elif fault == "paraphrase" and key == "quotes" and isinstance(item, list):
                out[key] = []
                for quote in item:  # every other quote retold, the rest copied faithfully
                    state["quotes"] += 1
                    retell = isinstance(quote, str) and state["quotes"] % 2 == 1
                    out[key].append(paraphrase(quote) if retell else quote)
            elif fault == "paraphrase" and key == "star" and isinstance(item, dict):
                out[key] = {k: paraphrase(v) if isinstance(v, str) else v for k, v in item.items()}
            elif fault == "missing_dimension" and key == "dimensions" and isinstance(item, dict):
                out[key] = dict(list(item.items())[1:])  # the first one is left out
            else:
                out[key] = _walk(item, fault, state)
        return out
    if isinstance(value, list):
        return [_walk(item, fault, state) for item in value]
    return value


def apply_value_faults(value: Any, faults: list[str]) -> Any:
    value = copy.deepcopy(value)
    for fault in faults:
        if fault in VALUE_FAULTS:
            value = _walk(value, fault, {"scores": 0, "quotes": 0})
    return value


def apply_text_faults(content: str, faults: list[str]) -> str:
    if "fenced" in faults:
        content = f"```json\n{content}\n```"
    if "prose" in faults:
        content = (
            "Sure! Here is my assessment of the answer, as requested:\n\n"
            f"{content}\n\nLet me know if you would like more detail on any part of it."
        )
    return content


def truncate(content: str) -> str:
    return content[: max(1, int(len(content) * TRUNCATE_AT))]
