"""Help text shown in the app that lives in the project's README (one source)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from django.conf import settings

LOCAL_MODEL_SECTION = "## Local model server"


@cache
def readme_section(heading: str = LOCAL_MODEL_SECTION) -> str | None:
    """The README section that starts with `heading`, up to the next `## ` heading; None when
    the README is not there (an installed wheel without the source checkout)."""
    path = Path(settings.BASE_DIR) / "README.md"
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        return None
    start = text.find(heading)
    if start < 0:
        return None
    end = text.find("\n## ", start + len(heading))
    return text[start : end if end >= 0 else len(text)].strip()
