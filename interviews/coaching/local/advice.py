"""Advice built on the analysis: strengths, improvements, a better outline, one follow-up
question and the summary line. Every item quotes the candidate or names a measured fact."""

from __future__ import annotations

import re
from typing import Any

from interviews.coaching.answer import AnswerInput
from interviews.coaching.local.analysis import Analysis
from interviews.coaching.local.delivery import IDEAL_WPM, LONG_PAUSE_SECONDS
from interviews.coaching.local.notes import second_person
from interviews.coaching.schema import MAX_TEXT_CHARS, DeliveryMetrics, clip


def short(text: str, words: int = 14) -> str:
    tokens = text.split()
    if len(tokens) <= words:
        return text.rstrip(" ,;:.!?")
    return " ".join(tokens[:words]).rstrip(" ,;:.!?") + " …"


def persona_prefix(persona: str) -> str:
    return {"friendly": "Thanks, that helps. ", "tough": "Let me push on that. "}.get(persona, "")


def strengths(
    a: Analysis, m: DeliveryMetrics, ownership_ratio: float | None, relevance: int
) -> list[str]:
    out: list[str] = []
    found = a.found if a.story else []
    if a.no_example or a.declined:
        found = []
    if not a.story:
        met = [c.label for c in a.question_type.criteria if a.type_met.get(c.key)]
        if len(met) == len(a.question_type.criteria) and a.words >= 45:
            out.append("You cover what the question asks: " + ", ".join(met) + ".")
    if len(found) == 4:
        out.append("A complete STAR story: situation, task, action and result.")
    result = a.star["result"]
    if result and found:
        if a.result_quantified:
            out.append(f"You quantified the result: “{short(result.text)}”.")
        else:
            out.append(f"You said how it ended: “{short(result.text)}”.")
    if found and ownership_ratio is not None and ownership_ratio >= 0.6 and a.i_count >= 3:
        action = a.star["action"]
        detail = f": “{short(action.text)}”" if action else ""
        out.append(f"Clear ownership of your part{detail}.")
    if (found or not a.story) and len(a.specifics) >= 4 and a.words >= 45:
        out.append("Concrete details such as " + ", ".join(f"“{x}”" for x in a.specifics[:3]) + ".")
    wpm = m["wpm"]
    if wpm is not None and IDEAL_WPM[0] <= wpm <= IDEAL_WPM[1]:
        out.append(f"A comfortable pace ({wpm} words per minute).")
    if m["words"] >= 60 and (m["fillers"] / max(1, m["words"])) < 0.01:
        out.append("Almost no filler words.")
    if m["length_verdict"] == "on_target":
        out.append("A good length for an interview answer (60-120 s).")
    return out[:5]


