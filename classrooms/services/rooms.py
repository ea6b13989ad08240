"""Inside a room (writes): transcript lines, presence, help flags, whispers, the tutor's turns."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncGenerator
from contextlib import aclosing
from typing import Any

from asgiref.sync import sync_to_async
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from avatars.providers.base import ProviderError
from avatars.services import avatar_session_in_use
from avatars.voice.speaker import (
    Utterance,
    local_task_id,
    speak_frame,
    spoken_seconds,
    vendor_speak,
)
from avatars.voice.timings import TurnClock
from classrooms.models import (
    BreakoutRoom,
    ClassSession,
    RoomTranscriptLine,
)
from classrooms.selectors import (
    line_payload,
    session_rooms,
    tutor_context,
)
from classrooms.services.lifecycle import publish_room, room_send
from classrooms.services.teaching import room_teaching_record
from classrooms.tutor.engines import get_tutor_engine
from config.lifecycle import record_note
from config.realtime import broadcast_on_commit

logger = logging.getLogger(__name__)

MAX_LINE_CHARS = 2000


# --- In the room: transcript, tutor, presence ---------------------------------------------


def room_line_add(
    *, room: BreakoutRoom, speaker: str, text: str, source: str = ""
) -> RoomTranscriptLine:
    """Save a transcript line first, then tell everyone watching."""
    text = " ".join(text.split())[:MAX_LINE_CHARS]
    seconds = spoken_seconds(text)
    now = timezone.now()
    with transaction.atomic():
        line = RoomTranscriptLine.objects.create(
            room=room, speaker=speaker, text=text, source=source, created_at=now
        )
        updates: dict[str, Any] = {"last_activity_at": now}
        if speaker == RoomTranscriptLine.Speaker.STUDENT:
            updates["student_seconds"] = F("student_seconds") + seconds
        elif speaker == RoomTranscriptLine.Speaker.TUTOR:
            updates["tutor_seconds"] = F("tutor_seconds") + seconds
        BreakoutRoom.objects.filter(pk=room.pk).update(**updates)
        payload = {"type": "room.line", "room_id": str(room.public_id), "line": line_payload(line)}
        broadcast_on_commit(room.group, payload)
        broadcast_on_commit(room.session.group, payload)
    return line


def room_presence_set(
    *, room: BreakoutRoom, student: bool | None = None, professor: bool | None = None
) -> None:
    updates: dict[str, Any] = {}
    if student is not None:
        updates["student_present"] = student
        if student:
            updates["student_seen_at"] = timezone.now()
    if professor is not None:
        updates["professor_present"] = professor
        if professor:
            updates["help_requested_at"] = None  # the professor came: help arrived
    if updates:
        BreakoutRoom.objects.filter(pk=room.pk).update(**updates)
        for key, value in updates.items():
            setattr(room, key, value)
        publish_room(room_id=room.pk)


def room_help_set(*, room: BreakoutRoom, raised: bool) -> None:
    at = timezone.now() if raised else None
    qs = BreakoutRoom.objects.filter(pk=room.pk)
    if raised:
        # Counted once per raise (a second "help" while one is open is the same request).
        qs.filter(help_requested_at__isnull=True).update(
            help_requested_at=at, help_requests=F("help_requests") + 1
        )
    else:
        qs.update(help_requested_at=None)
    publish_room(room_id=room.pk)


def room_whisper_set(*, room: BreakoutRoom, text: str) -> None:
    text = " ".join(text.split())[:500]
    BreakoutRoom.objects.filter(pk=room.pk).update(whisper=text)
    record_note(room, "whisper", {"text": text})
    publish_room(room_id=room.pk)


def room_avatar_heartbeat(*, room_id: int) -> None:
    """The room's ready avatar is in use (a student is connected): refresh its heartbeat."""
    avatar_id = (
        BreakoutRoom.objects.filter(pk=room_id).values_list("avatar_session_id", flat=True).first()
    )
    if avatar_id:
        avatar_session_in_use(session_id=avatar_id)


async def room_tutor_say(*, room: BreakoutRoom, text: str, line_id: int | None = None) -> str:
    """Have the room's avatar say `text` on every page in the room (the vendor speaks, or
    the browser for local) when no conversation is speaking it (the professor's words);
    returns the speech task id the pages report back."""
    task_id = await vendor_speak(room.avatar_session, text) or local_task_id()
    await room_send(room, {**speak_frame(text, task_id, "tutor.say"), "line": line_id})
    return task_id


def room_lines_mark_interrupted(*, room: BreakoutRoom, line_ids: list[int]) -> int:
    """The student talked over these tutor lines: they were cut off (or never said)."""
    if not line_ids:
        return 0
    return RoomTranscriptLine.objects.filter(
        room=room, pk__in=line_ids, speaker=RoomTranscriptLine.Speaker.TUTOR
    ).update(interrupted=True)


