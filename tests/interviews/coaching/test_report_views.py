"""The session report, its share link, the story bank and progress: what users see, and who may
see it."""

from __future__ import annotations

import csv
import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from interviews.coaching import AnswerInput, local_feedback
from interviews.models import ReportShare, Story, StoryUse
from tests.interviews.coaching.helpers import make_finished_interview

pytestmark = pytest.mark.django_db

PLAN = [
    ("technical_general", ["tech-middling", "tech-strong"]),  # retry improves
    ("conflict", ["conflict-weak"]),
    ("leadership", ["lead-strong"]),
]


@pytest.fixture
def interview(candidate):
    return make_finished_interview(candidate, PLAN)


def report_url(interview) -> str:
    return reverse("interviews:report", args=[interview.public_id])


def test_report_shows_overall_deltas_plan_stories_and_charts(client_for, candidate, interview):
    html = client_for(candidate).get(report_url(interview)).content.decode()
    assert "Overall score" in html
    # Before/after on the retried question (tech-middling, then tech-strong).
    assert "Attempts at this question" in html
    assert re.search(r'class="delta-up">\+\d(\.\d)?<', html)
    # Human labels, never the competency's key; the built-in coach says what it is.
    assert "Technical (general)" in html
    assert "technical_general" not in html.split("<main", 1)[1].split("competencies=")[0]
    assert "Quick check by the built-in coach, without an AI model." in html
    # What the built-in coach did not judge shows no score.
    assert '<strong class="dimension-label">Relevance</strong>: <strong>not judged</strong>' in html
    # Practice plan aims at the weakest competency (conflict) with a prefilled practise link.
    plan = html[html.index('id="plan-heading"') :]
    assert plan.index("Conflict") < plan.index("</section>")
    assert "competencies=conflict" in html
    # Top STAR stories broken into parts, with quotes from the answers.
    assert "Top STAR stories" in html
    assert "<dt>Situation</dt>" in html
    assert "Save to story bank" in html
    # Delivery charts as accessible SVG with a data table.
    assert html.count('role="img"') >= 3
    assert "Words per minute per answer" in html
    assert "Data table" in html
    assert "Print / Save as PDF" in html


def test_practise_again_link_prefills_the_new_interview_form(client_for, candidate, interview):
    html = client_for(candidate).get(report_url(interview)).content.decode()
    link = re.search(r'href="(/interviews/new/\?[^"]*competencies=conflict[^"]*)"', html)
    assert link
    form = client_for(candidate).get(link.group(1).replace("&amp;", "&")).content.decode()
    assert re.search(r'value="conflict"[^>]*checked', form)
    assert 'value="Backend engineer"' in form


def test_report_is_owner_only(client_for, other_candidate, interview):
    assert client_for(other_candidate).get(report_url(interview)).status_code == 404
    response = client_for(None).get(report_url(interview))
    assert response.status_code == 302
    assert "/login" in response["Location"] or "login" in response["Location"]


def test_report_query_count_does_not_grow_with_attempts(client_for, candidate):
    small = make_finished_interview(candidate, [("conflict", ["conflict-weak"])])
    large = make_finished_interview(
        candidate,
        [
            ("conflict", ["conflict-weak", "conflict-middling", "conflict-strong"]),
            ("failure", ["failure-weak", "failure-middling", "failure-strong"]),
            ("teamwork", ["team-weak", "team-middling", "team-strong"]),
            ("leadership", ["lead-weak", "lead-strong"]),
        ],
    )
    client = client_for(candidate)
    client.get(report_url(small))  # warm up session/auth caches
    counts = []
    for item in (small, large):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(report_url(item)).status_code == 200
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1]


# --- Share links ------------------------------------------------------------------------------


