"""The pages' shared vocabulary: defined once on the server, served on every page, used by the
one shared module (no page repeats `$`, `el()`, the speech-time rule or the close codes)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

from avatars.voice.speaker import WORDS_PER_SECOND, browser_speech_timeout, speech_seconds
from avatars.voice.vocabulary import page_vocabulary

JS = Path(__file__).resolve().parents[3] / "static" / "js"


@pytest.mark.django_db
def test_every_page_carries_the_servers_speech_rule_and_close_codes(client: Any) -> None:
    page = client.get(reverse("login")).content.decode()
    served = re.search(
        r'<script id="voice-vocabulary" type="application/json">(.*?)</script>', page
    )
    assert served is not None
    vocabulary = json.loads(served.group(1))
    assert vocabulary == page_vocabulary()
    assert vocabulary["speech"]["words_per_second"] == WORDS_PER_SECOND
    assert vocabulary["close"]["gone"] == 4410
    speech = vocabulary["speech"]
    text = "one two three four five six seven eight nine ten"
    seconds = max(speech["min_seconds"], 10 / speech["words_per_second"])
    assert seconds == speech_seconds(text)
    assert round(seconds * speech["timeout_factor"] + speech["timeout_extra"], 1) == (
        browser_speech_timeout(text)
    )


def test_no_page_script_repeats_the_shared_vocabulary() -> None:
    for script in JS.glob("*.js"):
        if script.name == "voice.js":
            continue
        source = script.read_text()
        assert "const $ = " not in source, script.name
        assert "function el(" not in source, script.name
        assert not re.search(r"/\s*2\.5\b|\b4401\b|\b4410\b", source), script.name
