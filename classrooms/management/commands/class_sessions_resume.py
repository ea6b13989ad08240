from typing import Any

from asgiref.sync import async_to_sync
from django.core.management.base import BaseCommand

from classrooms.services import class_sessions_resume


class Command(BaseCommand):
    help = (
        "Resume class sessions a crashed process left behind: deploy rooms of sessions stuck "
        "in 'starting' and finish sessions stuck in 'ending'."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        result = async_to_sync(class_sessions_resume)()
        self.stdout.write(self.style.SUCCESS(f"Resumed {result['sessions']} session(s)."))
