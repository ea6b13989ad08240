"""Misconceptions written into course material: the convention, matching, the demo course."""

from __future__ import annotations

import re

import pytest
from django.core.management import call_command

from classrooms.misconceptions import (
    incomplete_misconceptions,
    match_misconception,
    material_misconceptions_message,
    misconception_key,
    parse_misconceptions,
    strip_misconceptions,
)
from classrooms.models import Course, CourseMaterial, MaterialChunk
from classrooms.retrieval import chunk_text
from classrooms.selectors.tutor import course_material

NOTES = """# Confidence intervals
The 95% describes the method, not one interval.

- **Misconception:** A 95% confidence interval has a 95% probability of containing the
  true mean.
- **Ask:** If a hundred classmates each built a 95% interval, what would the 95% describe?

## Sample size
Misconception: A larger population needs a larger sample for the same precision.
Ask: Does a bigger pot of soup need a bigger spoon to taste it, if it is well stirred?
Sounds like: a bigger population needs a bigger sample; the sample must be 10% of the population

Misconception: A statement with no guiding question is ignored.
"""
CI_KEY = "a-95-confidence-interval-has-a-95-probability-of-containing-the"


def _items():  # type: ignore[no-untyped-def]
    return parse_misconceptions(NOTES)


def test_the_convention_is_parsed_under_any_heading_with_wrapped_and_bold_lines() -> None:
    items = _items()
    assert [(m.key, m.heading) for m in items] == [
        (CI_KEY, "Confidence intervals"),
        ("a-larger-population-needs-a-larger-sample-for-the-same-precision", "Sample size"),
    ]
    ci, population = items
    assert ci.statement == (
        "A 95% confidence interval has a 95% probability of containing the true mean."
    )
    assert (
        ci.ask == "If a hundred classmates each built a 95% interval, what would the 95% describe?"
    )
    assert population.phrasings == (
        "a bigger population needs a bigger sample",
        "the sample must be 10% of the population",
    )
    # the key is a stable slug: the same statement always gives the same key, within 64 chars
    assert misconception_key(ci.statement) == CI_KEY
    assert len(CI_KEY) <= 64
    assert len(misconception_key("x" * 80)) == 64
    assert misconception_key("?!") == "misconception"
    assert misconception_key("Die Stichprobe muss größer sein") == "die-stichprobe-muss-größer-sein"


def test_incomplete_blocks_are_reported_for_the_upload_message() -> None:
    text = NOTES + "\nMisconception: Split by a blank line.\n\nAsk: Is this asked?\n"
    assert incomplete_misconceptions(text) == [
        "A statement with no guiding question is ignored.",
        "Split by a blank line.",
    ]
    info, warning = material_misconceptions_message(text)
    assert info == "The tutor will watch for 2 misconceptions."
    assert warning.startswith("2 misconceptions have no “Ask:” line and are ignored:")
    assert "“Split by a blank line.”" in warning
    assert material_misconceptions_message("# Notes\nNo blocks.") == ("", "")


def test_blocks_are_never_quoted_and_never_split_by_chunking() -> None:
    stripped = strip_misconceptions(NOTES)
    assert "Misconception" not in stripped
    assert "Ask:" not in stripped
    assert "The 95% describes the method" in stripped
    long_prose = "A sentence about sampling that goes on. " * 40
    chunks = chunk_text(f"# Notes\n{long_prose}\nMisconception: Means are medians.\nAsk: Are they?")
    blocks = [t for _, t in chunks if "Misconception:" in t]
    assert len(blocks) == 1
    assert "Ask: Are they?" in blocks[0]
    # an "Ask:" line of the professor's own prose is kept (it is not in a block)
    prose = "Ask: yourself what the sample is.\nThen compute its mean."
    assert strip_misconceptions(prose) == prose
    assert parse_misconceptions(prose) == []


@pytest.mark.parametrize(
    "said",
    [
        "So is it the probability that the true mean is in the interval?",
        "Isn't it the probability that the true mean is in the interval?",
        "There's a 95% chance the real mean lies inside my interval, right?",
        "so the interval is 95% likely to contain the mean",
        "I thought it meant there is a 95% probability the true mean is inside it.",
    ],
)
def test_paraphrases_of_the_interval_misreading_match(said: str) -> None:
    match = match_misconception(said, _items())
    assert match is not None
    assert match.key == CI_KEY


