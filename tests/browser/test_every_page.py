"""Every page, as the persona who opens it, at a phone's width (390 px) and a desktop's (1280 px):
no sideways scrolling, no console error, and no serious or critical axe-core violation.

axe-core is vendored at a pinned version under tests/browser/vendor/axe-core (MPL-2.0).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from tests.html_text import keys_in
from tests.security.conftest import World, build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
WIDTHS = (390, 1280)


def _pages(world: World) -> dict[str, list[str]]:
    session, course = world.session.public_id, world.course.public_id
    done, live = world.interview_done.public_id, world.interview_live.public_id
    extra = world.extra  # type: ignore[attr-defined]
    return {
        "anonymous": [
            "/",
            "/about/",
            "/accounts/login/",
            "/accounts/signup/",
            "/accounts/password_reset/",
            "/join/",
            "/no/such/page/",
            f"/rooms/{world.room1.join_token}/",
            f"/rooms/{extra['prepared_room']}/",
            f"/interviews/shared/{world.share_active}/",
        ],
        "candidate_owner": [
            "/interviews/",
            "/interviews/new/",
            "/interviews/settings/",
            f"/interviews/{live}/",
            f"/interviews/{done}/report/",
            "/interviews/stories/",
            f"/interviews/stories/{world.story.public_id}/",
            "/accounts/password_change/",
            "/classrooms/",  # the product's 403 page
        ],
        "professor_owner": [
            "/classrooms/",
            "/classrooms/profile/",
            "/classrooms/courses/new/",
            f"/classrooms/courses/{course}/",
            f"/classrooms/courses/{course}/edit/",
            f"/classrooms/sessions/{session}/",
            f"/classrooms/sessions/{session}/links/",
            f"/classrooms/sessions/{session}/report/",
            f"/classrooms/sessions/{extra['ended']}/",
            f"/classrooms/sessions/{extra['ended']}/report/",
            f"/classrooms/sessions/{extra['prepared']}/",
        ],
        "staff": [
            "/admin/",
            "/avatars/health/",
            "/admin/avatars/avatarsession/",
            "/admin/classrooms/breakoutroom/",
        ],
    }


OVERFLOW = """() => {
  const width = document.documentElement.clientWidth;
  const wide = [];
  for (const el of document.querySelectorAll("body *")) {
    const box = el.getBoundingClientRect();
    if (!box.width || box.right <= width + 1) continue;
    if ([...el.children].some(c => c.getBoundingClientRect().right > width + 1)) continue;
    let clipped = false;
    for (let p = el.parentElement; p; p = p.parentElement) {
      if (["auto", "scroll", "hidden"].includes(getComputedStyle(p).overflowX)) { clipped = true; break; }
    }
    if (!clipped) wide.push(`${el.tagName.toLowerCase()}.${el.className} (${Math.round(box.right)} px)`);
  }
  return {scroll: document.documentElement.scrollWidth, width, wide: wide.slice(0, 5)};
}"""

# The smallest chart text as drawn (its font size times the SVG's scale on screen), in px.
CHART_TEXT = """() => {
  let smallest = null;
  for (const text of document.querySelectorAll("svg.chart-svg text")) {
    const size = parseFloat(text.getAttribute("font-size") || getComputedStyle(text).fontSize);
    const drawn = size * text.ownerSVGElement.getScreenCTM().a;
    if (text.getBoundingClientRect().width && (smallest === null || drawn < smallest)) smallest = drawn;
  }
  return smallest;
}"""
MIN_CHART_TEXT_PX = 10

AXE_RUN = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations
    .filter(v => v.impact === "serious" || v.impact === "critical")
    .map(v => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map(n => n.target.join(" ")).join(" | ")}`);
}"""


def _login(context: Any, live_server_url: str, user: Any) -> None:
    client = Client()
    client.force_login(user)
    host = live_server_url.split("//", 1)[1].split(":")[0]
    context.add_cookies(
        [
            {
                "name": "sessionid",
                "value": client.cookies["sessionid"].value,
                "domain": host,
                "path": "/",
            }
        ]
    )


@pytest.fixture
def world(transactional_db: Any) -> World:
    """Built before Chromium starts (Playwright's event loop forbids sync database work), with
    an ended session and a prepared one beside the world's live session."""
    from asgiref.sync import async_to_sync

    from classrooms import services

    world = build_world()
    students = list(world.course.students.values_list("pk", flat=True))
    ended = services.class_session_create(
        professor=world.professor, course=world.course, student_ids=students, title="Ended class"
    )
    async_to_sync(services.class_session_end)(session=ended)
    prepared = services.class_session_prepare(
        professor=world.professor, course=world.course, student_ids=students, title="Later class"
    )
    world.extra = {  # type: ignore[attr-defined]
        "ended": ended.public_id,
        "prepared": prepared.public_id,
        "prepared_room": prepared.rooms.order_by("position").first().join_token,
    }
    return world


@pytest.fixture
def chromium(_playwright_browser: Any) -> Any:
    return _playwright_browser


@pytest.mark.parametrize(
    "persona", ["anonymous", "candidate_owner", "professor_owner", "staff"], ids=str
)
def test_every_page_fits_phones_and_desktops_without_errors_or_serious_axe_violations(
    world: World, live_server_url: str, chromium: Any, persona: str
) -> None:
    axe = AXE.read_text()
    problems: list[str] = []
    context = chromium.new_context(
        permissions=["microphone"], viewport={"width": WIDTHS[0], "height": 860}
    )
    context.set_default_timeout(15_000)
    try:
        if persona != "anonymous":
            _login(context, live_server_url, world.user(persona))
        page = context.new_page()
        errors: list[str] = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.on(
            "response",
            lambda r: (
                errors.append(f"{r.status} {r.url}")
                if r.status >= 400 and r.request.resource_type != "document"
                else None
            ),
        )
        for path in _pages(world)[persona]:
            for width in WIDTHS:
                page.set_viewport_size({"width": width, "height": 860})
                errors.clear()
                page.goto(live_server_url + path, wait_until="load")
                page.wait_for_load_state("networkidle")
                where = f"{persona} {path} at {width} px"
                fit = page.evaluate(OVERFLOW)
                if fit["scroll"] > fit["width"]:
                    problems.append(f"{where}: {fit['scroll']} px wide: {fit['wide']}")
                user = world.user(persona)
                text = page.evaluate("document.body.innerText")
                if user is not None:
                    text = text.replace(user.get_username(), "")
                for key in sorted(set(keys_in(text.splitlines()))):
                    problems.append(f"{where}: a key where words belong: {key!r}")
                if (
                    page.locator(".preview-box").count()
                    and page.locator(".preview-box").is_visible()
                ):
                    problems.append(f"{where}: an empty preview box shows before Preview")
                smallest = page.evaluate(CHART_TEXT)
                if smallest is not None and smallest < MIN_CHART_TEXT_PX:
                    problems.append(f"{where}: chart text drawn at {smallest:.1f} px")
                page.add_script_tag(content=axe)
                for violation in page.evaluate(AXE_RUN):
                    problems.append(f"{where}: axe {violation}")
                problems.extend(
                    f"{where}: console: {e}"
                    for e in errors
                    # The product's own error pages answer 403/404 on purpose.
                    if not e.startswith(
                        "Failed to load resource: the server responded with a status of 40"
                    )
                )
    finally:
        context.close()
    assert problems == [], "\n".join(problems)
