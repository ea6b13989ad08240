"""The reliability and security suites fail a test on any ERROR log record it causes, unless the
test says it expects them (`@pytest.mark.expect_errors(reason)`): an expected refusal is never
an ERROR, and an unexpected error must not pass unnoticed in a green run."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

import pytest


class _Collector(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@contextmanager
def errors_fail(item: pytest.Item) -> Iterator[None]:
    """Wrap a test's call phase; fail it when ERROR records appeared and it expected none."""
    collector = _Collector()
    root = logging.getLogger()
    root.addHandler(collector)
    try:
        yield
    finally:
        root.removeHandler(collector)
    if collector.records and item.get_closest_marker("expect_errors") is None:
        lines = [f"{r.levelname} {r.name}: {r.getMessage()[:300]}" for r in collector.records]
        pytest.fail(
            "ERROR log records during a test that expects none (mark it "
            "@pytest.mark.expect_errors if they are the point):\n" + "\n".join(lines[:20]),
            pytrace=False,
        )
