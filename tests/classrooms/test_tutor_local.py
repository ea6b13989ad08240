"""The local tutor over a whole varied conversation: grammatical, on point, never repeating.

More than a hundred student utterances (questions, confusions, greetings, off-topic chatter,
pleas for the answer, the demo course's misconceptions, short and long) are answered in one
running conversation over the demo course's material, and every reply is checked for what a
student would notice: broken phrases, empty slots, odd quotes, a repeated line or passage.
"""

from __future__ import annotations

import itertools
import re
import string
from pathlib import Path

import pytest

from classrooms.misconceptions import parse_misconceptions, strip_misconceptions
from classrooms.retrieval import chunk_text
from classrooms.script import parse_script, strip_script
from classrooms.tutor import MaterialSection, TutorContext
from classrooms.tutor.grounding import with_grounding
from classrooms.tutor.local import LocalTutor

DEMO = Path(__file__).resolve().parents[2] / "config" / "demo" / "stat101-week3.md"

QUESTIONS = [
    "What is a confidence interval?",
    "What is the standard error?",
    "How is the standard error different from the standard deviation?",
    "Why does the sample size matter so much?",
    "What does the central limit theorem say?",
    "Why is the normal distribution everywhere in inference?",
    "How do I build a 95% confidence interval for the mean?",
    "What is a sampling distribution?",
    "Why do we divide by the square root of n?",
    "What happens to the standard error if I quadruple the sample size?",
    "What is the difference between a population and a sample?",
    "What is selection bias?",
    "Why does random sampling protect us?",
    "Is n of 30 always enough for the central limit theorem?",
    "What does 1.96 have to do with anything?",
    "How wide is a 95% interval compared to a 99% one?",
    "what's a parameter",
    "Can a sample mean be used to estimate the population mean?",
    "Where does the centre of the sampling distribution sit?",
    "How would I explain the standard error to my roommate?",
]
CONFUSIONS = [
    "I don't understand what a confidence interval actually means.",
    "I'm confused about the central limit theorem.",
    "I'm lost with the sampling distribution stuff.",
    "The standard error makes no sense to me.",
    "I don't get why the square root shows up.",
    "I'm stuck on the difference between a statistic and a parameter.",
    "Not sure I follow the part about repeated sampling.",
    "I have no idea what selection bias is.",
    "confused",
    "This whole thing about intervals is confusing me.",
    "I don't understand.",
    "I'm so lost right now honestly.",
]
GREETINGS = [
    "Hi!",
    "hello",
    "Hey there",
    "Good morning!",
    "hi tutor, how are you?",
    "Hello, I'm Ada.",
    "yo",
    "Hey, what's up?",
]
CHATTER = [
    "thanks",
    "Thank you so much!",
    "ok",
    "got it",
    "cool",
    "that makes sense",
    "bye",
    "see you later",
    "I have to go now, bye!",
]
OFF_TOPIC = [
    "What's your favourite pizza?",
    "Did you watch the football match last night?",
    "Can you recommend a good movie?",
    "What's the weather like where you are?",
    "I love my cat.",
    "Who is going to win the election?",
    "Do you like music?",
    "How do I cook rice?",
    "My laptop battery is dying.",
    "Tell me a joke.",
]
ANSWER_BEGGING = [
    "Just tell me the answer.",
    "Can you just give me the answer to question 3?",
    "What's the answer?",
    "Please just tell me the answer about the standard error.",
    "Solve it for me.",
    "Just give me the solution for the confidence interval question.",
    "Do my homework please",
    "what is the answer to the central limit theorem question",
]
MISCONCEPTIONS = [
    ("So is it the probability that the true mean is in the interval?", "95%"),
    ("Isn't there a 95% chance the true mean is inside my interval?", "95%"),
    ("I thought a 95% interval has a 95% probability of containing the true mean.", "95%"),
    ("Do we need a bigger sample if the population is bigger?", "soup"),
    ("My population is huge, so I need a huge sample, right?", "soup"),
    ("Is the standard error the same as the standard deviation?", "heights"),
    ("So with a big sample the data become normal?", "histogram"),
    ("So a wider interval is less confident?", "narrow interval or a wide one"),
]
STATEMENTS = [
    "The sample mean estimates the population mean.",
    "I think the standard error gets smaller with more data.",
    "A sample has to represent the population.",
    "The sampling distribution is centred on the population mean.",
    "The normal distribution shows up because of the central limit theorem.",
    "Random sampling avoids selection bias.",
    "The 95% is about the method.",
    "Quadrupling the sample halves the standard error.",
    "Means of samples form their own distribution.",
    "I averaged my friends' heights to estimate everyone's height.",
    "I guess the interval is the sample mean plus or minus some standard errors.",
    "the standard deviation is about individuals",
]
SHORT = ["?", "...", "um", "the mean", "intervals", "why", "n", "error?", "ok so", "hmm"]
LONG = [
    "So yesterday in the lab we took a bunch of samples of ten students each and computed the "
    "mean height for every group, and the means were much closer together than the individual "
    "heights, and I wonder whether that is what the sampling distribution is about.",
    "I was reading the notes again and I noticed that the standard error is the population "
    "standard deviation divided by the square root of the sample size, but I really do not see "
    "why it is a square root and not just the sample size itself, can you help me see it?",
    "My roommate says that with a big enough sample everything becomes normal, and I told her "
    "that it is only the means that become normal, but now I am not sure which of us is right.",
    "Honestly I have a quiz tomorrow and I am a bit nervous, could we go over confidence "
    "intervals once more from the beginning and slowly?",
    "When the professor said the 95% describes the method, did she mean that if we repeated the "
    "whole thing many times most intervals would catch the true mean?",
]
UTTERANCES = [
    *QUESTIONS,
    *CONFUSIONS,
    *GREETINGS,
    *CHATTER,
    *OFF_TOPIC,
    *ANSWER_BEGGING,
    *(said for said, _ in MISCONCEPTIONS),
    *STATEMENTS,
    *SHORT,
    *LONG,
]
# Words that must never stand where the reply names the topic.
BARE_VERBS = {
    "understand", "mean", "means", "get", "know", "think", "explain", "make", "is", "are", "do",
    "does", "did", "see", "follow", "tell", "help", "go", "confused", "lost", "actually", "really",
}  # fmt: skip
PRONOUNS = {"i", "me", "you", "it", "we", "they", "he", "she", "them", "us", "my", "your"}
TOPIC_SLOTS = [
    r"find (.+?) tricky",
    r"finding (.+?) hard",
    r"untangle (.+?) together",
    r"question about (.+?)\.",
    r"think about (.+?) together",
    r"idea about (.+?)\.",
    r"thinking about (.+?)\.",
    r"suggest about (.+?)\?",
    r"know about (.+?)(?: from class)?\?",
    r"hear about (.+?)\?",
    r"connect that to (.+?)\.",
]