def improvements(
    a: Analysis, m: DeliveryMetrics, we_heavy: bool, dims: dict[str, dict[str, Any]]
) -> list[str]:
    items: list[tuple[float, str]] = []
    if a.declined:
        items.append(
            (
                5,
                "Pick one real occasion, even a small one, and tell it: where, what you did, how it ended.",
            )
        )
    elif a.no_example:
        items.append(
            (
                5,
                "Tell one real occasion instead of describing yourself: where you were, what you did, how it ended.",
            )
        )
    if a.other_topic and a.language == "en":
        items.append((4.8, f"Pick a story about {second_person(a.asks)}."))
    if a.language != "en":
        items.append(
            (
                5,
                "The local coach only understands English: content was not scored. "
                "Delivery metrics still apply.",
            )
        )
    story = a.story and a.language == "en" and not (a.declined or a.no_example)
    if not a.story and a.language == "en":
        rest = [c.label for c in a.question_type.criteria if not a.type_met.get(c.key)]
        if rest:
            items.append((4.2, f"Add {rest[0]}."))
        if dims["impact_results"]["score"] <= 2:
            items.append((4, "Say why: give the reason behind each step or choice."))
    if story and "result" in a.absent:
        items.append(
            (
                4.5,
                "End with how it turned out: what changed, ideally with a number "
                "(time saved, %, money, users).",
            )
        )
    elif story and a.star["result"] is None:
        items.append(
            (
                4,
                "Make the ending stand out: say what changed because of what you did, with a number.",
            )
        )
    elif story and a.star["result"] is not None and not a.result_quantified:
        items.append(
            (
                3,
                f"Put a number on the result “{short(a.star['result'].text, 10)}”: "
                "how much, how many, how fast?",
            )
        )
    if we_heavy:
        items.append(
            (
                4,
                f"Say what you did yourself: you said “we/our” {a.we_count} times and "
                f"“I/my” {a.i_count} times.",
            )
        )
    if (story or not a.story) and dims["specificity_evidence"]["score"] <= 2 and a.words >= 8:
        items.append(
            (3.5, "Add specifics: numbers, dates, the tools or systems and the people involved.")
        )
    if story and "situation" in a.absent:
        items.append(
            (2.5, "Open with one or two sentences of context: where, when, what was at stake.")
        )
    if story and a.hollow_labels:
        items.append((4, "Tell what happened under each label, not just the label."))
    if story and a.hypothetical:
        items.append((3, "Tell what you did in a real situation, not what you would do."))
    if story and a.rambling:
        items.append(
            (
                3.2,
                "Get to what you did sooner: one or two sentences of context, then your actions and the result.",
            )
        )
    if a.repetitive:
        items.append((3, "You repeated the same sentences; say each point once."))
    wpm = m["wpm"]
    if wpm is not None and wpm > 175:
        items.append((2, f"Slow down: {wpm} words per minute; aim for 120-165."))
    elif wpm is not None and 0 < wpm < 105:
        items.append((1.5, f"Pick up the pace a little: {wpm} words per minute; aim for 120-165."))
    if m["fillers"] >= 3:
        top = ", ".join(f"“{k}” \u00d7{v}" for k, v in list(m["filler_counts"].items())[:3])
        rate = f" ({m['filler_per_minute']} per minute)" if m["filler_per_minute"] else ""
        items.append((2 + min(2, m["fillers"] / 10), f"Cut filler words: {top}{rate}."))
    if m["long_pauses"] >= 3:
        items.append(
            (
                1.5,
                f"{m['long_pauses']} pauses over {LONG_PAUSE_SECONDS:g} s: pause "
                "briefly to think, then keep going.",
            )
        )
    if m["length_verdict"] == "short" and m["duration_seconds"] < 45:
        items.append((3, f"Too short ({round(m['duration_seconds'])} s): aim for 60-120 s."))
    elif m["length_verdict"] == "long" and m["duration_seconds"] > 150:
        items.append(
            (
                2.5,
                f"Too long ({round(m['duration_seconds'])} s): aim for 60-120 s; "
                "trim the situation and keep the action and result.",
            )
        )
    items.sort(key=lambda pair: -pair[0])
    return [text for _, text in items[:5]]


_COMPETENCY_RESULT_HINT = {
    "failure": "Result: what happened, what you learned, and what you do differently now.",
    "conflict": "Result: how the disagreement was resolved and how the relationship is now.",
    "leadership": "Result: what the team achieved, with a number, and what you learned "
    "about leading.",
    "teamwork": "Result: what the team delivered and what your part made possible.",
    "technical_general": "Result: the measurable effect (latency, errors, cost, time) and "
    "the trade-off you accepted.",
}


_TYPE_OUTLINE = {
    "situational": [
        "First step: what you would find out or do first, and why.",
        "Next steps: two or three concrete actions, in order, and who you would involve.",
        "Close: what you would do if that did not work, and what you would check afterwards.",
    ],
    "technical": [
        "Start: the questions you would ask first (scale, users, constraints).",
        "Middle: the parts of the solution or the steps of the method, in order.",
        "Close: one trade-off you would make and why, and what you would watch for.",
    ],
    "motivation": [
        "Start: one specific thing about this role or product that draws you.",
        "Middle: something you have done that shows you would be good at it.",
        "Close: what you want to do or learn here, and why now.",
    ],
    "opinion": [
        "Start: your view in one sentence.",
        "Middle: two reasons, and one example you saw yourself.",
        "Close: where your view stops being true.",
    ],
}


def outline(answer: AnswerInput, a: Analysis | None, we_heavy: bool) -> list[str]:
    if a is not None and not a.story:
        lines = list(_TYPE_OUTLINE.get(a.question_type.key, []))
        if answer.role:
            lines.append(f"Link it to the {clip(answer.role, 60)} role in one sentence.")
        return lines
    star = a.star if a else dict.fromkeys(("situation", "task", "action", "result"))
    lines = []
    s = star.get("situation")
    lines.append(
        f"Situation (10-15 s): keep it to “{short(s.text, 12)}” and what was at stake."
        if s
        else "Situation (10-15 s): where you were, when, and what was at stake."
    )
    t = star.get("task")
    lines.append(
        f"Task (10-15 s): your goal, stated plainly: “{short(t.text, 12)}”."
        if t
        else "Task (10-15 s): what you personally had to achieve, and by when."
    )
    act = star.get("action")
    action_line = "Action (30-50 s): two or three steps you took yourself, in order"
    if act and not we_heavy:
        action_line += f", starting from “{short(act.text, 10)}”"
    elif we_heavy:
        action_line += " (say “I”, not “we”)"
    lines.append(action_line + ", naming the tools and people involved.")
    lines.append(
        _COMPETENCY_RESULT_HINT.get(
            a.competency if a else answer.competency,
            "Result (10-20 s): the outcome with a number (time saved, %, money, users) "
            "and what changed afterwards.",
        )
    )
    if answer.role:
        lines.append(f"Close: one sentence linking this to the {clip(answer.role, 60)} role.")
    return lines


