"""Settings switch on the environment: PostgreSQL, Redis, production mode, provider checks."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CLEAN_ENV = {
    k: v
    for k, v in os.environ.items()
    if k not in {"DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE", "DJANGO_ENV"}
    and not k.endswith("_API_KEY")
    and not k.endswith("_PROVIDER")
}
CLEAN_ENV["DJANGO_READ_DOT_ENV_FILE"] = "false"


def settings_in_subprocess(env: dict[str, str], *names: str) -> dict[str, object]:
    code = (
        "import json, django; from django.conf import settings; django.setup();"
        f"print(json.dumps({{n: getattr(settings, n) for n in {list(names)!r}}}, default=str))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        env={**CLEAN_ENV, **env},
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_embedded_defaults_need_nothing() -> None:
    values = settings_in_subprocess(
        {"DJANGO_SETTINGS_MODULE": "config.settings.local"},
        "DATABASES",
        "CHANNEL_LAYERS",
        "AVATAR_PROVIDER",
        "TRANSCRIBER",
        "LLM_PROVIDER",
        "EMAIL_BACKEND",
    )
    assert values["DATABASES"]["default"]["ENGINE"] == "django.db.backends.sqlite3"
    assert values["DATABASES"]["default"]["NAME"].endswith("var/mockingbird.sqlite3")
    assert values["CHANNEL_LAYERS"]["default"]["BACKEND"] == "channels.layers.InMemoryChannelLayer"
    assert (values["AVATAR_PROVIDER"], values["TRANSCRIBER"], values["LLM_PROVIDER"]) == (
        "local",
        "local",
        "local",
    )
    assert values["EMAIL_BACKEND"] == "django.core.mail.backends.console.EmailBackend"


def test_database_and_redis_urls_switch_backends() -> None:
    values = settings_in_subprocess(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings.local",
            "DATABASE_URL": "postgres://u@127.0.0.1:5432/mb",
            "REDIS_URL": "redis://127.0.0.1:6379/3",
        },
        "DATABASES",
        "CHANNEL_LAYERS",
        "CACHES",
    )
    assert values["DATABASES"]["default"]["ENGINE"] == "django.db.backends.postgresql"
    assert values["DATABASES"]["default"]["NAME"] == "mb"
    layer = values["CHANNEL_LAYERS"]["default"]
    assert layer["BACKEND"] == "channels_redis.core.RedisChannelLayer"
    assert layer["CONFIG"]["hosts"][0]["address"] == "redis://127.0.0.1:6379/3"
    assert values["CACHES"]["default"]["BACKEND"].endswith("RedisCache")


def run_manage(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        env={**CLEAN_ENV, **env},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_production_requires_secret_key_and_hosts() -> None:
    result = run_manage({"DJANGO_ENV": "production", "ALLOWED_HOSTS": "example.com"}, "check")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr
    result = run_manage({"DJANGO_ENV": "production", "SECRET_KEY": "x" * 60}, "check")
    assert result.returncode != 0
    assert "ALLOWED_HOSTS must be set" in result.stderr


def test_check_deploy_is_clean_in_production() -> None:
    result = run_manage(
        {
            "DJANGO_ENV": "production",
            "SECRET_KEY": "a-long-random-production-secret-" + "k3y" * 20,
            "ALLOWED_HOSTS": "mockingbird.example.com",
        },
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"AVATAR_PROVIDER": "heygen"}, "AVATAR_PROVIDER=heygen is selected but HEYGEN_API_KEY"),
        ({"TRANSCRIBER": "deepgram"}, "TRANSCRIBER=deepgram is selected but DEEPGRAM_API_KEY"),
        ({"LLM_PROVIDER": "openai"}, "LLM_PROVIDER=openai is selected but OPENAI_API_KEY"),
        ({"AVATAR_PROVIDER": "dalle"}, "AVATAR_PROVIDER='dalle' is not a known provider"),
    ],
)
def test_selected_real_provider_without_key_fails_at_startup(
    env: dict[str, str], message: str
) -> None:
    result = run_manage({"DJANGO_SETTINGS_MODULE": "config.settings.local", **env}, "check")
    assert result.returncode != 0
    assert message in result.stderr