def _demo_context() -> TutorContext:
    chunks = chunk_text(DEMO.read_text())
    return TutorContext(
        professor_name="Professor Rivera",
        teaching_style="Warm and Socratic.",
        course_title="STAT 101: Reasoning with Data",
        course_description="Introductory statistics.",
        students=(("Ada Lovelace", "Strong in maths"),),
        material=tuple(
            MaterialSection(i, h, strip_script(strip_misconceptions(t)))
            for i, (h, t) in enumerate(chunks)
            if strip_script(strip_misconceptions(t))
        ),
        misconceptions=tuple(m for h, t in chunks for m in parse_misconceptions(t, h)),
        script=parse_script(DEMO.read_text()),
    )


def _conversation(
    utterances: list[str], base: TutorContext | None = None
) -> list[tuple[str, list[str]]]:
    """Every utterance answered in turn, the history growing as in a room (tail of 12 lines)."""
    import dataclasses

    base = base or _demo_context()
    history: list[tuple[str, str]] = [("tutor", "Hi Ada! What would you like to work on?")]
    replies = []
    state = base.state
    for said in utterances:
        history.append(("student", said))
        ctx = dataclasses.replace(base, history=tuple(history[-12:]), state=state)
        ctx = with_grounding(ctx, said)
        sentences = LocalTutor().compose(ctx, said)
        if ctx.grounding.step is not None:  # the tutor's memory, as the room stores it
            state = ctx.grounding.step.state
        history.extend(("tutor", s) for s in sentences)
        replies.append((said, sentences))
    return replies


def _problems(sentences: list[str]) -> list[str]:
    text = " ".join(sentences)
    problems = []
    if not sentences or any(not s.strip() for s in sentences):
        problems.append("an empty sentence")
    for s in sentences:
        if not re.match(r'^["A-Z]', s):
            problems.append(f"does not start with a capital: {s!r}")
        if not re.search(r'[.?!]"?$', s):
            problems.append(f"does not end a sentence: {s!r}")
    if match := re.search(r"\b(\w+)\s+\1\b", text, re.IGNORECASE):
        problems.append(f"doubled word {match.group(0)!r}")
    if re.search(r"\b(understand|means?|get|know|think)\s+\w+\s+trips\b", text):
        problems.append("a verb as the topic of 'trips'")
    for broken in (
        "{",
        "}",
        "  ",
        " ,",
        " .",
        " ?",
        '""',
        '"."',
        "..",
    ):
        if broken in text.replace("...", ""):
            problems.append(f"broken slot {broken!r}")
    if text.count('"') % 2:
        problems.append("unbalanced quotes")
    for pattern in TOPIC_SLOTS:
        for topic in re.findall(pattern, text):
            words = topic.lower().split()
            if words and words[0] in ("the", "a", "an"):
                words = words[1:]
            if not words or words[0] in BARE_VERBS | PRONOUNS:
                problems.append(f"a bare verb or pronoun as the topic: {topic!r}")
    if not sentences[-1].endswith("?") and "see you next time!" not in sentences[-1].lower():
        problems.append("the reply does not end with its one question")
    return problems


def _quotes(sentences: list[str]) -> set[str]:
    return set(re.findall(r'"([^"]+)"', " ".join(sentences)))


