from django.apps import AppConfig


class MockingbirdConfig(AppConfig):
    """Project-wide pieces: system checks for providers, shared templates and commands."""

    name = "config"
    label = "mockingbird"
    verbose_name = "Mockingbird"

    def ready(self) -> None:
        from config import checks  # noqa: F401  (registers system checks)
