"""Pick the settings module from DJANGO_ENV (development by default)."""

import os

MODULES = {
    "production": "config.settings.production",
    "test": "config.settings.test",
}


def settings_module() -> str:
    return MODULES.get(os.environ.get("DJANGO_ENV", "development"), "config.settings.local")
