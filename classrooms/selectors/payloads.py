"""What the monitor and the rooms are sent: room cards, figures, session cards, transcript lines."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.conf import settings
from django.db.models import F, Window
from django.db.models.functions import RowNumber
from django.urls import reverse
from django.utils import timezone

from avatars.models import AvatarSession
from classrooms.models import (
    BreakoutRoom,
    ClassSession,
    MeetingBot,
    RoomTranscriptLine,
)
from classrooms.selectors.sessions import session_rooms

TRANSCRIPT_TAIL = 30

# --- Payloads ---------------------------------------------------------------------------------


def room_colour(room: BreakoutRoom) -> str:
    if room.status == BreakoutRoom.Status.COMPLETED:
        return "grey"
    if room.status == BreakoutRoom.Status.ERROR:
        return "red"
    if room.status == BreakoutRoom.Status.ACTIVE and avatar_connected(room):
        return "green"
    return "yellow"


def avatar_label(room: BreakoutRoom) -> str:
    """The room's avatar in the professor's words (after the class: stopped, not missing)."""
    avatar = room.avatar_session
    if avatar_connected(room):
        return "Avatar connected"
    if room.status == BreakoutRoom.Status.COMPLETED:
        return "Avatar stopped" if avatar is not None else "No avatar was started"
    if avatar is None:
        return "Avatar not started yet"
    if avatar.status in (AvatarSession.Status.REQUESTED, AvatarSession.Status.STARTING):
        return "Avatar starting"
    if avatar.status == AvatarSession.Status.FAILED:
        return "Avatar failed"
    return "Avatar stopped"


def avatar_connected(room: BreakoutRoom) -> bool:
    avatar = room.avatar_session
    return avatar is not None and avatar.status == AvatarSession.Status.READY


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


BOT_STEPS = {
    MeetingBot.Status.REQUESTED: "{bot} waits for a bot runner to start it.",
    MeetingBot.Status.LAUNCHING: "{bot} is starting.",
    MeetingBot.Status.JOINING: "{bot} is joining the Zoom meeting.",
    MeetingBot.Status.WAITING_FOR_ROOM: (
        "Open breakout rooms in Zoom; {bot} waits to be assigned to {room}."
    ),
    MeetingBot.Status.IN_ROOM: "{bot} is in {room} in Zoom.",
    MeetingBot.Status.LEAVING: "{bot} is leaving the Zoom meeting.",
    MeetingBot.Status.ENDED: "{bot} has left the Zoom meeting.",
    MeetingBot.Status.FAILED: "{bot} could not stay in Zoom; students can use the web link.",
}
#: Bot states in which the room's web link is the way in (shown beside the state).
BOT_FALLBACK = (
    MeetingBot.Status.REQUESTED,
    MeetingBot.Status.WAITING_FOR_ROOM,
    MeetingBot.Status.FAILED,
)


def bot_card(room: BreakoutRoom, bot: MeetingBot, link: str) -> dict[str, Any]:
    """The room's Zoom bot in plain words: its state, the next step, the web link fallback."""
    return {
        "status": bot.status,
        "status_label": bot.get_status_display(),
        "name": bot.display_name,
        "next_step": BOT_STEPS[MeetingBot.Status(bot.status)].format(
            bot=bot.display_name, room=room.name
        ),
        "error": bot.error,
        "fallback_link": link if bot.status in BOT_FALLBACK else "",
    }


def _bot_of(room: BreakoutRoom) -> tuple[bool, MeetingBot | None]:
    """(whether the room's bot was read with the room (select_related), the bot or None): a
    card built without reading it says nothing about it (no query per card)."""
    if not BreakoutRoom.bot.is_cached(room):
        return False, None
    try:
        return True, room.bot
    except MeetingBot.DoesNotExist:
        return True, None


