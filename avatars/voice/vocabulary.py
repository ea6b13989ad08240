"""What every live page shares with the server, defined here once and served to the pages
(`avatars.context_processors.voice_vocabulary` -> `#voice-vocabulary` -> static/js/voice.js):
the speech-time rule and the close codes. docs/protocol.md documents it."""

from __future__ import annotations

from typing import Any

from avatars.voice.consumer import (
    CLOSE_FORBIDDEN,
    CLOSE_GONE,
    CLOSE_NOT_FOUND,
    CLOSE_UNAUTHENTICATED,
)
from avatars.voice.speaker import (
    BROWSER_TIMEOUT_EXTRA,
    BROWSER_TIMEOUT_FACTOR,
    MIN_SPEECH_SECONDS,
    WORDS_PER_SECOND,
)


def page_vocabulary() -> dict[str, Any]:
    return {
        "speech": {
            "words_per_second": WORDS_PER_SECOND,
            "min_seconds": MIN_SPEECH_SECONDS,
            "timeout_factor": BROWSER_TIMEOUT_FACTOR,
            "timeout_extra": BROWSER_TIMEOUT_EXTRA,
        },
        "close": {
            "unauthenticated": CLOSE_UNAUTHENTICATED,
            "forbidden": CLOSE_FORBIDDEN,
            "not_found": CLOSE_NOT_FOUND,
            "gone": CLOSE_GONE,
        },
    }
