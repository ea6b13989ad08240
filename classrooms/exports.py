"""CSV exports shared by the monitor and Django admin."""

from __future__ import annotations

from typing import Any

from classrooms.models import BreakoutRoom, RoomTranscriptLine
from config.csv_export import csv_writer


def write_transcript_csv(out: Any, session_ids: list[int]) -> None:
    writer = csv_writer(out)
    writer.writerow(["session", "room", "students", "time", "speaker", "source", "text"])
    lines = (
        RoomTranscriptLine.objects.filter(room__session_id__in=session_ids)
        .select_related("room__session")
        .order_by("room__session_id", "room__position", "created_at", "id")
    )
    students: dict[int, str] = {}
    for room in BreakoutRoom.objects.filter(session_id__in=session_ids).prefetch_related(
        "students"
    ):
        students[room.pk] = "; ".join(s.name for s in room.students.all())
    for line in lines.iterator():
        writer.writerow(
            [
                str(line.room.session.public_id),
                line.room.name,
                students.get(line.room_id, ""),
                line.created_at.isoformat(),
                line.speaker,
                line.source,
                line.text,
            ]
        )
