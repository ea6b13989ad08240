"""The one CSV writer every export uses: no cell is ever read as a formula.

Spreadsheets run a cell that starts with = + - @ (or a tab or carriage return before one, or
their full-width forms) as a formula, so a roster name like `=HYPERLINK(...)` would act on the
reader's machine. Such text cells get a leading apostrophe, which spreadsheets show as text;
numbers we write ourselves stay numbers.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def safe_cell(value: Any) -> Any:
    if isinstance(value, str) and value.lstrip(" ").startswith(FORMULA_STARTS):
        return "'" + value
    return value


class SafeWriter:
    def __init__(self, out: Any) -> None:
        self._writer = csv.writer(out)

    def writerow(self, row: Iterable[Any]) -> None:
        self._writer.writerow([safe_cell(value) for value in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def csv_writer(out: Any) -> SafeWriter:
    """A csv.writer over `out` (a file or an HttpResponse) that neutralises formula cells."""
    return SafeWriter(out)