def test_share_link_lifecycle(client_for, candidate, other_candidate, interview):
    owner = client_for(candidate)
    # Another user cannot create a link for it.
    share_url = reverse("interviews:share_create", args=[interview.public_id])
    assert client_for(other_candidate).post(share_url).status_code == 404
    assert not ReportShare.objects.exists()

    owner.post(share_url)
    owner.post(share_url)  # idempotent: still one active link
    share = ReportShare.objects.get()
    assert len(share.token) >= 40
    html = owner.get(report_url(interview)).content.decode()
    assert share.token in html

    shared_url = reverse("interviews:shared", args=[share.token])
    for visitor in (client_for(None), client_for(other_candidate)):
        response = visitor.get(shared_url)
        assert response.status_code == 200
        page = response.content.decode()
        assert "Top STAR stories" in page
        assert candidate.username not in page
        assert (candidate.email or "@@") not in page
        assert "Save to story bank" not in page
        assert "Revoke" not in page

    # Revoked: the link is dead for everyone.
    owner.post(reverse("interviews:share_revoke", args=[interview.public_id]))
    assert client_for(None).get(shared_url).status_code == 404
    # A new link is a new token.
    owner.post(share_url)
    assert ReportShare.objects.filter(revoked_at__isnull=True).get().token != share.token


def test_other_user_cannot_revoke(client_for, candidate, other_candidate, interview):
    client_for(candidate).post(reverse("interviews:share_create", args=[interview.public_id]))
    revoke = reverse("interviews:share_revoke", args=[interview.public_id])
    assert client_for(other_candidate).post(revoke).status_code == 404
    assert ReportShare.objects.filter(revoked_at__isnull=True).count() == 1


def test_unknown_share_token_is_404(client_for):
    assert client_for(None).get(reverse("interviews:shared", args=["x" * 43])).status_code == 404


# --- Story bank -------------------------------------------------------------------------------


def best_attempt(interview, order: int):
    return interview.questions.get(order=order).attempts.get(is_best=True)


def test_save_story_from_report_then_edit_and_delete(client_for, candidate, interview):
    client = client_for(candidate)
    attempt = best_attempt(interview, 3)
    response = client.post(
        reverse("interviews:story_save"),
        {"attempt": str(attempt.public_id), "next": report_url(interview)},
    )
    assert response.status_code == 302
    story = Story.objects.get()
    assert story.owner == candidate
    assert story.competency == "leadership"
    assert story.situation.startswith("Last year at a logistics startup")
    assert "35%" in story.result
    assert "In your" in client.get(report_url(interview)).content.decode()

    page = client.get(reverse("interviews:stories")).content.decode()
    assert story.title in page
    assert "Used in 1 session" in page

    edit = reverse("interviews:story_edit", args=[story.public_id])
    assert client.get(edit).status_code == 200
    client.post(
        edit,
        {
            "title": "Warehouse rescue",
            "competency": "leadership",
            "situation": "s",
            "task": "t",
            "action": "a",
            "result": "r",
            "notes": "",
        },
    )
    story.refresh_from_db()
    assert story.title == "Warehouse rescue"

    client.post(reverse("interviews:story_delete", args=[story.public_id]))
    assert not Story.objects.exists()


def test_story_bank_is_private(client_for, candidate, other_candidate, interview):
    attempt = best_attempt(interview, 3)
    # Another user cannot save someone else's answer...
    response = client_for(other_candidate).post(
        reverse("interviews:story_save"), {"attempt": str(attempt.public_id)}
    )
    assert response.status_code == 404
    client_for(candidate).post(
        reverse("interviews:story_save"), {"attempt": str(attempt.public_id)}
    )
    story = Story.objects.get()
    other = client_for(other_candidate)
    # ...nor see, edit or delete the owner's stories.
    assert story.title not in other.get(reverse("interviews:stories")).content.decode()
    assert other.get(reverse("interviews:story_edit", args=[story.public_id])).status_code == 404
    assert other.post(reverse("interviews:story_delete", args=[story.public_id])).status_code == 404
    assert Story.objects.exists()
    anonymous = client_for(None)
    assert anonymous.get(reverse("interviews:stories")).status_code == 302
    assert anonymous.post(reverse("interviews:story_save"), {}).status_code == 302


