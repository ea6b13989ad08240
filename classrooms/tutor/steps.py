"""The tutor's next step: what it does with the student's turn, decided before it says anything.

A step-based tutor in the way of ASSISTments' and Carnegie Learning's: it remembers the check
question it asked (TutorState, stored on the room), judges the reply against the key and climbs
the hint ladder; it re-explains more simply on confusion, asks the professor's question on a
misconception, says plainly when the notes do not cover a question, summarises what was covered,
acknowledges frustration, answers another language in the course's, and acts on the professor's
whispered instruction once. `plan` is pure: the same context and words give the same step.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence
from typing import Any

from classrooms.lexicon import lexicon, phrase_pattern
from classrooms.misconceptions import Misconception
from classrooms.retrieval import WORD, rank, terms
from classrooms.script import Check
from classrooms.tutor.context import Act, Step, TutorContext, TutorState
from classrooms.tutor.intents import ANSWER_BEGGING, CONFUSED, Intent, classify
from classrooms.tutor.judging import Verdict, is_attempt, judge
from classrooms.tutor.phrasing import NOT_TOPIC, pick_quote, sentences_of, topic_phrase

NAME_EVERY = 4  # the student's name in at most one reply in four
GUESS_WORDS = 6  # a short question while a check is waiting is a guess ("is it 6?")
_WH_START = phrase_pattern(lexicon().intents["asking_start"], at_start=True)
_QUESTION_WORD = phrase_pattern(lexicon().intents["wh_start"], at_start=True)
# Words of a course's main topic (in most sections or the title) say nothing about coverage.
GENERIC_SHARE = 0.5
# A question is not covered when at least half of its own subject words are nowhere in the notes.
MISSING_SHARE = 0.5
LANGUAGE_MIN_WORDS = 2
LANGUAGE_MIN_SHARE = 0.3


def _phrases(text: str, phrases: tuple[str, ...]) -> bool:
    low = text.lower().replace("\u2019", "'")
    return any(re.search(rf"(?<![\w']){re.escape(p)}", low) for p in phrases)


def whisper_directive(whisper: str) -> str:
    """What the professor's whisper asks of the next reply: move_on, slow_down, hint or ""."""
    table = lexicon().whispers
    for name in ("move_on", "slow_down", "hint"):
        if _phrases(whisper, table.get(name, ())):
            return name
    return ""


def other_language(text: str) -> str:
    """The language a turn is written in when it is clearly not English, else ""."""
    words = re.findall(r"[^\W\d_]+(?:'[^\W\d_]+)?", text.lower())
    if not words:
        return ""
    english = lexicon().stopwords
    best, best_hits = "", 0
    for language, common in lexicon().languages.items():
        hits = sum(1 for w in words if w in common and w not in english)
        if hits > best_hits:
            best, best_hits = language, hits
    share = best_hits / len(words)
    if best_hits >= LANGUAGE_MIN_WORDS and share >= LANGUAGE_MIN_SHARE:
        return best
    return ""


def frustrated(text: str) -> bool:
    return _phrases(text, lexicon().asks["frustration"])


def wants(text: str, what: str) -> bool:
    return _phrases(text, lexicon().asks[what])


def _content_terms(text: str) -> set[str]:
    return {
        t
        for w in WORD.findall(text)
        if w.lower() not in NOT_TOPIC
        for t in terms(w)
        if not t[:1].isdigit()
    }


def coverage(ctx: TutorContext, text: str) -> bool | None:
    """Whether the course covers what the student asks: None when there is nothing to cover,
    False when the question's own subject is missing from every section and script line."""
    asked = _content_terms(text)
    if not asked:
        return None
    sections = [f"{s.heading} {s.text}" for s in ctx.material]
    script_text = [" ".join((c.question, *c.hints)) for c in ctx.script.checks] + [
        " ".join((*s.simpler, *s.summary)) for s in ctx.script.sections
    ]
    vocab = set(terms(" ".join(sections + script_text)))
    per_section = [set(terms(s)) for s in sections] or [set()]
    title = set(terms(ctx.course_title))
    generic = {
        t
        for t in asked
        if t in title or sum(t in s for s in per_section) / len(per_section) > GENERIC_SHARE
    }
    specific = asked - generic
    if not specific:
        return bool(asked & vocab)
    missing = specific - vocab
    return len(missing) / len(specific) < MISSING_SHARE


def _next_check(ctx: TutorContext, state: TutorState, after: str = "") -> Check | None:
    checks = [c for c in ctx.script.checks if c.key not in state.done]
    keys = [c.key for c in ctx.script.checks]
    if after in keys:
        position = keys.index(after)
        later = [c for c in checks if keys.index(c.key) > position and c.key != after]
        if later:
            return later[0]
    return next((c for c in checks if c.key != after), None)


