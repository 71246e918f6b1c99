"""Django settings for Pactline, read from the environment.

Every knob has a safe default for the embedded (SQLite, single machine) mode; production
refusals live in `pactline check --deploy` (see pactline.checks).
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
import dj_email_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a boolean (use 1/0, true/false, yes/no)")


DATA_DIR = Path(os.environ.get("PACTLINE_DATA_DIR", PROJECT_DIR / "var")).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)

DEV_SECRET = "pactline-development-secret-do-not-use-in-production"
SECRET_KEY = os.environ.get("SECRET_KEY", DEV_SECRET)
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",")
    if h.strip()
]
BASE_URL = os.environ.get("PACTLINE_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
CSRF_TRUSTED_ORIGINS = [BASE_URL]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "pactline.accounts",
    "pactline.activity",
    "pactline.contracts",
    "pactline.milestones",
    "pactline.customfields",
    "pactline.transfer",
    "pactline.notifications",
    "pactline.collab",
    "pactline.review",
    "pactline.reports",
    "pactline.savedviews",
    "pactline.web",
    "huey.contrib.djhuey",
    "axes",
    "csp",
]

MIDDLEWARE = [
    "pactline.ops.middleware.RequestIdMiddleware",
    "pactline.ops.middleware.BusyDatabaseMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "pactline.accounts.middleware.CurrentOrganisationMiddleware",
    # Last, as django-axes asks: it turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]
# The HTTP load benchmark (bench/load.py) counts each request's SQL queries; never set it in
# production.
if os.environ.get("PACTLINE_QUERY_COUNT_HEADER") == "1":
    MIDDLEWARE.insert(0, "pactline.ops.querycount.QueryCountMiddleware")

ROOT_URLCONF = "pactline.urls"
WSGI_APPLICATION = "pactline.wsgi.application"

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
                "pactline.accounts.context_processors.organisation",
            ],
            # {% term "contracts" %}: the organisation's words (pactline.accounts.terminology)
            "builtins": [
                "pactline.accounts.templatetags.terminology",
                "pactline.milestones.templatetags.milestone_types",
            ],
        },
    },
]

_default_db = f"sqlite:///{DATA_DIR / 'pactline.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(os.environ.get("DATABASE_URL", _default_db))}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite as a real database: WAL so readers never block the writer, IMMEDIATE transactions
    # so concurrent writers queue on the busy timeout instead of failing with "database is locked".
    # A write that still finds the database locked after the wait answers 503 + Retry-After
    # (pactline.ops.middleware.BusyDatabaseMiddleware); its transaction was rolled back.
    _busy = float(os.environ.get("PACTLINE_SQLITE_BUSY_SECONDS", 30))
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": _busy,
        "init_command": (
            "PRAGMA journal_mode=WAL;"
            "PRAGMA synchronous=NORMAL;"
            "PRAGMA foreign_keys=ON;"
            f"PRAGMA busy_timeout={int(_busy * 1000)};"
        ),
    }
    DATABASES["default"]["TEST"] = {"NAME": os.environ.get("PACTLINE_TEST_SQLITE") or None}
# Connections are kept between requests (per server thread): opening one per request cost a
# SQLite connection, its PRAGMAs and a cold page and schema cache every time (issue 9).
# (dj_database_url puts CONN_MAX_AGE=0 in the dict, so a setdefault here never took.)
DATABASES["default"]["CONN_MAX_AGE"] = int(os.environ.get("PACTLINE_CONN_MAX_AGE", 600))
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "contract-list"
LOGOUT_REDIRECT_URL = "login"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
]

SESSION_COOKIE_AGE = int(os.environ.get("SESSION_COOKIE_AGE", 14 * 24 * 3600))
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
# Behind HTTPS (SECURE_COOKIES=1) browsers are told to stay on HTTPS for a year.
SECURE_HSTS_SECONDS = int(
    os.environ.get("SECURE_HSTS_SECONDS", 31536000 if SESSION_COOKIE_SECURE else 0)
)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BEHIND_PROXY", False) else None
)
SILENCED_SYSTEM_CHECKS = ["security.W008"]  # TLS is usually terminated by the reverse proxy
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CSRF_COOKIE_HTTPONLY = True  # pages carry the token in hx-headers; no script reads the cookie
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

# Content-Security-Policy (django-csp): scripts and styles come only from our static files; no
# inline <script>, style attribute or eval anywhere (tests/web/test_csp.py keeps templates so,
# tests/browser/test_csp.py watches the browser). The sent-mail preview alone allows the inline
# styles of the e-mail it shows (pactline.notifications.views.admin.mail_detail).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
MEDIA_ROOT = DATA_DIR / "media"

DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

# Milestones due within this many days (and not yet late) are "due soon".
PACTLINE_DUE_SOON_DAYS = int(os.environ.get("PACTLINE_DUE_SOON_DAYS", 7))
PACTLINE_PAGE_SIZE = 25

# Logs carry the request id; LOG_FORMAT=json writes one JSON object per line.
LOG_FORMAT = os.environ.get("LOG_FORMAT", "text")
if LOG_FORMAT not in {"text", "json"}:
    raise ImproperlyConfigured(f"LOG_FORMAT={LOG_FORMAT!r}: use text or json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "pactline.ops.middleware.RequestIdFilter"}},
    "formatters": {
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(request_id)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # django-axes: failed sign-ins and lockouts (WARNING), not every bookkeeping step.
        "axes": {"level": "WARNING"},
        # One handler, so the worker does not print every line twice; every task run (one per
        # few seconds) only at HUEY_LOG_LEVEL=INFO, the consumer's start and errors always.
        "huey": {
            "handlers": ["console"],
            "level": os.environ.get("HUEY_LOG_LEVEL", "WARNING"),
            "propagate": False,
        },
        "huey.consumer": {"level": "INFO"},
        "huey.consumer.Scheduler": {"level": os.environ.get("HUEY_LOG_LEVEL", "WARNING")},
    },
}

# Prometheus: web processes share their counters through this directory (cleared at start).
METRICS_DIR = Path(os.environ.setdefault("PROMETHEUS_MULTIPROC_DIR", str(DATA_DIR / "metrics")))
METRICS_DIR.mkdir(parents=True, exist_ok=True)
# Without a token, /metrics answers only on loopback (a scraper on the same host or proxy).
PACTLINE_METRICS_TOKEN = os.environ.get("PACTLINE_METRICS_TOKEN", "")


# --- background work, e-mail, notifications (issue 4) -----------------------------------------

# Huey: Redis when REDIS_URL is set (several machines), else a SQLite file in the data directory.
REDIS_URL = os.environ.get("REDIS_URL", "")
HUEY_WORKERS = int(os.environ.get("HUEY_WORKERS", 4))
_huey_consumer = {"workers": HUEY_WORKERS, "worker_type": "thread", "periodic": True}
if REDIS_URL:
    HUEY = {
        "huey_class": "huey.RedisHuey",
        "name": os.environ.get("HUEY_NAME", "pactline"),
        "url": REDIS_URL,
        "immediate": env_bool("PACTLINE_HUEY_IMMEDIATE", False),
        "consumer": _huey_consumer,
    }
else:
    HUEY = {
        "huey_class": "huey.SqliteHuey",
        "name": "pactline",
        "filename": str(DATA_DIR / "huey.sqlite3"),
        "immediate": env_bool("PACTLINE_HUEY_IMMEDIATE", False),
        "consumer": _huey_consumer,
    }

# E-mail: EMAIL_URL (smtp://user:pass@host:587?tls=1, submission://..., console://); without
# it every message is written as an .eml file under DATA_DIR/mail, viewable by admins in the app.
PACTLINE_MAIL_DIR = DATA_DIR / "mail"
EMAIL_URL = os.environ.get("EMAIL_URL", "")
if EMAIL_URL:
    _email = dj_email_url.parse(EMAIL_URL)
    if "EMAIL_BACKEND" not in _email:
        raise ImproperlyConfigured(
            f"EMAIL_URL: unknown scheme in {EMAIL_URL.split(':')[0]!r} (use smtp://, "
            "submission://, console://, file://)"
        )
    EMAIL_BACKEND = _email["EMAIL_BACKEND"]
    EMAIL_HOST = _email["EMAIL_HOST"] or "localhost"
    EMAIL_PORT = _email["EMAIL_PORT"] or 25
    EMAIL_HOST_USER = _email["EMAIL_HOST_USER"] or ""
    EMAIL_HOST_PASSWORD = _email["EMAIL_HOST_PASSWORD"] or ""
    EMAIL_USE_TLS = _email["EMAIL_USE_TLS"]
    EMAIL_USE_SSL = _email["EMAIL_USE_SSL"]
    EMAIL_TIMEOUT = _email["EMAIL_TIMEOUT"] or 20
    EMAIL_FILE_PATH = _email["EMAIL_FILE_PATH"] or str(PACTLINE_MAIL_DIR)
    _from = _email.get("DEFAULT_FROM_EMAIL")
else:
    EMAIL_BACKEND = "pactline.notifications.channels.email.backend.EmlFileBackend"
    EMAIL_FILE_PATH = str(PACTLINE_MAIL_DIR)
    _from = None
DEFAULT_FROM_EMAIL = os.environ.get("PACTLINE_FROM_EMAIL", _from or "Pactline <pactline@localhost>")

# Outbound HTTP (webhooks, Slack, Teams): private, loopback and link-local addresses are refused
# unless this is on (tests and single-machine set-ups talking to a local receiver).
PACTLINE_ALLOW_PRIVATE_WEBHOOKS = env_bool("PACTLINE_ALLOW_PRIVATE_WEBHOOKS", False)
PACTLINE_HTTP_TIMEOUT = float(os.environ.get("PACTLINE_HTTP_TIMEOUT", 10))
# Retries back off exponentially (1, 2, 4 ... minutes, at most 4 h apart): 12 attempts ≈ 17 h.
PACTLINE_DELIVERY_MAX_ATTEMPTS = int(os.environ.get("PACTLINE_DELIVERY_MAX_ATTEMPTS", 12))
PACTLINE_DELIVERY_BACKOFF_SECONDS = int(os.environ.get("PACTLINE_DELIVERY_BACKOFF_SECONDS", 60))
PACTLINE_DELIVERY_BACKOFF_MAX_SECONDS = int(
    os.environ.get("PACTLINE_DELIVERY_BACKOFF_MAX_SECONDS", 4 * 3600)
)
# A subscription whose deliveries keep failing this many attempts in a row is disabled.
PACTLINE_WEBHOOK_DISABLE_AFTER = int(os.environ.get("PACTLINE_WEBHOOK_DISABLE_AFTER", 15))
# Reminders: how long a sweep's claim on a due row lasts before another worker may retake it,
# how many rows one claim takes, and how late a missed "before"/"due" reminder is still sent.
PACTLINE_REMINDER_LEASE_SECONDS = int(os.environ.get("PACTLINE_REMINDER_LEASE_SECONDS", 300))
PACTLINE_REMINDER_BATCH = int(os.environ.get("PACTLINE_REMINDER_BATCH", 500))
PACTLINE_DELIVERY_LEASE_SECONDS = int(os.environ.get("PACTLINE_DELIVERY_LEASE_SECONDS", 300))
PACTLINE_REMINDER_GRACE_HOURS = int(os.environ.get("PACTLINE_REMINDER_GRACE_HOURS", 36))
# Signed action links in e-mails ("mark done", "snooze 3 days") expire after this many days.
PACTLINE_LINK_MAX_AGE_DAYS = int(os.environ.get("PACTLINE_LINK_MAX_AGE_DAYS", 14))
# Digests go out at this local hour of each recipient (weekly ones on Mondays).
PACTLINE_DIGEST_HOUR = int(os.environ.get("PACTLINE_DIGEST_HOUR", 8))


# --- access and collaboration (issue 5) -------------------------------------------------------

# Documents are stored through this storage (the default: a directory under the data
# directory, never served by a public URL); downloads go through a view that checks access.
PACTLINE_DOCUMENT_STORAGE = os.environ.get("PACTLINE_DOCUMENT_STORAGE", "default")
PACTLINE_MAX_UPLOAD_MB = float(os.environ.get("PACTLINE_MAX_UPLOAD_MB", 25))
PACTLINE_ALLOWED_UPLOAD_TYPES = [
    ext.strip().lower().lstrip(".")
    for ext in os.environ.get(
        "PACTLINE_ALLOWED_UPLOAD_TYPES",
        "pdf,docx,xlsx,pptx,odt,ods,odp,doc,xls,txt,csv,md,png,jpg,jpeg,gif,zip",
    ).split(",")
    if ext.strip()
]
# Invitations and signed contact links expire after this many days.
PACTLINE_INVITATION_DAYS = int(os.environ.get("PACTLINE_INVITATION_DAYS", 14))
PACTLINE_CONTACT_LINK_DAYS = int(os.environ.get("PACTLINE_CONTACT_LINK_DAYS", 14))

# Sign-in throttling (django-axes): after AXES_FAILURE_LIMIT failed attempts for one address
# from one IP, that pair is locked out for AXES_COOLOFF_HOURS; a success resets the count.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", 10))
AXES_COOLOFF_TIME = float(os.environ.get("AXES_COOLOFF_HOURS", 1))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "username"  # the sign-in form's field (it holds the e-mail address)
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False
# Behind N reverse proxies that each append to X-Forwarded-For, the client is the N-th address
# from the right (pactline/clientip.py); 0 trusts no header. BEHIND_PROXY=1 alone means one.
PACTLINE_TRUSTED_PROXIES = int(
    os.environ.get("PACTLINE_TRUSTED_PROXIES", 1 if env_bool("BEHIND_PROXY", False) else 0)
)
AXES_CLIENT_IP_CALLABLE = "pactline.clientip.address_of"
# Without "keep me signed in" a session ends with the browser; with it, after this long.
SESSION_EXPIRE_AT_BROWSER_CLOSE = False  # decided per sign-in (pactline.web.views)
PASSWORD_RESET_TIMEOUT = int(os.environ.get("PASSWORD_RESET_TIMEOUT", 3 * 24 * 3600))


# --- rate limits and caches (issue 10) ----------------------------------------------------------

# The cache holds the rate-limit counters: Redis when REDIS_URL is set (shared by all processes),
# else one in-memory cache per process (limits then apply per process).
# Megabytes of stored API list answers per process (pactline.api_cache); 0 computes every one.
PACTLINE_ANSWER_CACHE_MB = float(os.environ.get("PACTLINE_ANSWER_CACHE_MB", 32))
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "pactline"}
    ),
}
# Failures allowed per client address and window before 429 (django-ratelimit rates: "20/m",
# "100/h"; empty switches a group off): sign-in form posts that fail (on top of django-axes'
# lockout per address and account), wrong API tokens, unknown or expired signed links,
# contact links, invitations and calendar feed addresses.
PACTLINE_RATE_LIMITS = {
    "sign-in": os.environ.get("PACTLINE_RATE_SIGN_IN", "30/10m"),
    "api-token": os.environ.get("PACTLINE_RATE_API_TOKEN", "30/m"),
    "link": os.environ.get("PACTLINE_RATE_LINK", "30/m"),
}
RATELIMIT_FAIL_OPEN = True  # a cache outage must not lock everybody out
