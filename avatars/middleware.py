"""ASGI middleware: the first WebSocket connection in a process starts the avatar background
loops (reaper and keep-alives) in that process's event loop (AVATAR_BACKGROUND_LOOPS)."""

from __future__ import annotations

from typing import Any


class AvatarBackgroundLoopsMiddleware:
    def __init__(self, inner: Any) -> None:
        self.inner = inner

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> Any:
        if scope.get("type") == "websocket":
            from avatars.reaper import ensure_background_loops

            ensure_background_loops()
        return await self.inner(scope, receive, send)