def _chosen_check(ctx: TutorContext, state: TutorState, text: str) -> Check | None:
    """The check question a "quiz me on ..." asks for: the first unanswered one of the section
    the words point to, else the next unanswered one."""
    quiz_words = {t for p in lexicon().asks["quiz"] for t in terms(p)}
    # the student's own words, not their stems: rank() stems them once
    words = [w for w in WORD.findall(text) if (t := terms(w)) and t[0] not in quiz_words]
    asked = {terms(w)[0] for w in words}
    open_checks = [c for c in ctx.script.checks if c.key not in state.done]
    headings = {t for c in open_checks for t in terms(c.heading)}
    # "quiz me on photosynthesis" in the course Photosynthesis names no section in particular
    general = asked <= set(terms(ctx.course_title)) and not asked & headings
    query = "" if general else " ".join(words)
    if query:
        sections = [
            (s.heading, s.text)
            for s in ctx.material
            if any(c.heading == s.heading for c in open_checks)
        ]
        for passage in rank(query, sections, k=len(sections) or 1):
            found = next((c for c in open_checks if c.heading == passage.heading), None)
            if found is not None:
                return found
    return _next_check(ctx, state, state.check) or (open_checks[0] if open_checks else None)


def _simpler(ctx: TutorContext, heading: str, passages: tuple[str, ...]) -> str:
    """The professor's "Simpler:" for the section, else its first sentence (notes define first,
    then qualify); one the tutor has not just said."""
    section = ctx.script.section(heading) if heading else None
    options = list(section.simpler) if section else []
    prose = [s.text for s in ctx.material if s.heading == heading] or list(passages)
    options += [s for p in prose[:1] for s in sentences_of(p)]
    recent = " ".join(ctx.recent_tutor_lines)
    fresh = [o for o in options if o.rstrip(".") not in recent]
    return (fresh or options or [""])[0]


def _hint(check: Check, index: int) -> str:
    if not check.hints:
        return ""
    return check.hints[min(index, len(check.hints) - 1)]


