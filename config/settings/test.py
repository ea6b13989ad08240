"""Test settings: fast hashing, in-memory email, explicit hosts for WebSocket origin checks."""

import os

from .base import *  # noqa: F403
from .base import env

DJANGO_ENV = "test"
DEBUG = False
SECRET_KEY = "test-secret-key-not-for-production-0123456789abcdefghijklmnopqrstuvwxyz"
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Background loops (config/background.py) are started explicitly by the tests that need them;
# spawned jobs still run at once in the process that asked (BACKGROUND_JOBS_INLINE).
AVATAR_BACKGROUND_LOOPS = env.bool("AVATAR_BACKGROUND_LOOPS", default=False)
# No real waits between retries: what a retry does is tested, not how long it waits (the
# backoff's arithmetic has its own tests). A vendor's Retry-After is still honoured.
PROVIDER_BACKOFF_BASE = 0.0
INTERVIEW_AVATAR_RETRY_DELAYS = (0.0,)
TRANSCRIPT_SAVE_RETRY_DELAYS = (0.0,)

# Browser tests run the app in a forked daphne process, which must share the test database:
# an SQLite test database therefore lives in a file, not in memory (one per test run, so
# concurrent runs on one machine never share it).
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test-{os.getpid()}.sqlite3")}  # noqa: F405
CHANNEL_LAYERS["default"].setdefault("CONFIG", {})  # noqa: F405
if REDIS_URL:  # noqa: F405
    # A private prefix per test run: parallel runs on one Redis never see each other's groups.
    CHANNEL_LAYERS["default"]["CONFIG"]["prefix"] = f"mbtest{os.getpid()}"  # noqa: F405
    CACHES["default"]["KEY_PREFIX"] = f"mbtest{os.getpid()}"  # noqa: F405
    RATE_LIMIT_PREFIX = f"mbtest{os.getpid()}-limits"
# Tests drive whole conversations in a second, far faster than people: socket limits are loose
# here; tests/security/test_socket_floods.py checks the documented defaults.
LOOSE = ("1000 per second", "1000 per second")
SOCKET_RATE_LIMITS = dict.fromkeys(SOCKET_RATE_LIMIT_DEFAULTS, LOOSE)  # noqa: F405
