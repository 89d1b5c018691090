"""Chaat settings: one module, driven by the environment (see the README's configuration table).

Unset means the embedded default (SQLite under var/, the in-memory channel layer, a local-memory
cache); DATABASE_URL and REDIS_URL switch to PostgreSQL and Redis.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import unquote, urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be 1 or 0, not {value!r}.")


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "")
    try:
        return int(value) if value else default
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, not {value!r}.") from exc


def parse_rates(text: str) -> dict[str, str]:
    """Parse `scope=N/period,...` (THROTTLE_RATES) into {scope: "N/period"}."""
    rates: dict[str, str] = {}
    for item in filter(None, (part.strip() for part in text.split(","))):
        scope, sep, rate = item.partition("=")
        count, slash, period = rate.partition("/")
        if not sep or not slash or not count.strip().isdigit() or period.strip() not in PERIODS:
            raise ImproperlyConfigured(
                f"THROTTLE_RATES entry {item!r} is not scope=N/second|minute|hour|day."
            )
        rates[scope.strip()] = f"{int(count)}/{period.strip()}"
    return rates


PERIODS = {"second": 1, "minute": 60, "hour": 3600, "day": 86400}

DEBUG = env_bool("DEBUG", False)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set SECRET_KEY in the environment, "
            "or DEBUG=1 for local development with a throwaway key."
        )
    SECRET_KEY = "dev-only-insecure-key-never-use-in-production-0123456789abcdef"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "channels",
    "django_tasks",
    "django_tasks_db",
    "chaat",  # the `worker` command
    "accounts",
    "friends",
    "messaging",
    "matching",
    "translation",
    "notifications",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "chaat.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "chaat.middleware.PrivateResponsesMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "accounts.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "chaat.urls"
ASGI_APPLICATION = "chaat.asgi.application"
WSGI_APPLICATION = None

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "translation.context_processors.translation",
            ],
        },
    },
]

# Database: the embedded SQLite default, or PostgreSQL (psycopg 3) from DATABASE_URL.
VAR_DIR = BASE_DIR / "var"
DATABASE_URL = os.environ.get("DATABASE_URL", "")
if DATABASE_URL:
    DATABASES = {
        "default": dj_database_url.parse(
            DATABASE_URL, conn_max_age=env_int("CONN_MAX_AGE", 600), conn_health_checks=True
        )
    }
else:
    VAR_DIR.mkdir(exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "chaat.sqlite3",
            "OPTIONS": {"timeout": 20, "transaction_mode": "IMMEDIATE"},
        }
    }
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Fail fast while PostgreSQL is unreachable instead of hanging requests.
    DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = env_int(
        "DATABASE_CONNECT_TIMEOUT", 3
    )
    # A send waits at most this long for a chat row another transaction holds (a stuck or slow
    # transaction): then it fails, answered 503 `database_unavailable`, and the client retries
    # with the same client_id, instead of requests piling up behind the lock. 0 waits forever.
    DATABASES["default"]["OPTIONS"]["options"] = f"-c lock_timeout={env_int('DATABASE_LOCK_TIMEOUT', 3)}s"
    # A connection pool per process: under ASGI every request runs in a thread of its own, so
    # persistent connections (CONN_MAX_AGE) were never reused and each request connected anew.
    if env_bool("DATABASE_POOL", True):
        DATABASES["default"]["CONN_MAX_AGE"] = 0  # the pool keeps the connections instead
        DATABASES["default"]["OPTIONS"]["pool"] = {
            "min_size": 2, "max_size": env_int("DATABASE_POOL_SIZE", 16),
            # At most 4 s waiting for a connection: while the database is down every request
            # answers 503 within 5 s instead of hanging (tests/hardening/test_faults.py).
            "timeout": env_int("DATABASE_POOL_TIMEOUT", 4),
        }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Channels and the shared cache: Redis when REDIS_URL is set, in-process otherwise.
REDIS_URL = os.environ.get("REDIS_URL", "")
CHANNEL_PREFIX = os.environ.get("CHANNEL_PREFIX", "chaat")
# Redis pub/sub by default: it delivered a 100-member fan-out in a third of the CPU of the list-based
# RedisChannelLayer, whose every received event costs four Redis round trips in a row
# (docs/PERFORMANCE.md). Pub/sub keeps nothing for a subscriber that is away, so chaat/live/layer_watch.py
# closes a process's sockets when its probe through the layer fails (clients reconnect and catch up).
# CHANNEL_LAYER=core selects the list-based layer.
CHANNEL_LAYER = os.environ.get("CHANNEL_LAYER", "pubsub")
# Several URLs shard the channels over several Redis servers (docs/DEPLOY.md); the cache, request
# limits and presence stay on REDIS_URL. redis-py caps a pool at 100 connections and fails at once
# beyond that: 250 sockets joining their groups together (the soak) went over it. Reads get 10 s:
# redis-py's default 5 s equals the list-based layer's blocking pop, and under load it took the
# socket down with it; connecting stays quick.
CHANNEL_HOSTS = [{"address": url, "socket_timeout": 10, "socket_connect_timeout": 2,
                  "max_connections": env_int("CHANNEL_REDIS_MAX_CONNECTIONS", 1000)}
                 for url in env_list("CHANNEL_REDIS_URLS", REDIS_URL)]
# Publishing and joining groups give up after this many seconds while Redis hangs (chaat/live/layers.py).
CHANNEL_CALL_TIMEOUT = float(os.environ.get("CHANNEL_CALL_TIMEOUT", "1"))
# Every socket's process probes the layer this often (seconds), and closes its sockets when a probe
# is not back within the timeout (chaat/live/layer_watch.py).
LAYER_PROBE_INTERVAL = float(os.environ.get("LAYER_PROBE_INTERVAL", "1"))
LAYER_PROBE_TIMEOUT = float(os.environ.get("LAYER_PROBE_TIMEOUT", "2"))
if REDIS_URL and CHANNEL_LAYER == "pubsub":
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "chaat.live.layers.BoundedRedisPubSubChannelLayer",
            "CONFIG": {"hosts": CHANNEL_HOSTS, "prefix": CHANNEL_PREFIX, "call_timeout": CHANNEL_CALL_TIMEOUT},
        }
    }
elif REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "chaat.live.layers.BoundedRedisChannelLayer",
            "CONFIG": {
                "call_timeout": CHANNEL_CALL_TIMEOUT,
                "hosts": CHANNEL_HOSTS,
                "prefix": CHANNEL_PREFIX,
                # Sized by bench/channel_layer.py (docs/DEPLOY.md): about 850 bytes of Redis per
                # queued event, so at most ~1 MB for a socket that stops reading; an event not
                # read within 30 s is dropped, and the client's `?after=<seq>` catch-up recovers it.
                "capacity": env_int("CHANNEL_CAPACITY", 1000),
                "expiry": env_int("CHANNEL_EXPIRY", 30),
                # Every socket re-joins its group at each presence heartbeat (20 s), so a dead
                # process's channels leave the groups after 5 minutes instead of a day.
                "group_expiry": env_int("CHANNEL_GROUP_EXPIRY", 300),
            },
        }
    }
if REDIS_URL:
    CACHES = {
        "default": {
            # One Redis connection pool per process, not one per request (see chaat/cache.py).
            "BACKEND": "chaat.cache.SharedRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": CHANNEL_PREFIX,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Presence (chaat/live/presence.py): each socket refreshes its entry every PRESENCE_HEARTBEAT seconds;
# one not refreshed for PRESENCE_TTL seconds (its process was killed) no longer counts.
PRESENCE_HEARTBEAT = env_int("PRESENCE_HEARTBEAT", 20)
PRESENCE_TTL = env_int("PRESENCE_TTL", 60)

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Argon2id first: every new hash is argon2id with its own salt; older hashes upgrade on login.
PASSWORD_HASHERS = [
    "accounts.hashers.ChaatArgon2Hasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
# Argon2id cost; production keeps the defaults, tests lower them (tests/pytest_env.py).
ARGON2_TIME_COST = env_int("ARGON2_TIME_COST", 2)
ARGON2_MEMORY_COST = env_int("ARGON2_MEMORY_COST", 102400)
ARGON2_PARALLELISM = env_int("ARGON2_PARALLELISM", 8)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("de", "Deutsch"), ("es", "Español")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "var" / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            # Hashed, compressed files (JS module imports rewritten too) after collectstatic in
            # production; plain files otherwise.
            "chaat.storage.StaticStorage"
            if env_bool("STATIC_MANIFEST", not DEBUG)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = env_bool("WHITENOISE_USE_FINDERS", DEBUG)
# Uploads are private: never served from a public path, only through authenticated views.
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "var" / "media"))


def media_storage(env: dict[str, str]) -> tuple[dict[str, object], bool, list[str]]:
    """Where uploads live (MEDIA_STORAGE): `local` (MEDIA_ROOT, the default) or `s3`, any
    S3-compatible object storage through django-storages (`pip install -r requirements-s3.txt`).
    Returns the default storage, whether media are served by redirecting to short-lived signed
    URLs (MEDIA_SIGNED_URLS, on by default with s3), and the origins the CSP must allow for them.
    Everything in the app reaches files through the storage API only (docs/DEPLOY.md)."""
    kind = env.get("MEDIA_STORAGE", "local") or "local"
    if kind == "local":
        return {"BACKEND": "django.core.files.storage.FileSystemStorage"}, False, []
    if kind != "s3":
        raise ImproperlyConfigured(f"MEDIA_STORAGE must be local or s3, not {kind!r}.")
    bucket = env.get("MEDIA_S3_BUCKET", "")
    if not bucket:
        raise ImproperlyConfigured("MEDIA_STORAGE=s3 needs MEDIA_S3_BUCKET.")
    endpoint = env.get("MEDIA_S3_ENDPOINT_URL", "") or None
    options = {
        "bucket_name": bucket,
        "endpoint_url": endpoint,
        "region_name": env.get("MEDIA_S3_REGION", "") or None,
        # Credentials: these two, or boto3's own chain (instance role, AWS_* variables, ~/.aws).
        "access_key": env.get("MEDIA_S3_ACCESS_KEY_ID", "") or None,
        "secret_key": env.get("MEDIA_S3_SECRET_ACCESS_KEY", "") or None,
        "location": env.get("MEDIA_S3_PREFIX", "media"),
        "default_acl": None,  # objects stay private: the bucket's policy, no public-read
        "querystring_auth": True,  # url() gives signed URLs
        "file_overwrite": False,
        "addressing_style": env.get("MEDIA_S3_ADDRESSING_STYLE", "") or None,
        "signature_version": "s3v4",
    }
    signed = env.get("MEDIA_SIGNED_URLS", "1").lower() not in {"0", "false", "no", "off"}
    # The browser follows the redirect from <img>/<audio>, so the CSP names the storage's origins.
    if endpoint:
        public = urlsplit(endpoint)
        origins = [f"{public.scheme}://{public.netloc}", f"{public.scheme}://{bucket}.{public.netloc}"]
    else:
        region = options["region_name"] or "us-east-1"
        origins = [f"https://{bucket}.s3.amazonaws.com", f"https://{bucket}.s3.{region}.amazonaws.com"]
    origins = [o.strip() for o in env.get("MEDIA_CSP_ORIGINS", ",".join(origins)).split(",") if o.strip()]
    origins = origins if signed else []
    return {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options}, signed, origins


_MEDIA_STORAGE, MEDIA_SIGNED_URLS, MEDIA_CSP_ORIGINS = media_storage(dict(os.environ))
# How long a signed media URL works: long enough to start a download or a seek, short enough
# that a leaked one soon stops.
MEDIA_SIGNED_URL_SECONDS = env_int("MEDIA_SIGNED_URL_SECONDS", 300)
STORAGES["default"] = _MEDIA_STORAGE
DATA_UPLOAD_MAX_MEMORY_SIZE = 8 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
AVATAR_MAX_BYTES = 5 * 1024 * 1024
IMAGE_MAX_BYTES = 10 * 1024 * 1024
IMAGE_MAX_PIXELS = 40_000_000
# Images are stored at most this wide or high, as messengers send photos (and so a 40-megapixel
# upload costs one decoded frame: accounts/images.py).
IMAGE_MAX_SIDE = 2048
# Files and voice messages (contract: "Files and voice messages"). Their sends alone may carry a
# request body this large plus the form around it; anything over 2 MiB is spooled to disk.
FILE_MAX_BYTES = 25 * 1024 * 1024
VOICE_MAX_BYTES = 10 * 1024 * 1024
VOICE_MAX_SECONDS = 5 * 60

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_THROTTLE_CLASSES": ["chaat.ratelimit.DefaultThrottle"],
    # orjson: the same JSON, encoded several times faster than the standard library's encoder.
    "DEFAULT_RENDERER_CLASSES": ["chaat.renderers.ORJSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [
        "chaat.parsers.ORJSONParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "chaat.api_errors.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Chaat API",
    "DESCRIPTION": "The Chaat REST API (v1). Live events are described in the contract.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "chaat.schema.add_error_responses",
    ],
}

# Mail (account email confirmation, password reset): EMAIL_URL is smtp://host:port or
# smtp+tls://user:pass@host:port (STARTTLS); unset, mail is printed to the console.
def email_settings(url: str) -> dict[str, object]:
    """Django's mail settings for EMAIL_URL; "" means the console."""
    if not url:
        return {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}
    mail = urlsplit(url)
    if mail.scheme not in {"smtp", "smtp+tls", "smtps"} or not mail.hostname:
        raise ImproperlyConfigured("EMAIL_URL must be smtp://host:port or smtp+tls://user:pass@host:port.")
    return {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": mail.hostname,
        "EMAIL_PORT": mail.port or {"smtp": 25, "smtp+tls": 587, "smtps": 465}[mail.scheme],
        "EMAIL_HOST_USER": unquote(mail.username or ""),
        "EMAIL_HOST_PASSWORD": unquote(mail.password or ""),
        "EMAIL_USE_TLS": mail.scheme == "smtp+tls",
        "EMAIL_USE_SSL": mail.scheme == "smtps",
        "EMAIL_TIMEOUT": env_int("EMAIL_TIMEOUT", 10),
    }


