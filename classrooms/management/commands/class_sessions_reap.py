from typing import Any

from asgiref.sync import async_to_sync
from django.core.management.base import BaseCommand

from classrooms.services import class_sessions_reap
from classrooms.services.meeting_bots import meeting_bots_reap


class Command(BaseCommand):
    help = (
        "End class sessions open past CLASS_SESSION_MAX_DURATION and stop avatars left open "
        "for rooms that are not active; relaunch or fail Zoom tutor bots whose process fell "
        "silent. Safe to run from cron as often as you like."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        result = async_to_sync(class_sessions_reap)()
        bots = async_to_sync(meeting_bots_reap)()
        self.stdout.write(
            self.style.SUCCESS(
                f"Ended {result['sessions_ended']} session(s); "
                f"stopped {result['avatars_stopped']} orphaned avatar(s); "
                f"relaunched {bots.get('requested', 0)} and failed {bots.get('failed', 0)} "
                "silent meeting bot(s)."
            )
        )