@pytest.mark.parametrize(
    "said",
    [
        "What does the 95% mean in a confidence interval?",
        "I don't understand what a confidence interval actually means.",
        "So it is not the probability that the true mean is in the interval?",
        "How do I compute the standard error?",
        "What's your favourite pizza?",
        "hello",
        "",
    ],
)
def test_unrelated_or_correct_statements_do_not_match(said: str) -> None:
    assert match_misconception(said, _items()) is None


def test_extra_wordings_from_sounds_like_match() -> None:
    match = match_misconception(
        "Do we need a bigger sample when the population is bigger?", _items()
    )
    assert match is not None
    assert match.heading == "Sample size"
    assert match_misconception("How big should my sample be?", _items()) is None


def test_opposite_wording_does_not_match() -> None:
    items = parse_misconceptions(
        "Misconception: The standard error and the standard deviation are the same.\n"
        "Ask: Which one describes one person, and which one describes the average?\n"
        "Misconception: A wider interval is less confident.\n"
        "Ask: Which interval would you bet contains the mean?"
    )
    assert match_misconception("is the standard error the same as the standard deviation?", items)
    assert not match_misconception(
        "the standard error is smaller than the standard deviation", items
    )
    assert match_misconception("so a wider interval is less confident?", items)
    assert not match_misconception("so a wider interval is more confident?", items)


@pytest.mark.django_db
def test_demo_course_ships_misconceptions_and_seed_demo_updates_old_material() -> None:
    call_command("seed_demo", verbosity=0)
    course = Course.objects.get(title__startswith="STAT")
    material = CourseMaterial.objects.get(course=course)
    # An older demo database: the material predates the misconceptions.
    material.text = "# Old notes\nNothing here."
    material.save(update_fields=["text"])
    MaterialChunk.objects.filter(material=material).update(text="Nothing here.")

    call_command("seed_demo", verbosity=0)
    call_command("seed_demo", verbosity=0)  # still idempotent
    material = CourseMaterial.objects.get(course=course)
    assert "Misconception:" in material.text
    sections, misconceptions, script = course_material(course_id=course.pk)
    assert len(script.checks) >= 5  # the statistics course ships a full teaching script
    assert not any("Answer:" in s.text for s in sections)
    assert len(misconceptions) >= 3
    assert CI_KEY in {m.key for m in misconceptions}
    assert not any("Misconception:" in s.text for s in sections)
    said = "So is it the probability that the true mean is in the interval?"
    match = match_misconception(said, misconceptions)
    assert match is not None
    assert match.key == CI_KEY
    assert match.ask.endswith("?")


@pytest.mark.django_db
def test_the_course_page_documents_the_convention(client_for, professor, course) -> None:  # type: ignore[no-untyped-def]
    from django.urls import reverse

    response = client_for(professor).get(reverse("classrooms:course", args=[course.public_id]))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="misconception-help"' in html
    for label in ("Misconception:", "Ask:", "Sounds like:"):
        assert label in html
    # the example on the page is itself parsed the way the tutor will parse it
    example = re.sub(r"<[^>]+>", "", html.split('id="misconception-help"')[1].split("</pre>")[0])
    (item,) = parse_misconceptions(example)
    assert item.ask.endswith("what would the 95% describe?")
    assert match_misconception("is there a 95% chance the true mean is in my interval?", [item])


@pytest.mark.django_db
def test_uploading_material_says_which_misconceptions_the_tutor_watches_for(  # type: ignore[no-untyped-def]
    client_for, professor, course
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    upload = SimpleUploadedFile("week4.md", NOTES.encode(), content_type="text/markdown")
    response = client_for(professor).post(
        reverse("classrooms:material_upload", args=[course.public_id]),
        {"file": upload, "title": "Week 4"},
        follow=True,
    )
    assert response.status_code == 200
    shown = [(m.level_tag, str(m)) for m in response.context["messages"]]
    assert shown[0][0] == "success"
    assert "The tutor will watch for 2 misconceptions." in shown[0][1]
    assert shown[1][0] == "warning"
    assert "“A statement with no guiding question is ignored.”" in shown[1][1]
    assert "no “Ask:” line" in response.content.decode()