def test_a_story_retold_in_three_sessions_is_flagged_over_used(client_for, candidate):
    client = client_for(candidate)
    for days_ago in (3, 2, 1):
        interview = make_finished_interview(
            candidate, [("leadership", ["lead-strong"])], days_ago=days_ago
        )
        client.post(
            reverse("interviews:story_save"),
            {"attempt": str(best_attempt(interview, 1).public_id)},
        )
    assert Story.objects.count() == 1  # the same story, not three copies
    assert StoryUse.objects.count() == 3
    page = client.get(reverse("interviews:stories")).content.decode()
    assert "Used in 3 sessions" in page
    assert "Over-used" in page


# --- Progress on the dashboard ----------------------------------------------------------------


def test_dashboard_shows_progress_across_sessions(client_for, candidate):
    client = client_for(candidate)
    html = client.get(reverse("interviews:dashboard")).content.decode()
    assert "Your progress" in html
    assert "No data yet" in html

    make_finished_interview(candidate, [("conflict", ["conflict-weak"])], days_ago=10)
    make_finished_interview(candidate, [("conflict", ["conflict-middling"])], days_ago=5)
    make_finished_interview(candidate, [("conflict", ["conflict-strong"])], days_ago=1)
    html = client.get(reverse("interviews:dashboard")).content.decode()
    assert "Best answers of your last 3 sessions" in html
    assert "Scores across sessions" in html
    assert re.search(r"Overall: from 1\.\d to 4\.\d", html)


def test_progress_query_count_is_constant(client_for, candidate):
    client = client_for(candidate)
    make_finished_interview(candidate, [("conflict", ["conflict-weak"])])
    client.get(reverse("interviews:dashboard"))
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("interviews:dashboard"))
    for days_ago in range(1, 6):
        make_finished_interview(
            candidate, [("conflict", ["conflict-weak", "conflict-strong"])], days_ago=days_ago
        )
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("interviews:dashboard"))
    assert len(many.captured_queries) == len(one.captured_queries)


def test_session_summary_shows_advice_as_written_not_templated(client_for, candidate):
    """Advice grouped across questions keeps its real numbers (no 'N s' placeholders)."""
    from interviews.models import Attempt

    interview = make_finished_interview(candidate, [("conflict", ["conflict-weak"])])
    attempt = Attempt.objects.get(question__interview=interview)
    attempt.feedback["improvements"] = ["Too short (35 s): aim for 60-120 s."]
    attempt.save(update_fields=["feedback"])
    html = client_for(candidate).get(report_url(interview)).content.decode()
    summary = html[: html.index("Questions and attempts")]
    assert "Too short (35 s): aim for 60-120 s." in summary
    assert not re.search(r"\bN s\b|\bN-N\b", summary)


# --- Human labels for the coaching dimensions -------------------------------------------------

LABELS = (
    "Structure (STAR)",
    "Specifics and evidence",
    "Impact and results",
    "Relevance",
    "Delivery",
)
INTERNAL_KEYS = ("structure_star", "specificity_evidence", "impact_results")


def visible_text(html: str) -> str:
    return re.sub(r"<[^>]+>", " ", html)


def assert_human_labels(html: str) -> None:
    labels = re.findall(r'class="dimension-label">([^<]+)<', html)
    assert labels[:5] == [label.replace("&", "&amp;") for label in LABELS]  # schema order
    text = visible_text(html)
    for key in INTERNAL_KEYS:
        assert key not in html
        assert key.replace("_", " ") not in text.lower()


def test_report_and_share_page_label_every_dimension(client_for, candidate, interview):
    assert_human_labels(client_for(candidate).get(report_url(interview)).content.decode())
    share = ReportShare.objects.create(interview=interview)
    shared = client_for(None).get(reverse("interviews:shared", args=[share.token]))
    assert_human_labels(shared.content.decode())