def plan(
    ctx: TutorContext,
    text: str,
    *,
    misconception: Misconception | None,
    passage_headings: tuple[str, ...] = (),
    passages: tuple[str, ...] = (),
) -> Step:
    state = ctx.state
    check = ctx.script.check(state.check)
    replies = state.replies + 1
    use_name = replies - state.named_at >= NAME_EVERY
    new = dataclasses.replace(
        state, replies=replies, named_at=replies if use_name else state.named_at
    )
    home = passage_headings[0] if passage_headings else ""
    topics = tuple(s.heading for s in ctx.script.sections if s.heading) or tuple(
        dict.fromkeys(s.heading for s in ctx.material if s.heading)
    )

    def step(act: str, covers: Sequence[str] = (), **values: Any) -> Step:
        nonlocal new
        covered = [h for h in covers if h]
        if covered:
            new = dataclasses.replace(new, covered=tuple(dict.fromkeys((*new.covered, *covered))))
        return Step(
            act=act,
            state=new,
            use_name=use_name,
            topics=topics,
            **values,
        )

    def ask(next_check: Check | None, **values: Any) -> dict[str, Any]:
        nonlocal new
        if next_check is not None:
            new = dataclasses.replace(
                new,
                check=next_check.key,
                hints=0,
                asked=tuple(dict.fromkeys((*new.asked, next_check.key))),
            )
        else:
            new = dataclasses.replace(new, check="", hints=0)
        return {"next_check": next_check, **values}

    def give_hint(act: str, on: Check, **values: Any) -> Step:
        nonlocal new
        if new.hints > len(on.hints) and on.reveal:  # the professor lets it say the answer now
            following = _next_check(ctx, new, on.key)
            return step(Act.REVEAL, check=on, covers=[on.heading], **ask(following))
        if new.hints >= len(on.hints):
            new = dataclasses.replace(new, hints=len(on.hints) + 1)  # the worked step is given
            return step(
                Act.WORKED,
                check=on,
                hint=_hint(on, len(on.hints) - 1),
                simpler=_simpler(ctx, on.heading, passages),
                covers=[on.heading],
            )
        hint = _hint(on, new.hints)
        new = dataclasses.replace(new, hints=new.hints + 1, hints_total=new.hints_total + 1)
        return step(act, check=on, hint=hint, covers=[on.heading], **values)

    def quote() -> str:
        return pick_quote(passages, text, ctx.recent_tutor_lines)

    intent = classify(text)
    directive = ""
    if ctx.whisper and ctx.whisper != state.whisper_done:
        directive = whisper_directive(ctx.whisper)
        if directive:
            new = dataclasses.replace(new, whisper_done=ctx.whisper)
    if directive == "move_on":
        following = _next_check(ctx, new, state.check)
        return step(Act.ASK, **ask(following), covers=[following.heading if following else ""])
    if directive == "slow_down":
        heading = check.heading if check else home
        return step(
            Act.SIMPLER, check=check, simpler=_simpler(ctx, heading, passages), covers=[heading]
        )
    if directive == "hint" and check is not None:
        return give_hint(Act.HINT, check)
    if intent is Intent.EMPTY and not (check and is_attempt(check, text, ctx.script.synonyms)):
        return step(Act.EMPTY, check=check)
    language = other_language(text)
    if language:
        return step(Act.LANGUAGE, check=check, language=language)
    if frustrated(text):
        if check is not None and new.hints < len(check.hints):
            hint = _hint(check, new.hints)
            new = dataclasses.replace(new, hints=new.hints + 1, hints_total=new.hints_total + 1)
            return step(Act.FRUSTRATION, check=check, hint=hint, then=Act.HINT)
        heading = check.heading if check else home
        return step(
            Act.FRUSTRATION,
            check=check,
            simpler=_simpler(ctx, heading, passages),
            then=Act.SIMPLER,
        )
    if intent is Intent.GREETING:
        return step(Act.GREET, check=check)
    if intent is Intent.FAREWELL:
        return step(Act.FAREWELL)
    if intent is Intent.THANKS:
        return step(Act.THANKS, check=check)
    if wants(text, "summary"):
        covered = new.covered
        lines: list[str] = []
        for heading in covered:
            section = ctx.script.section(heading)
            if section and section.summary:
                lines.extend(section.summary[:1])
            else:
                prose = next((s.text for s in ctx.material if s.heading == heading), "")
                lines.extend(sentences_of(prose)[:1])
        return step(Act.SUMMARY, check=check, summary=tuple(lines))
    if misconception is not None:
        return step(Act.MISCONCEPTION, check=check, quote=quote(), covers=[misconception.heading])
    if ctx.script.checks and wants(text, "quiz") and not _QUESTION_WORD.search(text):
        chosen = _chosen_check(ctx, new, text)
        return step(Act.ASK, **ask(chosen), covers=[chosen.heading if chosen else ""])
    if wants(text, "hint") or ANSWER_BEGGING.search(text):
        if check is not None:
            return give_hint(Act.HINT, check)
        return step(Act.HINT, quote=quote(), covers=[home])
    if CONFUSED.search(text) or intent is Intent.CONFUSED:
        heading = check.heading if check else home
        return step(
            Act.SIMPLER, check=check, simpler=_simpler(ctx, heading, passages), covers=[heading]
        )
    if ctx.whisper and not directive and ctx.whisper != state.whisper_done:
        # "sampling bias": the professor wants the tutor to bring that idea in now
        material_text = " ".join(f"{s.heading} {s.text}" for s in ctx.material)
        focus = topic_phrase(ctx.whisper, material_text)
        best = rank(ctx.whisper, [(s.heading, s.text) for s in ctx.material], k=1)
        if focus and (best or not ctx.material):
            new = dataclasses.replace(new, whisper_done=ctx.whisper)
            return step(
                Act.EXPLAIN,
                check=check,
                focus=focus,
                quote=pick_quote((best[0].text,), ctx.whisper, ctx.recent_tutor_lines)
                if best
                else "",
                covers=[best[0].heading if best else ""],
            )
    if check is not None:
        section_text = next((s.text for s in ctx.material if s.heading == check.heading), "")
        judgement = judge(check, text, synonyms=ctx.script.synonyms, section_text=section_text)
        question_like = intent is Intent.QUESTION and _WH_START.search(text) is not None
        attempt = judgement.verdict is not Verdict.WRONG or (
            not question_like
            and (
                is_attempt(check, text, ctx.script.synonyms)
                or len(text.split()) <= GUESS_WORDS
                or intent is Intent.STATEMENT
            )
        )
        if attempt:
            if judgement.verdict is Verdict.RIGHT:
                new = dataclasses.replace(
                    new, done=tuple(dict.fromkeys((*new.done, check.key))), right=new.right + 1
                )
                following = _next_check(ctx, new, check.key)
                return step(
                    Act.RIGHT,
                    check=check,
                    credited=judgement.credited,
                    covers=[check.heading],
                    **ask(following),
                )
            if judgement.verdict is Verdict.PARTLY:
                if judgement.unit_missing and not judgement.missing[1:]:
                    return step(
                        Act.PARTLY,
                        check=check,
                        credited=judgement.credited,
                        unit_missing=True,
                        covers=[check.heading],
                    )
                hint = _hint(check, new.hints)
                if new.hints < len(check.hints):
                    new = dataclasses.replace(
                        new, hints=new.hints + 1, hints_total=new.hints_total + 1
                    )
                return step(
                    Act.PARTLY,
                    check=check,
                    credited=judgement.credited,
                    hint=hint,
                    covers=[check.heading],
                )
            return give_hint(Act.WRONG, check)
    on_topic = coverage(ctx, text)
    if intent is Intent.QUESTION or _WH_START.search(text):
        if on_topic is False or not passages:
            return step(Act.NOT_COVERED, check=check)
        return step(Act.EXPLAIN, check=check, quote=quote(), covers=[home])
    if on_topic and passages:
        return step(Act.EXPLAIN, check=check, quote=quote(), covers=[home])
    return step(Act.ACK, check=check)
