"""The bot's stand-in voice and face until the avatar's own media reach the meeting.

`tone_speech` is not speech: one short voiced tone per word at the speech-time rule's pace
(`avatars.voice.speaker.WORDS_PER_SECOND`), so the room hears when the tutor talks and for how
long, while the words reach the students as the room's transcript. The vendor avatar's voice and
face (its LiveKit tracks) and a rendered local face are the next step (issue 19, "Media").
"""

from __future__ import annotations

import math
from array import array
from functools import cache

from avatars.voice.speaker import WORDS_PER_SECOND
from classrooms.bots.sdk import PCM_SAMPLE_BYTES

TONE_SHARE = 0.75  # of each word's slot; the rest is the pause between words
PITCH_HZ = 160.0
LEVEL = 6000  # peak amplitude of 16-bit samples: clearly audible, far from clipping


@cache
def _word(rate: int) -> bytes:
    slot = int(rate / WORDS_PER_SECOND)
    voiced = int(slot * TONE_SHARE)
    samples = array("h", bytes(slot * PCM_SAMPLE_BYTES))
    for i in range(voiced):
        envelope = math.sin(math.pi * i / voiced)  # no clicks at either end
        phase = 2 * math.pi * PITCH_HZ * i / rate
        wave = math.sin(phase) + 0.5 * math.sin(2 * phase) + 0.25 * math.sin(3 * phase)
        samples[i] = int(LEVEL * envelope * wave / 1.75)
    return samples.tobytes()


def tone_speech(text: str, rate: int) -> bytes:
    """16-bit little-endian mono PCM at `rate`: one tone per word of `text`."""
    return _word(rate) * max(1, len(text.split()))


@cache
def still_frame(width: int, height: int) -> bytes:
    """One I420 frame: a mid-grey picture (Y 128, neutral chroma), the camera until a face is
    rendered."""
    return bytes([128]) * (width * height) + bytes([128]) * (width * height // 2)
