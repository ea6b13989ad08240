"""The LiveKit browser client comes from our static files at a pinned version, never a CDN."""

from __future__ import annotations

import base64
import hashlib
import re
from pathlib import Path

import pytest
from django.conf import settings as django_settings

from avatars.livekit import VENDORED_PATH, VENDORED_SRI, VENDORED_VERSION

ROOT = Path(__file__).resolve().parents[2]
VENDORED = ROOT / "static" / VENDORED_PATH


def test_vendored_client_matches_its_pinned_hash_version_and_licence() -> None:
    body = VENDORED.read_bytes()
    digest = base64.b64encode(hashlib.sha384(body).digest()).decode()
    assert f"sha384-{digest}" == VENDORED_SRI
    assert f'"{VENDORED_VERSION}"'.encode() in body  # the bundle's own version string
    assert b"LivekitClient" in body  # the UMD global avatar.js uses
    licence = (VENDORED.parent / "LICENSE").read_text()
    assert "Apache License" in licence
    assert VENDORED_VERSION in (VENDORED.parent / "README.md").read_text()


def test_no_page_script_or_setting_points_at_a_cdn() -> None:
    cdn = re.compile(r"(cdn\.jsdelivr|unpkg\.com|cdnjs|googleapis|<script[^>]+src=\"https?://)")
    sources = [
        *ROOT.glob("templates/**/*.html"),
        *ROOT.glob("*/templates/**/*.html"),
        *ROOT.glob("static/js/*.js"),
        ROOT / "config" / "settings" / "base.py",
    ]
    offenders = [str(p.relative_to(ROOT)) for p in sources if cdn.search(p.read_text())]
    assert offenders == []


@pytest.mark.django_db
def test_pages_point_the_avatar_at_the_vendored_client(client, candidate) -> None:
    client.force_login(candidate)
    html = client.get("/", follow=True).content.decode()
    meta = re.search(
        r'<meta name="livekit-client" content="([^"]+)" data-integrity="([^"]*)"', html
    )
    assert meta, "base.html tells avatar.js where the LiveKit client is"
    assert meta.group(1) == django_settings.STATIC_URL + VENDORED_PATH
    assert meta.group(2) == VENDORED_SRI
    assert client.get(meta.group(1)).status_code == 200  # served by our static files


@pytest.mark.django_db
def test_an_operator_can_point_at_another_copy(client, settings) -> None:
    settings.LIVEKIT_CLIENT_URL = "/static/mirror/livekit.js"
    settings.LIVEKIT_CLIENT_SRI = "sha384-abc"
    html = client.get("/", follow=True).content.decode()
    assert (
        '<meta name="livekit-client" content="/static/mirror/livekit.js" data-integrity="sha384-abc">'
        in html
    )
