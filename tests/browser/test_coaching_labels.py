"""The coaching dimensions carry human labels on the interview page (rendered from the socket's
feedback) and on the report: never internal keys like "structure star: 5" (local coach, typed
answer)."""

from __future__ import annotations

from typing import Any

import pytest

from tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LABELS = [
    "Structure (STAR)",
    "Specifics and evidence",
    "Impact and results",
    "Relevance",
    "Delivery",
]
ANSWER = (
    "At my last job our nightly import kept timing out and the sales team started each day "
    "with stale numbers. I was asked to fix it within the sprint. I profiled the job, found it "
    "loaded every customer row twice, and I rewrote the query with a single join and an index. "
    "As a result the import went from three hours to twenty minutes and the morning reports "
    "were on time every day after that."
)


def dimension_labels(page: Any, scope: str) -> list[str]:
    return [text.strip() for text in page.locator(f"{scope} .dimension-label").all_inner_texts()]


def test_interview_page_and_report_show_human_labels(live_server_url: str, page) -> None:
    factories.make_user("dora")
    page.goto(live_server_url + "/accounts/login/")
    page.get_by_label("Username").fill("dora")
    page.get_by_label("Password").fill(factories.PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/")
    page.goto(
        live_server_url
        + "/interviews/new/?target_role=Backend+engineer&question_count=1"
        + "&competencies=technical_general"
    )
    page.get_by_role("button", name="Create interview").click()
    page.wait_for_url("**/interviews/*/")

    page.locator("#start").wait_for(state="visible")
    page.wait_for_function("!document.getElementById('start').disabled", timeout=20_000)
    page.locator("#start").click()
    page.locator("#answer-panel").wait_for(state="visible")
    page.locator("#typed-answer").fill(ANSWER)
    page.locator("#finish").click()
    page.locator("#feedback-body .dimension-label").first.wait_for(timeout=30_000)

    assert dimension_labels(page, "#feedback-body") == LABELS
    feedback = page.locator("#feedback-body").inner_text().lower()
    for key in ("structure star", "specificity evidence", "impact results", "structure_star"):
        assert key not in feedback

    if page.locator("#skip-followup").is_visible():
        page.locator("#skip-followup").click()
    page.locator("#next").wait_for(state="visible")
    page.locator("#next").click()  # "Finish interview" on the only question
    page.wait_for_url("**/report/", timeout=20_000)

    assert dimension_labels(page, ".report-question") == LABELS
    summary = page.locator(".report-summary .figure-label").all_inner_texts()
    assert [label for label in summary if label in LABELS] == LABELS
    report = page.locator("main").inner_text().lower()
    assert "structure star" not in report
    assert "specificity evidence" not in report
