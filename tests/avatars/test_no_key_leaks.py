"""Keys never leave the server: no page, script or browser payload contains a configured key."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from asgiref.sync import async_to_sync
from django.conf import settings as django_settings
from django.urls import URLPattern, URLResolver, get_resolver

from avatars.services import avatar_session_create, avatar_session_start

STATIC = Path(django_settings.BASE_DIR) / "static"


def _plain_urls(resolver: URLResolver | None = None, prefix: str = "") -> list[str]:
    """Every URL without parameters (the pages a browser can reach directly)."""
    resolver = resolver or get_resolver()
    urls = []
    for pattern in resolver.url_patterns:
        route = str(pattern.pattern)
        if "<" in route or "(?P" in route:
            continue
        if isinstance(pattern, URLResolver):
            urls += _plain_urls(pattern, prefix + route.lstrip("^"))
        elif isinstance(pattern, URLPattern):
            urls.append("/" + (prefix + route).lstrip("^").rstrip("$"))
    return sorted(set(urls))


@pytest.mark.django_db(transaction=True)
def test_no_page_script_or_avatar_payload_contains_a_key(
    fake_providers, settings, client_for, candidate, professor, staff, anonymous
):
    fake_providers.configure(
        settings, avatar="heygen", transcriber="deepgram", llm="openai", meetings="zoom"
    )
    secrets = [value for value in fake_providers.keys.values() if value]
    assert len(secrets) >= 5

    bodies: dict[str, str] = {}
    for user in (anonymous, candidate, professor, staff):
        client = client_for(user)
        for url in _plain_urls():
            if url.startswith("/admin") and user is not staff:
                continue
            response = client.get(url, follow=True)
            bodies[f"{url} as {user}"] = response.content.decode(errors="replace")
    assert len(bodies) > 10
    for path in STATIC.rglob("*"):
        if path.is_file() and path.suffix in (".js", ".css", ".html", ".json", ".mjs"):
            response = client_for(anonymous).get("/static/" + str(path.relative_to(STATIC)))
            assert response.status_code == 200, path
            bodies[str(path)] = b"".join(response.streaming_content).decode(errors="replace")

    # What the browser receives for a started vendor avatar.
    session = avatar_session_create(purpose="interview", subject="leakcheck")
    session = async_to_sync(avatar_session_start)(session=session)
    assert session.status == "ready"
    bodies["avatar connection"] = json.dumps(session.connection)

    leaks = [(where, key) for where, body in bodies.items() for key in secrets if key in body]
    assert leaks == []