globals().update(email_settings(os.environ.get("EMAIL_URL", "")))
DEFAULT_FROM_EMAIL = os.environ.get("EMAIL_FROM", "Chaat <noreply@localhost>")
# The site's address in mailed links (https://chat.example.com); unset, the requesting host's.
SITE_URL = os.environ.get("SITE_URL", "").rstrip("/")
# A password reset link works once, for an hour (Django's token generator).
PASSWORD_RESET_TIMEOUT = 3600

# Web Push (notifications/): the VAPID key pair and contact. VAPID_PRIVATE_KEY is base64url of the
# raw 32-byte P-256 key, or PEM; the public key is derived from it when VAPID_PUBLIC_KEY is unset.
# With neither set, DEBUG=1 generates a pair into var/; without DEBUG, push is off.
VAPID_PRIVATE_KEY = os.environ.get("VAPID_PRIVATE_KEY", "")
VAPID_PUBLIC_KEY = os.environ.get("VAPID_PUBLIC_KEY", "")
VAPID_SUBJECT = os.environ.get("VAPID_SUBJECT", "mailto:admin@localhost")
# Push endpoints allowed besides public https:// hosts: host or host:port, http:// too (for tests).
PUSH_ALLOWED_HOSTS = env_list("PUSH_ALLOWED_HOSTS", "")

