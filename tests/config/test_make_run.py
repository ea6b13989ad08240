"""What `make run` gives a newcomer: debug mode off unless asked, links at the real port."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

ROOT = Path(__file__).resolve().parents[2]


def _debug_under(**env: str) -> str:
    clean = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "DJANGO_DEBUG")}
    clean.update(
        DJANGO_SETTINGS_MODULE="config.settings.local",
        DJANGO_READ_DOT_ENV_FILE="false",
        DJANGO_ENV="development",
        **env,
    )
    code = "from django.conf import settings; print(settings.DEBUG)"
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip()


def test_development_serves_with_debug_off_unless_asked() -> None:
    assert _debug_under() == "False"
    assert _debug_under(DJANGO_DEBUG="1") == "True"


@pytest.mark.django_db
def test_seed_demo_prints_links_at_the_port_it_is_served_on() -> None:
    out = io.StringIO()
    call_command("seed_demo", "--port", "9123", "--host", "0.0.0.0", stdout=out)
    text = out.getvalue()
    assert "http://127.0.0.1:9123/accounts/login/" in text
    assert ":8000" not in text
