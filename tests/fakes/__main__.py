"""Serve the fake provider server on loopback: `python -m tests.fakes --port 8765` (or `make fake`).

It is test tooling, not product: it lives with the tests and is not in the built wheel.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--access-log", action="store_true", help="Print one line per request.")
    options = parser.parse_args(argv)

    # daphne.server installs Twisted's asyncio reactor on import: import it first.
    from daphne.access import AccessLogGenerator
    from daphne.endpoints import build_endpoint_description_strings
    from daphne.server import Server

    from tests.fakes import application

    # After daphne.server (it installs the reactor), so not in the block above.
    http_protocol = importlib.import_module("daphne.http_protocol")

    class _Request(http_protocol.WebRequest):
        """Twisted parses the Content-Type of every POST through the `email` package to fill
        in form arguments, which daphne never reads (the ASGI app gets the raw body). That was
        a fifth of the fake's CPU per vendor call (py-spy, benchmarks scenario 1): serial work
        of one process standing in for a vendor's fleet, charged to every class start."""

        def __init__(self, *args: object, **kwargs: object) -> None:
            super().__init__(*args, parsePOSTFormSubmission=False, **kwargs)

    http_protocol.WebRequest = _Request  # type: ignore[misc]  # what daphne's factory builds

    host, port = options.host, options.port
    logging.getLogger("daphne").setLevel(logging.WARNING)
    url = f"http://{host}:{port}"

    def ready() -> None:
        sys.stdout.write(
            f"Fake providers listening on {url}\n"
            f"  HEYGEN_BASE_URL={url}/heygen  LIVEAVATAR_BASE_URL={url}/liveavatar\n"
            f"  DEEPGRAM_BASE_URL={url}/deepgram  OPENAI_BASE_URL={url}/openai/v1\n"
            f"  ZOOM_API_BASE_URL={url}/zoom/v2  ZOOM_OAUTH_URL={url}/zoom/oauth/token\n"
            f"  control: POST {url}/_control/knobs, POST {url}/_control/reset, "
            f"GET {url}/_control/state\n"
        )
        sys.stdout.flush()

    Server(
        application=application,
        endpoints=build_endpoint_description_strings(host=host, port=port),
        signal_handlers=True,
        action_logger=AccessLogGenerator(sys.stdout) if options.access_log else None,
        http_timeout=None,
        websocket_timeout=3600,
        application_close_timeout=5,
        ready_callable=ready,
        verbosity=0,
    ).run()


if __name__ == "__main__":
    main()