def test_feedback_stored_before_labels_is_labelled_in_schema_order(client_for, candidate):
    interview = make_finished_interview(candidate, [("technical_general", ["tech-strong"])])
    attempt = interview.questions.get().attempts.get()
    old = {k: v for k, v in attempt.feedback.items() if k not in ("repairs", "capped_from")}
    # As PostgreSQL's jsonb hands keys back (by length), and without labels.
    names = sorted(old["dimensions"], key=lambda name: (len(name), name))
    old["dimensions"] = {
        name: {k: v for k, v in old["dimensions"][name].items() if k != "label"} for name in names
    }
    type(attempt).objects.filter(pk=attempt.pk).update(feedback=old)
    assert_human_labels(client_for(candidate).get(report_url(interview)).content.decode())


def test_admin_shows_labelled_scores_and_exports_them_to_csv(admin_client, candidate, interview):
    attempt = interview.questions.order_by("order").first().attempts.order_by("number").first()
    page = admin_client.get(reverse("admin:interviews_attempt_change", args=[attempt.pk]))
    html = page.content.decode()
    assert "Feedback scores" in html
    for label in LABELS:
        assert f"<li>{label.replace('&', '&amp;')}: " in html
    assert "Built-in coach (quick check, no AI model)" in html
    interview_page = admin_client.get(
        reverse("admin:interviews_mockinterview_change", args=[interview.pk])
    ).content.decode()
    assert "Technical (general)" in interview_page

    response = admin_client.post(
        reverse("admin:interviews_attempt_changelist"),
        {"action": "export_feedback", "_selected_action": [attempt.pk]},
    )
    assert response["Content-Type"].startswith("text/csv")
    header, *rows = csv.reader(io.StringIO(response.content.decode()))
    assert header[7:13] == ["Overall", *LABELS]
    assert len(rows) == 1
    assert rows[0][7] == f"{attempt.overall:.1f}"
    assert rows[0][-1] == attempt.transcript
    # Human labels, never internal keys.
    assert header[:7] == [
        "Interview",
        "Question",
        "Competency",
        "Attempt",
        "Kind",
        "Status",
        "Coach",
    ]
    assert rows[0][2] == "Technical (general)"
    assert rows[0][6] == "Built-in coach (quick check, no AI model)"
    assert "technical_general" not in response.content.decode()


def test_the_about_the_coach_page_serves_the_readme_local_model_section(client) -> None:
    html = client.get(reverse("interviews:coach_help")).content.decode()
    assert "About the coach" in html
    assert "## Local model server" in html
    assert "ollama pull" in html
    assert "No AI model is configured here" in html


def test_the_job_description_field_says_it_tailors_questions_only_with_a_model(
    client_for, candidate
) -> None:
    html = client_for(candidate).get(reverse("interviews:new")).content.decode()
    assert "Questions are tailored to it only when an AI model is configured" in html


def test_a_capped_answer_says_so_and_what_it_missed_on_the_report(client_for, candidate):
    interview = make_finished_interview(candidate, [("failure", ["tech-strong"])])
    attempt = interview.questions.get().attempts.get()
    off_topic = local_feedback(
        AnswerInput(
            question="Tell me about a time you failed. What did you learn?",
            transcript=(
                "Last year I led the launch of our new checkout. I planned the work with two "
                "engineers, I wrote the payment integration myself and we shipped two weeks "
                "early. Conversion went up twelve percent and the CEO thanked the whole team."
            ),
            competency="failure",
        )
    )
    assert off_topic["capped_from"] is not None
    type(attempt).objects.filter(pk=attempt.pk).update(
        feedback=off_topic, overall=off_topic["overall"]
    )
    html = client_for(candidate).get(report_url(interview)).content.decode()
    assert f"(from {off_topic['capped_from']:.1f}): this story seems to answer a different" in html
    assert "Your story seems to be about a time you led people" in html
    # A story that answers another question is never offered as one of the best.
    assert "Top STAR stories" not in html


def test_only_well_scored_answers_are_offered_as_top_stories(client_for, candidate):
    strong = make_finished_interview(candidate, [("leadership", ["lead-strong"])])
    assert "Top STAR stories" in client_for(candidate).get(report_url(strong)).content.decode()
    middling = make_finished_interview(candidate, [("leadership", ["lead-middling"])])
    html = client_for(candidate).get(report_url(middling)).content.decode()
    assert "Top STAR stories" not in html
