"""What a person perceives on a server-rendered page: its visible text and the words assistive
technology reads (labels, alternatives, placeholders), from the HTML alone (stdlib parser)."""

from __future__ import annotations

import re
from html.parser import HTMLParser

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr"}  # fmt: skip
SKIPPED = {"script", "style", "template", "noscript"}
SPOKEN_ATTRIBUTES = ("aria-label", "alt", "placeholder", "title")


class _Perceived(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, bool]] = []
        self.chunks: list[str] = []

    @property
    def skipping(self) -> bool:
        return bool(self.stack) and self.stack[-1][1]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        skip = self.skipping or tag in SKIPPED or "hidden" in values
        if not skip:
            for name in SPOKEN_ATTRIBUTES:
                if values.get(name):
                    self.chunks.append(values[name] or "")
            if (
                tag == "input"
                and values.get("type") in ("submit", "button")
                and values.get("value")
            ):
                self.chunks.append(values["value"] or "")
        if tag not in VOID:
            self.stack.append((tag, skip))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in VOID and self.stack and self.stack[-1][0] == tag:
            self.stack.pop()

    def handle_endtag(self, tag: str) -> None:
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                del self.stack[index:]
                return

    def handle_data(self, data: str) -> None:
        if not self.skipping and data.strip():
            self.chunks.append(data.strip())


def perceived_text(html: str) -> list[str]:
    """Every visible text node and spoken attribute, in document order."""
    parser = _Perceived()
    parser.feed(html)
    parser.close()
    return parser.chunks


def options(html: str, select_name: str) -> list[str]:
    """The visible labels of a <select>'s options."""
    start = html.index(f'name="{select_name}"')
    end = html.index("</select>", start)
    return perceived_text(html[html.rindex("<select", 0, start) : end + len("</select>")])


SNAKE = re.compile(r"\b[a-z0-9]+(?:_[a-z0-9]+)+\b")
DOTTED = re.compile(r"\b[a-z]+(?:\.[a-z_]+)+\b")
# Addresses, file names and abbreviations are not keys.
NOT_KEYS = re.compile(
    r"\S+@\S+|https?://\S+|/\S*|\b\w+\.(?:md|txt|csv|markdown|com|edu|org|example)\b|\b(?:e\.g|i\.e|a\.m|p\.m)\b"
)


def keys_in(texts: list[str]) -> list[str]:
    found = []
    for text in texts:
        cleaned = NOT_KEYS.sub(" ", text)
        found += [m.group(0) for m in SNAKE.finditer(cleaned)]
        found += [m.group(0) for m in DOTTED.finditer(cleaned)]
    return found
