"""Serve the fake provider server (HeyGen, LiveAvatar, Deepgram, OpenAI, Zoom) under daphne."""

from __future__ import annotations

import logging
from typing import Any

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Run the fake provider server on loopback (see avatars/fake/__init__.py and the README "
        "section 'Fake provider server')."
    )
    # The fake server does not depend on this product's configuration (provider keys etc.).
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--port", type=int, default=8765)
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--access-log", action="store_true", help="Print one line per request.")

    def handle(self, *args: Any, **options: Any) -> None:
        # daphne.server installs Twisted's asyncio reactor on import: import it first.
        from daphne.access import AccessLogGenerator
        from daphne.endpoints import build_endpoint_description_strings
        from daphne.server import Server

        from avatars.fake import application

        host, port = options["host"], options["port"]
        logging.getLogger("daphne").setLevel(logging.WARNING)
        url = f"http://{host}:{port}"

        def ready() -> None:
            self.stdout.write(f"Fake providers listening on {url}", ending="\n")
            self.stdout.write(
                f"  HEYGEN_BASE_URL={url}/heygen  LIVEAVATAR_BASE_URL={url}/liveavatar\n"
                f"  DEEPGRAM_BASE_URL={url}/deepgram  OPENAI_BASE_URL={url}/openai/v1\n"
                f"  ZOOM_API_BASE_URL={url}/zoom/v2  ZOOM_OAUTH_URL={url}/zoom/oauth/token\n"
                f"  control: POST {url}/_control/knobs, POST {url}/_control/reset, "
                f"GET {url}/_control/state"
            )
            self.stdout.flush()

        Server(
            application=application,
            endpoints=build_endpoint_description_strings(host=host, port=port),
            signal_handlers=True,
            action_logger=AccessLogGenerator(self.stdout) if options["access_log"] else None,
            http_timeout=None,
            websocket_timeout=3600,
            application_close_timeout=5,
            ready_callable=ready,
            verbosity=0,
        ).run()