#: The follow-up that asks for the reasoning a non-behavioural answer left out.
_WHY = {
    "motivation": "What draws you to this role in particular?",
    "opinion": "Why do you think so?",
}


def follow_up(
    answer: AnswerInput, a: Analysis, dims: dict[str, dict[str, Any]], we_heavy: bool
) -> tuple[str | None, str | None]:
    if a.language != "en" or (a.repetitive and a.words > 2000):
        return None, None
    prefix = persona_prefix(answer.persona)
    if not a.story:
        if dims["impact_results"]["score"] <= 2:
            ask = _WHY.get(a.question_type.key, "Why would you do it that way?")
            return clip(prefix + ask, MAX_TEXT_CHARS), "no_specifics"
        return None, None
    if a.words < 8 or a.declined or a.no_example:
        return (
            prefix + "Could you walk me through a specific example: where were you, "
            "and what happened?",
            "no_context",
        )
    gaps: list[tuple[float, int, str]] = []
    impact = dims["impact_results"]["score"]
    if impact <= 2:
        gaps.append((5 - impact + 0.3, 0, "no_result"))
    if we_heavy:
        ratio = a.i_count / max(1, a.i_count + a.we_count)
        gaps.append((3.5 if ratio < 0.2 else 3.0, 1, "ownership"))
    specificity = dims["specificity_evidence"]["score"]
    if specificity <= 2:
        gaps.append((5 - specificity, 2, "no_specifics"))
    if "situation" in a.absent:
        gaps.append((2.5, 3, "no_context"))
    if not gaps:
        return None, None
    gaps.sort(key=lambda g: (-g[0], g[1]))
    reason = gaps[0][2]
    if reason == "no_result":
        action = a.star["action"]
        lead = f"You said “{short(action.text, 10)}”. " if action else ""
        text = lead + "How did it turn out? Can you put a number on it?"
    elif reason == "ownership":
        quote = next((s for s in a.sentences if re.search(r"\bwe\b", s.lower)), None)
        lead = f"You said “{short(quote.text, 10)}”. " if quote else ""
        text = lead + "What did you personally do?"
    elif reason == "no_specifics":
        text = "Can you be more specific: what numbers, tools or systems were involved?"
    else:
        text = "Can you set the scene first: where was this, and what was at stake?"
    return clip(prefix + text, MAX_TEXT_CHARS), reason


def summary(a: Analysis, we_heavy: bool, dims: dict[str, dict[str, Any]]) -> str:
    if a.language != "en":
        return "The local coach reads English; here are your delivery metrics."
    counted = {k: v for k, v in dims.items() if v.get("judged", True)}
    best = max(counted, key=lambda k: (counted[k]["score"], k != "delivery"))
    worst = min(counted, key=lambda k: (counted[k]["score"], k == "delivery"))
    good = {
        "structure_star": "a well-structured story" if a.story else "a well-structured answer",
        "specificity_evidence": "concrete specifics",
        "impact_results": "a measurable result" if a.story else "clear reasoning",
        "relevance": "a clear answer to the question",
        "delivery": "clean delivery",
    }[best]
    fix = {
        "structure_star": "give it a situation, task, action and result"
        if a.story
        else f"cover {second_person(a.question_type.asks)}",
        "specificity_evidence": "add numbers and names of tools or systems",
        "impact_results": "finish with how it turned out" if a.story else "say why",
        "relevance": "tie it to the question that was asked",
        "delivery": "work on pace, fillers and length",
    }[worst]
    if we_heavy and worst != "impact_results":
        fix = "say what you did yourself, not only the team"
    if dims[worst]["score"] >= 4:
        return f"Strong answer with {good}."
    if dims[best]["score"] <= 2:
        return f"A start: {fix}."
    return f"Good: {good}. Next: {fix}."