def room_card(room: BreakoutRoom, *, now: datetime | None = None) -> dict[str, Any]:
    """Everything the monitor grid shows for one room (no extra queries when prefetched)."""
    now = now or timezone.now()
    silent_minutes = 0
    if room.status == BreakoutRoom.Status.ACTIVE:
        since = room.last_activity_at or room.student_seen_at
        if since and room.student_present:
            silent_minutes = int((now - since).total_seconds() // 60)
    avatar = room.avatar_session
    short_link = reverse("classrooms:short", args=[room.short_code])
    card = {
        "id": str(room.public_id),
        "name": room.name,
        "students": [s.name for s in room.students.all()],
        "status": room.status,
        "status_label": room.get_status_display(),
        "colour": room_colour(room),
        "error": room.error,
        "progress": room.progress,
        "avatar": {
            "connected": avatar_connected(room),
            "status": avatar.status if avatar else "",
            "label": avatar_label(room),
        },
        "student_present": room.student_present,
        "professor_present": room.professor_present,
        "help": room.help_requested,
        "whisper": room.whisper,
        "last_activity_at": _iso(room.last_activity_at),
        "silent_minutes": silent_minutes,
        "silent": silent_minutes >= settings.CLASS_ROOM_SILENT_MINUTES,
        "talk": {"student": round(room.student_seconds), "tutor": round(room.tutor_seconds)},
        "link": reverse("classrooms:room", args=[room.join_token]),
        "short_link": short_link,
    }
    known, bot = _bot_of(room)
    if known:  # otherwise absent: this card was built without reading the bot
        card["bot"] = bot_card(room, bot, short_link) if bot is not None else None
    return card


def figures(cards: list[dict[str, Any]]) -> dict[str, int]:
    return {
        "rooms": len(cards),
        "active": sum(1 for c in cards if c["status"] == BreakoutRoom.Status.ACTIVE),
        "avatars": sum(1 for c in cards if c["avatar"]["connected"]),
        "help": sum(1 for c in cards if c["help"]),
        "errors": sum(1 for c in cards if c["status"] == BreakoutRoom.Status.ERROR),
        "students_present": sum(1 for c in cards if c["student_present"]),
    }


def session_card(session: ClassSession) -> dict[str, Any]:
    return {
        "id": str(session.public_id),
        "status": session.status,
        "status_label": session.get_status_display(),
        "is_open": session.is_open,  # the page never repeats which statuses are open
        "title": session.title,
        "meeting_provider": session.meeting_provider,
        "join_url": session.join_url,
        "error": session.error,
        "summary": session.summary,
        "started_at": _iso(session.started_at),
        "ended_at": _iso(session.ended_at),
    }


CARD_TAIL = 2  # lines of each room's conversation shown on its card


def session_tails(*, session: ClassSession, limit: int = CARD_TAIL) -> dict[str, list[dict]]:
    """The last `limit` lines of every room, in one query (a window over the session's lines),
    so each monitor card shows where its conversation is without opening Details."""
    rank = Window(
        RowNumber(), partition_by=[F("room_id")], order_by=[F("created_at").desc(), F("id").desc()]
    )
    lines = (
        RoomTranscriptLine.objects.filter(room__session=session)
        .annotate(rank=rank)
        .filter(rank__lte=limit)
        .annotate(room_public_id=F("room__public_id"))
        .order_by("room_id", "created_at", "id")
    )
    tails: dict[str, list[dict]] = {}
    for line in lines:
        tails.setdefault(str(line.room_public_id), []).append(line_payload(line))
    return tails


def session_snapshot(*, session: ClassSession) -> dict[str, Any]:
    now = timezone.now()
    cards = [room_card(room, now=now) for room in session_rooms(session=session)]
    return {
        "session": session_card(session),
        "rooms": cards,
        "figures": figures(cards),
        "tails": session_tails(session=session),
    }


def line_payload(line: RoomTranscriptLine) -> dict[str, Any]:
    return {
        "speaker": line.speaker,
        "text": line.text,
        "source": line.source,
        "at": _iso(line.created_at),
    }


def room_transcript_tail(*, room: BreakoutRoom, limit: int = TRANSCRIPT_TAIL) -> list[dict]:
    lines = list(
        RoomTranscriptLine.objects.filter(room=room).order_by("-created_at", "-id")[:limit]
    )
    return [line_payload(line) for line in reversed(lines)]