def test_over_a_hundred_varied_utterances_get_grammatical_replies_that_never_repeat() -> None:
    assert len(UTTERANCES) >= 100
    replies = _conversation(UTTERANCES)
    failures = [(said, p) for said, sentences in replies for p in _problems(sentences)]
    assert failures == []
    for (_, before), (said, after) in itertools.pairwise(replies):
        assert " ".join(after) != " ".join(before), f"exact repeat after {said!r}"
        repeated_quotes = _quotes(after) & _quotes(before)
        assert not repeated_quotes, f"passage repeated in a row after {said!r}"


def test_a_group_room_without_material_still_gets_clean_replies() -> None:
    bare = TutorContext(
        professor_name="Professor Rivera",
        teaching_style="",
        course_title="Biology 200",
        course_description="",
        students=(("Ben Okafor", ""), ("Chen Wei", "")),
    )
    replies = _conversation(UTTERANCES, bare)
    assert [(said, p) for said, sentences in replies for p in _problems(sentences)] == []
    for (_, before), (said, after) in itertools.pairwise(replies):
        assert after != before, f"exact repeat after {said!r}"
    # everyone is addressed, at most one reply in four (the greeting named them first)
    assert "Ben and Chen" in " ".join(sentence for _, said in replies[:4] for sentence in said)


def test_the_same_question_twice_in_a_row_gets_a_different_passage_and_wording() -> None:
    replies = _conversation(["What is the standard error?"] * 4)
    for (_, before), (_, after) in itertools.pairwise(replies):
        assert not set(after) & set(before)


def test_the_same_misconception_twice_gets_a_hint_then_the_question_again() -> None:
    said = "So is it the probability that the true mean is in the interval?"
    first, second = _conversation([said, said])
    assert "hundred classmates" in first[1][-1]
    assert "hint from the notes" in second[1][1] or "clue" in second[1][1]
    assert "95%" in second[1][1]  # from the confidence interval section
    assert second[1][-1] == first[1][-1]  # the professor's question, asked again
    assert not set(first[1][:-1]) & set(second[1][:-1])


@pytest.mark.parametrize(("said", "clue"), MISCONCEPTIONS)
def test_a_misconception_gets_the_professors_guiding_question(said: str, clue: str) -> None:
    ctx = _demo_context()
    ctx = with_grounding(ctx, said)
    sentences = LocalTutor().compose(ctx, said)
    assert ctx.grounding.misconception is not None
    assert sentences[-1] == ctx.grounding.misconception.ask
    assert clue in sentences[-1]
    assert not any("Misconception" in s for s in sentences)


def test_the_issue_examples_read_well() -> None:
    confused, misconception = _conversation(
        [
            "I don't understand what a confidence interval actually means.",
            "So is it the probability that the true mean is in the interval?",
        ]
    )
    text = " ".join(confused[1])
    assert "understand confidence" not in text
    # the professor's simpler explanation of the confidence interval section
    assert "simpler" in confused[1][0]
    assert "95 of every 100 samples" in text
    assert misconception[1][-1].startswith("If a hundred classmates each took a sample")
    assert "Does that agree with what you said" not in " ".join(misconception[1])


@pytest.mark.parametrize("said", ANSWER_BEGGING)
def test_pleas_for_the_answer_get_a_socratic_nudge(said: str) -> None:
    sentences = LocalTutor().compose(with_grounding(_demo_context(), said), said)
    assert "won't just hand you the answer" in sentences[0]
    assert sentences[-1].endswith("?")


@pytest.mark.parametrize("said", GREETINGS + OFF_TOPIC)
def test_greetings_and_chatter_are_steered_back_to_the_course(said: str) -> None:
    ctx = with_grounding(_demo_context(), said)
    text = " ".join(LocalTutor().compose(ctx, said))
    assert re.search(r"STAT 101|today's class|today's material|populations and samples", text)
    assert '"' not in text  # nothing quoted from the notes for small talk


def test_noise_and_tricky_characters_never_break_a_reply() -> None:
    import random

    from classrooms.tutor import system_prompt

    rng = random.Random(13)
    alphabet = string.printable + "éß漢字🙂\u200b\x00{}%\"'“”"
    samples = ["{topic}", "{0}", "%s", '"""', "\x00", "a" * 5000, "🙂" * 50, "the the the"]
    samples += ["Misconception: x\nAsk: y?", '"the mean"', 'what is the "standard error"?']
    samples += [
        "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 120))) for _ in range(300)
    ]
    base = _demo_context()
    for said in samples:
        ctx = with_grounding(base, said)
        sentences = LocalTutor().compose(ctx, said)
        assert _problems(sentences) == [], repr(said)
        assert "Misconception:" not in system_prompt(ctx).split("Course material passages")[1]


def test_the_student_is_named_at_most_one_reply_in_four() -> None:
    replies = _conversation(UTTERANCES)
    named = [i for i, (_, sentences) in enumerate(replies) if "Ada" in " ".join(sentences)]
    assert named  # now and then
    assert all(later - earlier >= 4 for earlier, later in itertools.pairwise(named))
