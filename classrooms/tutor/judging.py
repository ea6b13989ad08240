"""Judging a student's answer to a check question against its key (or, without one, the notes).

A key is one or more parts (classrooms.script.AnswerPart): phrasings or a number with a unit.
Phrasings match by word stems in any order, with synonyms folded (the course's own and the
general ones), and not when denied ("not water"). A number matches the last number the student
said, written or spoken, within the key's tolerance; without the key's unit it is partly right.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from classrooms.lexicon import Folding, lexicon
from classrooms.misconceptions import concepts, course_folding
from classrooms.retrieval import stem
from classrooms.script import AnswerPart, Check

_WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)?")
# A number that is not part of a unit or formula ("m/s^2", "CO2", "s2").
_NUMBER = re.compile(r"(?<![A-Za-z^\d.,])-?\d+(?:[.,]\d+)?(?![.,]?\d)(?![A-Za-z]*\d)")
NEGATION_WINDOW = 2
NO_KEY_RIGHT_SHARE = 0.5
NO_KEY_RIGHT_TERMS = 3


class Verdict(StrEnum):
    RIGHT = "right"
    PARTLY = "partly"
    WRONG = "wrong"


@dataclass(frozen=True)
class Judgement:
    verdict: Verdict
    credited: tuple[str, ...] = ()  # what the student got right, in the key's words
    missing: tuple[AnswerPart, ...] = ()
    unit_missing: bool = False  # the number is right, its unit is missing or another one


def _tokens(text: str, folding: Folding, *, fillers: bool = False) -> list[str]:
    out = []
    for word in _WORD.findall(folding.text(text)):
        if not fillers and word in lexicon().answer_fillers:
            continue
        term = stem(word)
        out.append(folding.word(word, term) or term)
    return out


def _phrase_found(tokens: list[str], said: list[str], phrase: list[str]) -> bool:
    """Every word of the phrase said (any order), its first one not right after a negation
    (`said` is every word, fillers included: "not carbon dioxide, it's oxygen")."""
    if not phrase or not set(phrase) <= set(tokens):
        return False
    negations = {stem(n) for n in lexicon().negations}
    for index, token in enumerate(said):
        if token in phrase:
            before = said[max(0, index - NEGATION_WINDOW) : index]
            return not any(b in negations for b in before)
    return False


def spoken_numbers(text: str) -> list[float]:
    """Numbers in the order said: digits ("6", "0.5") and words ("five")."""
    words = lexicon().numbers
    found: list[tuple[int, float]] = [
        (m.start(), float(m.group().replace(",", "."))) for m in _NUMBER.finditer(text)
    ]
    for match in _WORD.finditer(text.lower()):
        if match.group() in words:
            found.append((match.start(), words[match.group()]))
    return [value for _, value in sorted(found)]


def _unit_aliases(unit: str) -> tuple[str, ...]:
    units = lexicon().units
    if unit in units:
        return units[unit]
    low = unit.lower()
    for aliases in units.values():
        if low in aliases:
            return aliases
    return (low,) if low else ()


def _says(text: str, alias: str) -> bool:
    return re.search(rf"(?<![\w]){re.escape(alias)}(?![\w])", text) is not None


def _number_part(part: AnswerPart, text: str) -> tuple[bool, bool]:
    """(the number is right, its unit is right or not needed)."""
    numbers = spoken_numbers(text)
    if not numbers or part.number is None:
        return False, False
    if abs(numbers[-1] - part.number) > part.tolerance + 1e-9:
        return False, False
    if not part.unit:
        return True, True
    low = text.lower().replace("\u2019", "'")
    return True, any(_says(low, alias) for alias in _unit_aliases(part.unit))


def judge(
    check: Check,
    text: str,
    *,
    synonyms: tuple[tuple[str, ...], ...] = (),
    section_text: str = "",
) -> Judgement:
    """How right `text` is as an answer to `check`."""
    folding = course_folding(synonyms)
    if not check.parts:
        return _judge_by_material(text, section_text, folding)
    tokens = _tokens(text, folding)
    said = _tokens(text, folding, fillers=True)
    credited: list[str] = []
    missing: list[AnswerPart] = []
    unit_missing = False
    for part in check.parts:
        if part.number is not None:
            number_right, unit_right = _number_part(part, text)
            if number_right and unit_right:
                credited.append(part.text)
            elif number_right:
                credited.append(f"{part.number:g}")
                unit_missing = True
                missing.append(part)
            else:
                missing.append(part)
            continue
        found = next(
            (p for p in part.phrasings if _phrase_found(tokens, said, _tokens(p, folding))), None
        )
        if found is not None:
            credited.append(found)
        else:
            missing.append(part)
    if not missing:
        verdict = Verdict.RIGHT
    elif credited:
        verdict = Verdict.PARTLY
    else:
        verdict = Verdict.WRONG
    return Judgement(
        verdict=verdict,
        credited=tuple(credited),
        missing=tuple(missing),
        unit_missing=unit_missing,
    )


def _judge_by_material(text: str, section_text: str, folding: Folding) -> Judgement:
    """Without a key: right when the answer says mostly what the section says."""
    said = concepts(text, folding)
    notes = concepts(section_text, folding)
    if not said or not notes:
        return Judgement(verdict=Verdict.WRONG)
    shared = said & notes
    if len(shared) >= NO_KEY_RIGHT_TERMS and len(shared) / len(said) >= NO_KEY_RIGHT_SHARE:
        return Judgement(verdict=Verdict.RIGHT)
    if shared:
        return Judgement(verdict=Verdict.PARTLY)
    return Judgement(verdict=Verdict.WRONG)


def is_attempt(check: Check, text: str, synonyms: tuple[tuple[str, ...], ...] = ()) -> bool:
    """Whether the words touch the key at all (a number, or a word of any phrasing)."""
    if any(p.number is not None for p in check.parts) and spoken_numbers(text):
        return True
    folding = course_folding(synonyms)
    tokens = set(_tokens(text, folding))
    return any(set(_tokens(p, folding)) & tokens for part in check.parts for p in part.phrasings)
