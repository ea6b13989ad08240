"""The browser socket as a voice session's way in and out (`pipeline.Transport`).

`send` writes to this socket. `share` sends to the socket's channel-layer group, marked with
this socket's channel as its origin: the group's other sockets act on it, this one drops it
(`from_here`), so nothing the session does comes back to its own page through the layer.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from channels.layers import BaseChannelLayer

Send = Callable[[dict[str, Any]], Awaitable[None]]


@dataclass
class SocketTransport:
    send_frame: Send
    layer: BaseChannelLayer | None = None
    group: str = ""
    origin: str = ""  # this socket's channel name
    #: Shared kinds ("speak", "interrupt", "interim") -> the group event type; kinds not
    #: listed stay on this socket (an interview has one page).
    events: Mapping[str, str] = field(default_factory=dict)

    async def send(self, frame: dict[str, Any]) -> None:
        await self.send_frame(frame)

    async def share(self, kind: str, frame: dict[str, Any]) -> None:
        event = self.events.get(kind)
        if event is None or self.layer is None or not self.group:
            return
        await self.layer.group_send(self.group, {**frame, "type": event, "origin": self.origin})

    def from_here(self, event: Mapping[str, Any]) -> bool:
        return bool(self.origin) and event.get("origin") == self.origin
