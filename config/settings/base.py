"""All settings, read from the environment in one place (django-environ).

Every variable is listed with a comment in `.env.example`. With none set, the product runs on its
embedded defaults: SQLite under `var/`, the in-memory channel layer, local providers and console
email. `DATABASE_URL` switches to PostgreSQL (psycopg 3), `REDIS_URL` to the Redis channel layer and
cache, and each provider variable to the real vendor client.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import environ

from config.logs import REFUSAL_LOGGERS

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()


def _read_dot_env(path: Path) -> None:
    """Load KEY=VALUE lines that the real environment does not set. Empty values mean "unset",
    so a copy of .env.example with blanks keeps every default."""
    for raw in path.read_text().splitlines():
        line = raw.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, _, value = line.partition("=")
        value = value.strip().strip("'\"")
        if value:
            os.environ.setdefault(key.strip(), value)


if env.bool("DJANGO_READ_DOT_ENV_FILE", default=True) and (BASE_DIR / ".env").exists():
    _read_dot_env(BASE_DIR / ".env")

DJANGO_ENV = env.str("DJANGO_ENV", default="development")

# --- Core -----------------------------------------------------------------------------------
SECRET_KEY = env.str("SECRET_KEY", default="dev-insecure-mockingbird-key-change-me-in-production")
# Off unless asked for (DJANGO_DEBUG=1, or the older DEBUG=true): `make run` must show the
# product's error pages, not Django's technical ones with the URL list.
DEBUG = env.bool("DJANGO_DEBUG", default=env.bool("DEBUG", default=False))
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_NAME = "Mockingbird"

INSTALLED_APPS = [
    "daphne",  # first, so `runserver` is ASGI
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "channels",
    "config.apps.MockingbirdConfig",
    "avatars",
    "interviews",
    "classrooms",
]

MIDDLEWARE = [
    "config.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "config.middleware.RefuseNulMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "config.middleware.PermissionsPolicyMiddleware",
    "config.middleware.ApplicationErrorMiddleware",
    "config.error_pages.ErrorPagesMiddleware",
]
CSRF_FAILURE_VIEW = "config.error_pages.csrf_failure"

ROOT_URLCONF = "config.urls"
ASGI_APPLICATION = "config.asgi.application"
WSGI_APPLICATION = None

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "config.context_processors.site",
                "config.context_processors.livekit_client",
                "avatars.context_processors.voice_vocabulary",
            ],
        },
    },
]

# --- Data -----------------------------------------------------------------------------------
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'mockingbird.sqlite3'}"),
}
DATABASES["default"].setdefault("ATOMIC_REQUESTS", False)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL + a busy timeout let several connections (daphne's thread pool) write without
    # "database is locked" errors; IMMEDIATE avoids upgrade deadlocks in write transactions.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DB_CONN_MAX_AGE", default=0))
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.str("REDIS_URL", default="")
# No socket timeout on the channel layer's connections. redis-py 8's default (5 s) equals
# channels_redis's 5 s BZPOPMIN, so an idle consumer's read times out and the consumer dies; and
# any timeout makes redis-py send through asyncio.wait_for, which on Python 3.11 can swallow the
# cancel that ends a consumer (its receive then polls forever and the consumer never exits).
# A dead server is still found: connecting has a timeout and TCP keepalive probes idle sockets.
REDIS_LAYER_HOST = {
    "address": REDIS_URL,
    "socket_timeout": None,
    "socket_connect_timeout": 5,
    "socket_keepalive": True,
}
CHANNEL_LAYERS: dict[str, dict[str, Any]]
if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {
                "hosts": [REDIS_LAYER_HOST],
                "prefix": env.str("CHANNEL_LAYER_PREFIX", default="mockingbird"),
                "group_expiry": 3600,
                "capacity": 1000,
            },
        }
    }
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env.str("CHANNEL_LAYER_PREFIX", default="mockingbird"),
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Auth -----------------------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

# --- Email ----------------------------------------------------------------------------------
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Mockingbird <noreply@localhost>")
# Seconds an SMTP connection may take (invitation retries are spaced well beyond it).
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)
# The site's public address, for links in emails sent by background jobs (a session's first
# invitations use the address the professor started it from).
# Default: this machine at the port `make run` serves on (PORT, 8000 unless set).
SITE_URL = env.str("SITE_URL", default=f"http://127.0.0.1:{env.int('PORT', default=8000)}")

# --- I18N / static --------------------------------------------------------------------------
LANGUAGE_CODE = "en-us"
TIME_ZONE = env.str("TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env.path("STATIC_ROOT", default=str(VAR_DIR / "static"))
MEDIA_ROOT = env.path("MEDIA_ROOT", default=str(VAR_DIR / "media"))
MEDIA_URL = "/media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# The app serves its own static files (WhiteNoise); in development also straight from static/,
# so `runserver` works without collectstatic.
WHITENOISE_USE_FINDERS = DEBUG or DJANGO_ENV == "development"

# Uploads: course material and recorded audio have their own, stricter limits in forms.
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# --- Providers (the real vendor is used when selected; its key is then required) -------------
PROVIDER_TIMEOUT = env.float("PROVIDER_TIMEOUT", default=15.0)
PROVIDER_MAX_RETRIES = env.int("PROVIDER_MAX_RETRIES", default=3)
# Waits before trying again (seconds), settings so tests run them at zero: provider calls back
# off with full jitter, uniform(0, min(cap, base * 2**attempt)), or the vendor's Retry-After up
# to its cap; a failed interview avatar start and a failed transcript save wait these (the last
# one repeats).
PROVIDER_BACKOFF_BASE = 0.5
PROVIDER_BACKOFF_CAP = 8.0
PROVIDER_RETRY_AFTER_CAP = 30.0
INTERVIEW_AVATAR_RETRY_DELAYS: tuple[float, ...] = (1.0, 3.0)
TRANSCRIPT_SAVE_RETRY_DELAYS: tuple[float, ...] = (0.2, 0.5, 1.0, 2.0, 5.0)

AVATAR_PROVIDER = env.str("AVATAR_PROVIDER", default="local")  # local | heygen | liveavatar
HEYGEN_API_KEY = env.str("HEYGEN_API_KEY", default="")
HEYGEN_BASE_URL = env.str("HEYGEN_BASE_URL", default="https://api.heygen.com")
LIVEAVATAR_API_KEY = env.str("LIVEAVATAR_API_KEY", default="")
LIVEAVATAR_BASE_URL = env.str("LIVEAVATAR_BASE_URL", default="https://api.liveavatar.com")
AVATAR_DEFAULT_ID = env.str("AVATAR_DEFAULT_ID", default="")
AVATAR_DEFAULT_VOICE = env.str("AVATAR_DEFAULT_VOICE", default="")
AVATAR_MAX_CONCURRENT = env.int("AVATAR_MAX_CONCURRENT", default=25)
AVATAR_PRICE_PER_MINUTE = env.float("AVATAR_PRICE_PER_MINUTE", default=0.10)
# The currency of AVATAR_PRICE_PER_MINUTE, shown with every spend figure (ISO 4217 code).
AVATAR_PRICE_CURRENCY = env.str("AVATAR_PRICE_CURRENCY", default="USD")
AVATAR_IDLE_TIMEOUT = env.int("AVATAR_IDLE_TIMEOUT", default=300)
AVATAR_MAX_DURATION = env.int("AVATAR_MAX_DURATION", default=3600)
AVATAR_HEARTBEAT_TIMEOUT = env.int("AVATAR_HEARTBEAT_TIMEOUT", default=120)
AVATAR_REAPER_INTERVAL = env.int("AVATAR_REAPER_INTERVAL", default=60)
# Seconds between vendor keep-alives for sessions in use; longest wait for a start slot.
AVATAR_KEEPALIVE_INTERVAL = env.int("AVATAR_KEEPALIVE_INTERVAL", default=60)
AVATAR_START_QUEUE_TIMEOUT = env.int("AVATAR_START_QUEUE_TIMEOUT", default=180)
# Background work (config/background.py). Loops (reaper, keep-alives, class resume and reap,
# job pickup) run in every server process unless AVATAR_BACKGROUND_LOOPS=false (web processes in
# front of `manage.py run_background` workers); several processes may run them at once.
AVATAR_BACKGROUND_LOOPS = env.bool("AVATAR_BACKGROUND_LOOPS", default=True)
# Spawned jobs (a class launch, a room restart) start at once in the process that asked; false
# leaves them to the workers' pickup loop, which looks for waiting work every N seconds.
BACKGROUND_JOBS_INLINE = env.bool("BACKGROUND_JOBS_INLINE", default=True)
BACKGROUND_PICKUP_INTERVAL = env.float("BACKGROUND_PICKUP_INTERVAL", default=2.0)
# LiveAvatar sandbox sessions (free, about one minute long) for development.
LIVEAVATAR_SANDBOX = env.bool("LIVEAVATAR_SANDBOX", default=False)
# The LiveKit browser client, loaded only when a vendor avatar is selected. Empty: our vendored
# copy in static/vendor/livekit-client/ (avatars/livekit.py); no CDN.
LIVEKIT_CLIENT_URL = env.str("LIVEKIT_CLIENT_URL", default="")
LIVEKIT_CLIENT_SRI = env.str("LIVEKIT_CLIENT_SRI", default="")

TRANSCRIBER = env.str("TRANSCRIBER", default="local")  # local | deepgram
DEEPGRAM_API_KEY = env.str("DEEPGRAM_API_KEY", default="")
DEEPGRAM_BASE_URL = env.str("DEEPGRAM_BASE_URL", default="https://api.deepgram.com")
DEEPGRAM_MODEL = env.str("DEEPGRAM_MODEL", default="nova-3")

LLM_PROVIDER = env.str("LLM_PROVIDER", default="local")  # local | openai
OPENAI_API_KEY = env.str("OPENAI_API_KEY", default="")
OPENAI_BASE_URL = env.str("OPENAI_BASE_URL", default="")
OPENAI_MODEL = env.str("OPENAI_MODEL", default="gpt-4o-mini")
OPENAI_COACH_MODEL = env.str("OPENAI_COACH_MODEL", default="") or OPENAI_MODEL

MEETING_PROVIDER = env.str("MEETING_PROVIDER", default="local")  # local | zoom
ZOOM_ACCOUNT_ID = env.str("ZOOM_ACCOUNT_ID", default="")
ZOOM_CLIENT_ID = env.str("ZOOM_CLIENT_ID", default="")
ZOOM_CLIENT_SECRET = env.str("ZOOM_CLIENT_SECRET", default="")
ZOOM_SDK_KEY = env.str("ZOOM_SDK_KEY", default="")
ZOOM_SDK_SECRET = env.str("ZOOM_SDK_SECRET", default="")
ZOOM_WEBHOOK_SECRET = env.str("ZOOM_WEBHOOK_SECRET", default="")
ZOOM_API_BASE_URL = env.str("ZOOM_API_BASE_URL", default="https://api.zoom.us/v2")
ZOOM_OAUTH_URL = env.str("ZOOM_OAUTH_URL", default="https://zoom.us/oauth/token")
ZOOM_HOST_USER = env.str("ZOOM_HOST_USER", default="")
ZOOM_WEBHOOK_WINDOW = env.int("ZOOM_WEBHOOK_WINDOW", default=300)
# Meeting bots (`manage.py run_meeting_bots`; docs/decisions/0001-zoom-meeting-bot.md).
# The SDK adapter the bot drives: a dotted path to a factory of `classrooms.bots.sdk.MeetingSdk`.
MEETING_BOT_SDK = env.str("MEETING_BOT_SDK", default="classrooms.bots.zoom_sdk.ZoomSdk")
# Bots one runner process runs at once. Each bot is its own process: the Linux SDK initialised
# adds about 125 MB to our process's 95 MB; 4 bots fit in 1 GB. CPU in a meeting (audio in,
# audio and video out) is not measured yet: confirm it on the first real run (the decision).
MEETING_BOTS_PER_RUNNER = env.int("MEETING_BOTS_PER_RUNNER", default=4)
MEETING_BOT_HEARTBEAT_INTERVAL = env.float("MEETING_BOT_HEARTBEAT_INTERVAL", default=5.0)
# A bot process silent this long is dead: relaunched, or failed after MEETING_BOT_MAX_LAUNCHES.
MEETING_BOT_HEARTBEAT_TIMEOUT = env.float("MEETING_BOT_HEARTBEAT_TIMEOUT", default=30.0)
MEETING_BOT_MAX_LAUNCHES = env.int("MEETING_BOT_MAX_LAUNCHES", default=3)
# Seconds between a runner's looks for requested bots and at its own processes.
MEETING_BOT_RUNNER_INTERVAL = env.float("MEETING_BOT_RUNNER_INTERVAL", default=2.0)
# What a bot hour costs (the machine share, or a hosted bot vendor's price), beside avatar minutes.
MEETING_BOT_PRICE_PER_HOUR = env.float("MEETING_BOT_PRICE_PER_HOUR", default=0.10)

WEBRTC_ICE_SERVERS = env.json("WEBRTC_ICE_SERVERS", default=[])

# Classroom sessions
CLASS_SESSION_MAX_DURATION = env.int("CLASS_SESSION_MAX_DURATION", default=7200)
CLASS_ROOM_SILENT_MINUTES = env.int("CLASS_ROOM_SILENT_MINUTES", default=3)
CLASS_MATERIAL_MAX_BYTES = env.int("CLASS_MATERIAL_MAX_BYTES", default=1_000_000)
CLASS_MAX_ROOMS = env.int("CLASS_MAX_ROOMS", default=60)
CLASS_DEPLOY_STALE_SECONDS = env.int("CLASS_DEPLOY_STALE_SECONDS", default=120)

# --- Product limits -------------------------------------------------------------------------
INTERVIEW_MAX_FOLLOWUPS = env.int("INTERVIEW_MAX_FOLLOWUPS", default=1)
WS_MAX_MESSAGE_BYTES = env.int("WS_MAX_MESSAGE_BYTES", default=64 * 1024)
WS_MAX_AUDIO_CHUNK_BYTES = env.int("WS_MAX_AUDIO_CHUNK_BYTES", default=256 * 1024)
# Rate limits (config/ratelimit.py): moving windows, in `limits`' notation ("5 per 10 seconds;
# 20 per minute": several limits, all must hold) or "count/period-seconds".
RATE_LIMIT_PREFIX = env.str("CHANNEL_LAYER_PREFIX", default="mockingbird") + "-limits"
RATE_LIMITS = {
    "interview_start": env.str("RATE_LIMIT_INTERVIEW_START", default="20/3600"),
    "class_session_start": env.str("RATE_LIMIT_CLASS_SESSION_START", default="10/3600"),
    "question_generate": env.str("RATE_LIMIT_QUESTION_GENERATE", default="20/3600"),
    "feedback_request": env.str("RATE_LIMIT_FEEDBACK_REQUEST", default="120/3600"),
    # Tutor replies per breakout room (students join by link, without an account).
    "tutor_reply": env.str("RATE_LIMIT_TUTOR_REPLY", default="240/3600"),
    # Wrong short codes on the join form and /r/<code> links together, per client address (a
    # right code always opens).
    "room_join": env.str("RATE_LIMIT_ROOM_JOIN", default="60/600"),
}
# Socket messages, per kind: (per connection, shared by every connection of the same room,
# monitor session or interview). A refused message gets a `rate_limited` error frame and does
# nothing. Which message counts as which kind: the consumers' `rate_limits`.
SOCKET_RATE_LIMIT_DEFAULTS = {
    # A student's typed or spoken line (each may start a tutor reply); a candidate's typed
    # answer segment or final caption.
    "line": (
        "4 per 10 seconds; 12 per minute",
        "8 per 10 seconds; 24 per minute",
    ),
    # Interim captions while someone speaks (relayed live to the professor).
    "caption": (
        "30 per 5 seconds",
        "60 per 5 seconds",
    ),
    # Everything else a page sends as people use it: help, talk button, avatar speech events.
    "action": (
        "30 per 10 seconds; 120 per minute",
        "120 per 10 seconds; 480 per minute",
    ),
    # WebRTC signalling between a student and the professor (ICE candidates come in bursts).
    "signal": (
        "60 per 10 seconds",
        "120 per 10 seconds",
    ),
    # Microphone audio frames (a page sends about four a second).
    "audio": (
        "100 per 10 seconds",
        "200 per 10 seconds",
    ),
    # The professor's monitor actions (say, broadcast, whisper, restart, clear help, end).
    "professor": (
        "10 per 10 seconds; 60 per minute",
        "20 per 10 seconds; 120 per minute",
    ),
    # The interview's costly steps: finish an answer (the coach), retry feedback or the
    # attempt, next question, skip a follow-up, end.
    "interview": (
        "5 per 10 seconds; 30 per minute",
        "10 per 10 seconds; 60 per minute",
    ),
}
SOCKET_RATE_LIMITS = {
    kind: (
        env.str(f"RATE_LIMIT_WS_{kind.upper()}", default=per_connection),
        env.str(f"RATE_LIMIT_WS_{kind.upper()}_SHARED", default=shared),
    )
    for kind, (per_connection, shared) in SOCKET_RATE_LIMIT_DEFAULTS.items()
}

# One handler (the root's): every line is printed once, with the request or socket id it
# belongs to (config/logs.py). Expected refusals are one WARNING line without a traceback.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {"()": "config.logs.RequestIdFilter"},
        "expected_refusal": {"()": "config.logs.ExpectedRefusalFilter"},
    },
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s]: %(message)s"}
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        # Django's own console handler (DEBUG only) printed every django line a second time.
        "django": {"handlers": [], "level": "INFO", "propagate": True},
        **{name: {"filters": ["expected_refusal"]} for name in REFUSAL_LOGGERS},
        "django.channels.server": {"level": "WARNING"},
        # One INFO line per vendor call (two per room at a class start, a keep-alive per room
        # every few seconds) drowns the log; the provider layer logs what failed, with context.
        "httpx": {"level": env.str("HTTPX_LOG_LEVEL", default="WARNING")},
    },
}
