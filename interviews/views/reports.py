"""The report page's coaching context and the shared (read-only) report."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from interviews import selectors
from interviews.charts import bar_chart
from interviews.models import MockInterview

# --- Report -----------------------------------------------------------------------------------


def report_context(
    request: HttpRequest, interview: MockInterview, *, shared: bool = False
) -> dict[str, Any]:
    """What the report template needs beyond the interview itself (used by the owner's report
    and by the read-only shared page)."""
    report = selectors.session_report(interview)
    context: dict[str, Any] = {
        "coaching": report,
        "shared": shared,
        "charts": {
            "wpm": bar_chart(
                report.delivery_labels,
                report.wpm,
                title="Words per minute per answer",
                series_name="Words per minute",
                band=(120, 165),
            ),
            "fillers": bar_chart(
                report.delivery_labels,
                report.fillers_per_minute,
                title="Filler words per minute per answer",
                series_name="Fillers per minute",
                band=(0, 4),
            ),
            "pauses": bar_chart(
                report.delivery_labels,
                report.long_pauses,
                title="Pauses longer than 2.5 s per answer",
                series_name="Long pauses",
                band=(0, 2),
            ),
        },
    }
    if not shared:
        share = selectors.active_share(interview=interview)
        context["share"] = share
        context["share_url"] = (
            request.build_absolute_uri(reverse("interviews:shared", args=[share.token]))
            if share
            else ""
        )
        context["saved_attempt_ids"] = selectors.saved_story_attempt_ids(interview=interview)
    return context


def shared_report(request: HttpRequest, token: str) -> HttpResponse:
    """Read-only report for whoever holds the link: no account data, no controls."""
    interview = selectors.interview_for_share(token=token)
    context = {"interview": interview, **report_context(request, interview, shared=True)}
    response = render(request, "interviews/report.html", context)
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"
    return response
