"""Production mode sends the security headers a browser relies on."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = """
import json, django
django.setup()
from django.test import Client
from django.test.utils import setup_test_environment
setup_test_environment()
c = Client()
plain = c.get("/healthz")
secure = c.get("/accounts/login/", secure=True, headers={"host": "mockingbird.example.com"})
print(json.dumps({
  "plain_status": plain.status_code, "plain_location": plain.get("Location", ""),
  "headers": dict(secure.headers), "cookies": {k: dict(v) for k, v in secure.cookies.items()},
}))
"""


def test_production_security_headers() -> None:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DJANGO_SETTINGS_MODULE", "DATABASE_URL", "REDIS_URL"}
    }
    env.update(
        DJANGO_ENV="production",
        DJANGO_SETTINGS_MODULE="config.settings.production",
        SECRET_KEY="prod-like-secret-" + "x9" * 30,
        ALLOWED_HOSTS="mockingbird.example.com,testserver",
        DJANGO_READ_DOT_ENV_FILE="false",
    )
    out = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    result = json.loads(out.stdout.strip().splitlines()[-1])
    # Plain HTTP is redirected to HTTPS.
    assert result["plain_status"] == 301
    assert result["plain_location"].startswith("https://")
    headers = {k.lower(): v for k, v in result["headers"].items()}
    assert "max-age=31536000" in headers["strict-transport-security"]
    assert "includeSubDomains" in headers["strict-transport-security"]
    assert headers["x-frame-options"] == "DENY"
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "same-origin"
    assert headers["cross-origin-opener-policy"] == "same-origin"
    assert "microphone=(self)" in headers["permissions-policy"]
    csrf = result["cookies"]["csrftoken"]
    assert csrf["secure"] is True
    assert csrf["samesite"] == "Lax"