# Request limits (contract "Request limits"); THROTTLE_RATES overrides single scopes.
THROTTLE_RATES = {
    "register": "20/hour",
    "login": "10/hour",
    "send": "120/minute",
    "user": "1200/minute",
    "anon": "300/minute",
    # Beyond the contract's table; each far above what a person does by hand.
    "upload": "20/minute",  # avatars, images, files and voice messages per user (contract v1.1)
    "queue": "60/hour",  # matchmaking queue joins per user (15 points a day)
    "ws_frame": "600/minute",  # typing and read frames per user over all their sockets (sends count as `send`)
    "export": "10/hour",  # data exports per user
    "translate": "60/minute",  # translations asked per user (contract v1.1)
    "password_reset": "5/hour",  # reset mails asked, per client IP and per account
    "email": "10/hour",  # confirmation mails per user (a new address on the account)
    "search": "30/minute",  # message searches per user (contract v1.1)
} | parse_rates(os.environ.get("THROTTLE_RATES", ""))

# Security headers; HTTPS-only settings switch on with SECURE_COOKIES (default: when not DEBUG).
SECURE_COOKIES = env_bool("SECURE_COOKIES", not DEBUG)
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = False  # the site's scripts read it for fetch() calls
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", SECURE_COOKIES)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000 if SECURE_COOKIES else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_COOKIES
SECURE_HSTS_PRELOAD = SECURE_COOKIES
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# X-Forwarded-For and X-Forwarded-Proto count only behind a proxy, and only from its addresses
# (chaat/asgi.py applies them; uvicorn's own handling is switched off there).
BEHIND_PROXY = env_bool("BEHIND_PROXY", False)
FORWARDED_ALLOW_IPS = env_list("FORWARDED_ALLOW_IPS", "127.0.0.1")

# Background work (translations now; pushes and mail can add theirs): durable jobs in the database
# (django-tasks with its database backend, Django's own design: `django.tasks` from Django 6.0), run
# by `python manage.py worker`. A failed job is retried WORKER_MAX_ATTEMPTS times in all, after
# WORKER_RETRY_DELAY seconds, doubling; a job whose worker died is run again after WORKER_LEASE.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
WORKER_RETRY_DELAY = env_int("WORKER_RETRY_DELAY", 2)
WORKER_LEASE = env_int("WORKER_LEASE", 120)

# Translation through a LibreTranslate-compatible service (unset: no translation, the site offers none).
TRANSLATION_URL = os.environ.get("TRANSLATION_URL", "").strip()
TRANSLATION_API_KEY = os.environ.get("TRANSLATION_API_KEY", "")
TRANSLATION_TIMEOUT = env_int("TRANSLATION_TIMEOUT", 4)  # seconds for one call, all of it (at most 5)
if not 0 < TRANSLATION_TIMEOUT <= 5:
    raise ImproperlyConfigured("TRANSLATION_TIMEOUT must be 1 to 5 seconds.")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
