"""Classroom writes, one module per stage of a class; views, consumers and tests import them from here.

Sync functions write rows (call them from async code through `sync_to_async`); async functions
orchestrate providers (meetings, avatars, tutors).
"""

from classrooms.services.courses import (
    MATERIAL_TYPES,
    RosterStudentInUse,
    course_create,
    course_edit_apply,
    course_material_add,
    course_material_delete,
    course_update,
    material_validate,
    professor_consent_set,
    professor_create,
    roster_student_add,
    roster_student_remove,
    roster_student_update,
)
from classrooms.services.ending import (
    class_session_end,
    class_session_resume,
    class_sessions_reap,
    class_sessions_resume,
)
from classrooms.services.invitations import (
    room_invitations_create,
    room_invitations_deliver,
    room_invitations_resend,
    room_invitations_send_due,
)
from classrooms.services.lifecycle import (
    breakout_room_transition,
    class_session_transition,
    publish_room,
    publish_session,
    room_send,
)
from classrooms.services.meeting_setup import MEETING_CREATING
from classrooms.services.preparing import (
    class_session_create,
    class_session_prepare,
    class_session_start,
)
from classrooms.services.presence import (
    room_presence_span_close,
    room_presence_span_open,
)
from classrooms.services.rooms import (
    MAX_LINE_CHARS,
    class_session_broadcast,
    room_avatar_heartbeat,
    room_greeting,
    room_help_set,
    room_line_add,
    room_lines_mark_interrupted,
    room_presence_set,
    room_professor_message,
    room_tutor_lines,
    room_tutor_reply,
    room_tutor_say,
    room_whisper_set,
)
from classrooms.services.starting import (
    breakout_room_deploy,
    breakout_room_restart,
    breakout_room_restart_begin,
    breakout_room_restart_finish,
    class_session_deploy,
    class_session_launch,
)
from classrooms.services.zoom_events import (
    zoom_event_apply,
)

__all__ = [
    "MATERIAL_TYPES",
    "MAX_LINE_CHARS",
    "MEETING_CREATING",
    "RosterStudentInUse",
    "breakout_room_deploy",
    "breakout_room_restart",
    "breakout_room_restart_begin",
    "breakout_room_restart_finish",
    "breakout_room_transition",
    "class_session_broadcast",
    "class_session_create",
    "class_session_deploy",
    "class_session_end",
    "class_session_launch",
    "class_session_prepare",
    "class_session_resume",
    "class_session_start",
    "class_session_transition",
    "class_sessions_reap",
    "class_sessions_resume",
    "course_create",
    "course_edit_apply",
    "course_material_add",
    "course_material_delete",
    "course_update",
    "material_validate",
    "professor_consent_set",
    "professor_create",
    "publish_room",
    "publish_session",
    "room_avatar_heartbeat",
    "room_greeting",
    "room_help_set",
    "room_invitations_create",
    "room_invitations_deliver",
    "room_invitations_resend",
    "room_invitations_send_due",
    "room_line_add",
    "room_lines_mark_interrupted",
    "room_presence_set",
    "room_presence_span_close",
    "room_presence_span_open",
    "room_professor_message",
    "room_send",
    "room_tutor_lines",
    "room_tutor_reply",
    "room_tutor_say",
    "room_whisper_set",
    "roster_student_add",
    "roster_student_remove",
    "roster_student_update",
    "zoom_event_apply",
]
