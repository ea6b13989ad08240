"""Where the browser loads the LiveKit client from: our own static copy unless settings say otherwise.

The vendor avatars (HeyGen Streaming, LiveAvatar) stream video over LiveKit, so their pages need
the LiveKit browser client. It is vendored from the npm package at a pinned version into
`static/vendor/livekit-client/` (licence and update steps beside it) and served by WhiteNoise like
every other static file: no CDN. `LIVEKIT_CLIENT_URL` may point elsewhere (with its own
`LIVEKIT_CLIENT_SRI`); the pinned copy's integrity hash below is checked by a test.
"""

from __future__ import annotations

from django.conf import settings
from django.templatetags.static import static

VENDORED_VERSION = "2.23.0"
VENDORED_PATH = "vendor/livekit-client/livekit-client.umd.js"
VENDORED_SRI = "sha384-HkA7rQNo8H04l1p4zoXX1Cy+h9YoYp8LvKt4vfMFhv4KFk07UkrNwIUnyBum8Pw6"


def livekit_client_source() -> dict[str, str]:
    """{"url", "sri"} for the page's `<script>`; the vendored copy unless overridden."""
    if settings.LIVEKIT_CLIENT_URL:
        return {"url": settings.LIVEKIT_CLIENT_URL, "sri": settings.LIVEKIT_CLIENT_SRI}
    return {"url": static(VENDORED_PATH), "sri": VENDORED_SRI}
