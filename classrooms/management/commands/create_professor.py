from getpass import getpass
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from classrooms.services import professor_create


class Command(BaseCommand):
    help = "Create a professor account (a user with a professor profile)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--email", required=True)
        parser.add_argument("--name", required=True, help="Display name shown to students.")
        parser.add_argument("--teaching-style", default="")
        parser.add_argument("--password", help="Prompted for when omitted.")
        parser.add_argument(
            "--consent", action="store_true", help="Record consent to an avatar clone now."
        )

    def handle(self, *args: Any, **opts: Any) -> None:
        password = opts["password"] or getpass("Password: ")
        if len(password) < 8:
            raise CommandError("The password must have at least 8 characters.")
        profile = professor_create(
            username=opts["username"],
            email=opts["email"],
            password=password,
            display_name=opts["name"],
            teaching_style=opts["teaching_style"],
            consent=opts["consent"],
        )
        self.stdout.write(self.style.SUCCESS(f"Professor {profile.display_name} is ready."))