def _tutor_line(room: BreakoutRoom, line: RoomTranscriptLine) -> Utterance:
    return Utterance(line.text, {"line": line.pk})


async def room_tutor_lines(
    *, room: BreakoutRoom, student_text: str, clock: TurnClock | None = None
) -> AsyncGenerator[Utterance, None]:
    """The tutor's answer to the student, each sentence saved (and captioned) as soon as the
    engine completes it and then yielded for the avatar to say. Silent while the professor is
    in the room; `clock` takes the turn's model marks. Closing the iterator (a barge-in)
    stops the reply after the line being said."""
    await room.arefresh_from_db(fields=["professor_present", "whisper", "status"])
    if room.professor_present or room.status != BreakoutRoom.Status.ACTIVE:
        return
    ctx = await sync_to_async(tutor_context)(room=room, student_text=student_text)
    engine = get_tutor_engine()
    spoken = 0
    failed = False
    first_line = None
    if clock is not None:
        clock.model_provider = engine.name
        clock.mark("model_request")
    try:
        first_token = (lambda: clock.mark("first_token")) if clock is not None else None
        async for sentence in engine.reply(ctx, student_text, on_first_token=first_token):
            await room.arefresh_from_db(fields=["professor_present"])
            if room.professor_present:
                break  # the professor just walked in: the tutor falls silent
            line = await sync_to_async(room_line_add)(
                room=room,
                speaker=RoomTranscriptLine.Speaker.TUTOR,
                text=sentence,
                source=engine.name,
            )
            if first_line is None:  # the report's data: every tutor turn must record it,
                first_line = line  # before speaking (a barge-in cancels during speech)
                await sync_to_async(room_teaching_record)(
                    room=room, student_line=None, tutor_line=line, grounding=ctx.grounding
                )
            yield _tutor_line(room, line)
            spoken += 1
    except ProviderError as exc:
        logger.warning("Tutor engine failed in room %s: %s", room.pk, exc)
        failed = True
    if first_line is None:  # nothing of its own said: the misconception hit still counts
        await sync_to_async(room_teaching_record)(
            room=room, student_line=None, tutor_line=None, grounding=ctx.grounding
        )
    if not failed and spoken == 0 and not room.professor_present:
        # An empty or unreadable answer must not leave the student waiting in silence.
        logger.warning("Tutor engine returned nothing in room %s", room.pk)
        failed = True
    if failed:
        fallback = "Sorry, I lost my train of thought. Could you say that again?"
        line = await sync_to_async(room_line_add)(
            room=room, speaker=RoomTranscriptLine.Speaker.TUTOR, text=fallback, source="fallback"
        )
        yield _tutor_line(room, line)


async def room_tutor_reply(
    *, room: BreakoutRoom, student_text: str, clock: TurnClock | None = None
) -> int:
    """The tutor's answer said to the room with no conversation attached (every page says
    each line as it is saved); the number of lines said."""
    spoken = 0
    async with aclosing(
        room_tutor_lines(room=room, student_text=student_text, clock=clock)
    ) as lines:
        async for line in lines:
            await room_tutor_say(room=room, text=line.text, line_id=line.extra["line"])
            spoken += 1
    return spoken


async def room_greeting(*, room: BreakoutRoom) -> Utterance | None:
    """The tutor's hello, saved, the first time a student arrives in an active room (None
    when the room already has lines, is not active, or the professor is in)."""
    await room.arefresh_from_db(fields=["professor_present", "status"])
    has_lines = await RoomTranscriptLine.objects.filter(room=room).aexists()
    if has_lines or room.status != BreakoutRoom.Status.ACTIVE or room.professor_present:
        return None
    ctx = await sync_to_async(tutor_context)(room=room)
    text = get_tutor_engine().greeting(ctx)
    line = await sync_to_async(room_line_add)(
        room=room, speaker=RoomTranscriptLine.Speaker.TUTOR, text=text, source="greeting"
    )
    return _tutor_line(room, line)


async def room_professor_message(*, room: BreakoutRoom, text: str, source: str = "say") -> None:
    """The professor's words, spoken by the room's tutor (say in one room, or broadcast)."""
    await sync_to_async(room_line_add)(
        room=room, speaker=RoomTranscriptLine.Speaker.PROFESSOR, text=text, source=source
    )
    await room_tutor_say(room=room, text=text)


async def class_session_broadcast(*, session: ClassSession, text: str) -> int:
    rooms = await sync_to_async(
        lambda: [
            r for r in session_rooms(session=session) if r.status == BreakoutRoom.Status.ACTIVE
        ]
    )()
    for room in rooms:
        room.session = session
    await asyncio.gather(
        *(room_professor_message(room=room, text=text, source="broadcast") for room in rooms)
    )
    return len(rooms)
