"""The live pages' shared vocabulary (speech-time rule, close codes), for `base.html`."""

from __future__ import annotations

from django.http import HttpRequest

from avatars.voice.vocabulary import page_vocabulary


def voice_vocabulary(request: HttpRequest) -> dict[str, object]:
    return {"voice_vocabulary": page_vocabulary()}
