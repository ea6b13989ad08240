"""Text that services save: NUL characters are refused in every field, on every database.

PostgreSQL refuses NUL in text (the write fails), SQLite stores it; forms refuse it already
(Django's CharField), but services are also reached from the admin, sockets and commands.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError


def text_fields_check(**values: str) -> None:
    """Raise ValidationError naming each field whose text holds a NUL character."""
    bad = {
        name: f"{name.replace('_', ' ').capitalize()} contains a NUL character."
        for name, value in values.items()
        if "\x00" in value
    }
    if bad:
        raise ValidationError(bad)
