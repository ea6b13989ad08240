"""Classroom reads, one module per concern; views, services and consumers import them from here."""

from classrooms.selectors.payloads import (
    TRANSCRIPT_TAIL,
    avatar_connected,
    figures,
    line_payload,
    room_card,
    room_colour,
    room_transcript_tail,
    session_card,
    session_snapshot,
)
from classrooms.selectors.sessions import (
    class_session_for_owner,
    course_for_owner,
    course_list_for_professor,
    room_by_short_code,
    room_by_token,
    room_with_relations,
    session_rooms,
    sessions_for_professor,
)
from classrooms.selectors.tutor import (
    course_chunks,
    tutor_context,
)

__all__ = [
    "TRANSCRIPT_TAIL",
    "avatar_connected",
    "class_session_for_owner",
    "course_chunks",
    "course_for_owner",
    "course_list_for_professor",
    "figures",
    "line_payload",
    "room_by_short_code",
    "room_by_token",
    "room_card",
    "room_colour",
    "room_transcript_tail",
    "room_with_relations",
    "session_card",
    "session_rooms",
    "session_snapshot",
    "sessions_for_professor",
    "tutor_context",
]
