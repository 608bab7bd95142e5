"""socialmgr settings: one module, driven by the environment (see README and .env.example)."""

import sys
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from lib.env import env_bool, env_int, env_list, env_str
from socialmgr.email_url import parse_email_url

BASE_DIR = Path(__file__).resolve().parent.parent
# Local state of the embedded default (SQLite file, file broker, cache, dev keys); untracked.
VAR_DIR = Path(env_str("SOCIALMGR_VAR_DIR", str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env_bool("DEBUG", False)
# Under pytest (or a worker process a test starts, which sets SOCIALMGR_TESTING=true).
TESTING = env_bool("SOCIALMGR_TESTING", "pytest" in sys.modules)

# Outside DEBUG a real secret is required; the dev fallback is never used in production.
# Offline commands (manage.py makemigrations …) never serve requests, so they may use it too.
OFFLINE_COMMAND = env_bool("SOCIALMGR_OFFLINE_COMMAND", False)
SECRET_KEY = env_str("SECRET_KEY") or (
    "dev-insecure-key-only-for-local-use" if (DEBUG or TESTING or OFFLINE_COMMAND) else None
)
if not SECRET_KEY:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is false")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
# Absolute base URL of this installation: OAuth redirect URIs and links in emails.
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.usersessions",
    "ops",
    "accounts",
    "content",
    "inbox",
    "analytics",
    "assistant",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "api",
    "mcp_server",
    "socialmgr.portability",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "accounts.middleware.UserPreferencesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # allauth's UserSessionsMiddleware, writing a session's activity at most once a minute.
    "socialmgr.usersessions.ThrottledUserSessionsMiddleware",
]

ROOT_URLCONF = "socialmgr.urls"
FORM_RENDERER = "socialmgr.forms.FormRenderer"
WSGI_APPLICATION = "socialmgr.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.tz",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "socialmgr.context_processors.shell",
                "inbox.context_processors.nav_counts",
                "content.context_processors.content_counts",
            ],
            # `http_url`: platform-supplied URLs become links only when they are http(s).
            "builtins": ["socialmgr.template_builtins"],
        },
    }
]

# --- Database -------------------------------------------------------------------------
# Embedded default: a SQLite file, so `make run` works with no server.
DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'socialmgr.sqlite3'}")
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL + a busy timeout so web, worker and beat can share the file.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
else:
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # The ORM binds parameters client-side and never prepares; the few hot statements that
    # run on server-binding cursors (inbox ingestion) are prepared after this many runs on a
    # connection. Set DATABASE_PREPARE_THRESHOLD= (empty) behind a transaction-pooling
    # PgBouncer older than 1.21, which cannot keep prepared statements.
    _prepare = env_str("DATABASE_PREPARE_THRESHOLD", "5")
    DATABASES["default"].setdefault("OPTIONS", {})["prepare_threshold"] = (
        int(_prepare) if _prepare.strip() else None)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
IS_POSTGRES = DATABASES["default"]["ENGINE"].endswith("postgresql")
# Covering indexes (INCLUDE) are a PostgreSQL optimisation; SQLite builds them without the
# extra columns, which is fine for the embedded default.
SILENCED_SYSTEM_CHECKS = [] if IS_POSTGRES else ["models.W040"]

# --- Cache, broker ----------------------------------------------------------------------
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "socialmgr"),
        }
    }
elif TESTING:
    # Tests without Redis: in memory, emptied before each test (tests/conftest.py), never
    # the development server's cache files.
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
else:
    # Shared between the processes of `make run` (login rate limits must hold across them).
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }

CELERY_BROKER_URL = REDIS_URL or "filesystem://"
if not REDIS_URL:
    (VAR_DIR / "broker").mkdir(exist_ok=True)
CELERY_BROKER_TRANSPORT_OPTIONS = (
    {"visibility_timeout": 3600}
    if REDIS_URL
    else {
        "data_folder_in": str(VAR_DIR / "broker"),
        "data_folder_out": str(VAR_DIR / "broker"),
        "processed_folder": str(VAR_DIR / "broker-processed"),
        # the exchange table, which kombu would otherwise write to ./control in the checkout
        "control_folder": str(VAR_DIR / "broker-control"),
        "store_processed": False,
    }
)
# Tests run tasks inline unless a test starts real worker processes.
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", TESTING)
CELERY_TASK_EAGER_PROPAGATES = TESTING
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
# Inbox polling (inbox/services/poll_planning.py): seconds between two polls of an account's
# inbox and of a saved search through it, and pages read per poll. The beat that queues
# polls runs at least as often as the interval (and looks one tick ahead).
INBOX_POLL_INTERVAL_SECONDS = max(5, env_int("INBOX_POLL_INTERVAL_SECONDS", 60))
INBOX_LISTENING_INTERVAL_SECONDS = max(5, env_int("INBOX_LISTENING_INTERVAL_SECONDS", 300))
INBOX_POLL_MAX_PAGES = env_int("INBOX_POLL_MAX_PAGES", 10)
CELERY_BEAT_SCHEDULE: dict = {
    "ops-heartbeat": {"task": "ops.heartbeat", "schedule": 30.0},
    # Connected accounts: refresh tokens ahead of expiry; remind before non-refreshable ones end.
    "accounts-refresh-tokens": {"task": "accounts.refresh_expiring_tokens", "schedule": 600.0},
    "accounts-expiry-reminders": {"task": "accounts.send_expiry_reminders", "schedule": 3600.0},
    "inbox-polls": {"task": "inbox.enqueue_due_polls",
                    "schedule": float(min(60, INBOX_POLL_INTERVAL_SECONDS))},
    "inbox-listening": {"task": "inbox.enqueue_due_searches",
                        "schedule": float(min(60, INBOX_LISTENING_INTERVAL_SECONDS))},
    "inbox-retention": {"task": "inbox.purge_expired", "schedule": 86400.0},
    "inbox-spike-alerts": {"task": "inbox.detect_spikes", "schedule": 600.0},
    # Snoozed conversations whose time has come: clear the snooze, tell who snoozed them.
    "inbox-wake-snoozed": {"task": "inbox.wake_snoozed", "schedule": 60.0},
    # Publishing pipeline (content/pipeline): the database is the only schedule.
    "publish-dispatch": {"task": "pipeline.dispatch", "schedule": 1.0},
    # Thread parts and first comments, each after the part before it is out.
    "publish-dispatch-parts": {"task": "pipeline.dispatch_parts", "schedule": 1.0},
    "publish-resume-paused": {"task": "pipeline.resume_paused", "schedule": 60.0},
    "publish-watchdog": {"task": "pipeline.watchdog", "schedule": 30.0},
    # Recurring posts: plan every series 8 weeks ahead (idempotent, anchored to the rule).
    "calendar-recurrences": {"task": "calendar.materialise_recurrences", "schedule": 900.0},
    # RSS/Atom feeds: queue a read of each feed that is due (each keeps its own interval).
    "content-feeds": {"task": "content.read_due_feeds", "schedule": 300.0},
    # Outgoing webhooks: retries (with backoff) and deliveries whose first task was lost.
    "api-webhook-dispatch": {"task": "api.dispatch_webhooks", "schedule": 10.0},
    "api-webhook-purge": {"task": "api.purge_webhook_deliveries", "schedule": 3600.0},
    # Analytics: account metrics daily, post metrics at 1 h … 30 d (analytics/services).
    "analytics-collect": {"task": "analytics.enqueue_due", "schedule": 300.0},
    "analytics-monthly-report": {"task": "analytics.send_monthly_reports",
                                 "schedule": crontab(minute=0, hour=6, day_of_month=1)},
}
CELERY_IMPORTS = ("content.tasks.pipeline", "content.tasks.calendar")

# --- Auth (django-allauth) --------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if TESTING:  # fast hashing keeps the suite quick; never used outside tests
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_LOGOUT_REDIRECT_URL = "account_login"
ACCOUNT_ADAPTER = "accounts.adapters.AccountAdapter"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_RATE_LIMITS = {
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
    "confirm_email": "1/3m/key",
}
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[socialmgr] "
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
MFA_PASSKEY_LOGIN_ENABLED = True
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = DEBUG
MFA_TOTP_ISSUER = "socialmgr"
USERSESSIONS_TRACK_ACTIVITY = True
USERSESSIONS_ACTIVITY_INTERVAL = 60  # seconds between writes of a session's "last seen"

# --- Email ------------------------------------------------------------------------------
EMAIL_URL = env_str("EMAIL_URL")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "socialmgr <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Operators of this installation: told when the scheduler stalls (comma-separated emails).
ADMINS = env_list("ADMINS", [])
# Console in development: sign-up confirmation links are printed by `make run`.
MAILERS = {
    "default": parse_email_url(EMAIL_URL)
    if EMAIL_URL
    else {"BACKEND": "django.core.mail.backends.console.EmailBackend"}
}

# --- Internationalisation ---------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("de", _("German"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["socialmgr.formats"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- Static and media -------------------------------------------------------------------
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(VAR_DIR / "staticfiles")))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
# Outside production, serve straight from static/ (no collectstatic needed for `make run`).
WHITENOISE_USE_FINDERS = DEBUG or TESTING
WHITENOISE_AUTOREFRESH = DEBUG
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or TESTING
            else "socialmgr.staticfiles.ManifestStaticStorage"
        )
    },
}
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# --- Security ---------------------------------------------------------------------------
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    # The nonce lets FullCalendar inject its stylesheet (<style nonce> read from the
    # csp-nonce meta tag on the calendar page); inline style attributes stay blocked.
    "style-src": [CSP.SELF, CSP.NONCE],
    "img-src": [CSP.SELF, "data:", "blob:"],
    "connect-src": [CSP.SELF],
    # data: for the icon font FullCalendar's bundle embeds (prev/next arrows)
    "font-src": [CSP.SELF, "data:"],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
    "base-uri": [CSP.NONE],
    "object-src": [CSP.NONE],
}
# Sessions are read from the cache on every request (written through to the database, so
# a cache flush signs no one out).
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the page, not the cookie
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if not DEBUG and not TESTING:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# --- Logging ----------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact": {"()": "lib.redaction.RedactSecretsFilter"}},
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["redact"]}
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # /mcp/ runs a fresh (stateless) session manager per request: its start and stop
        # lines would be two log lines per agent request.
        "mcp.server.streamable_http_manager": {"level": "WARNING"},
    },
}

# --- socialmgr --------------------------------------------------------------------------
INVITATION_MAX_AGE_DAYS = env_int("INVITATION_MAX_AGE_DAYS", 7)
# RSS/Atom feeds (content/services/feeds.py): minutes between two reads of one feed (≥ 5).
FEED_POLL_MINUTES = env_int("FEED_POLL_MINUTES", 30)
# Spike alerts (inbox/services/alerts.py): the fewest items an hour that can be a spike, the
# days of history an account's usual is taken from, and the hours before the same account
# may raise the same kind of alert again.
ALERT_MIN_ITEMS = env_int("ALERT_MIN_ITEMS", 5)
ALERT_BASELINE_DAYS = env_int("ALERT_BASELINE_DAYS", 14)
ALERT_COOLDOWN_HOURS = env_int("ALERT_COOLDOWN_HOURS", 6)
TOKEN_ENCRYPTION_KEYS = env_list("TOKEN_ENCRYPTION_KEYS", [])
# The SSRF guard (lib.netguard) reaches only public addresses, except: the organisation's
# own servers named here (host names, *.domain, IP addresses or CIDR networks; comma-
# separated; none by default), and with the development switch SSRF_ALLOW_LOOPBACK
# 127.0.0.1/::1 (tests, the local sandbox). Both show on the System status page.
SSRF_ALLOW_HOSTS = env_list("SSRF_ALLOW_HOSTS", [])
SSRF_ALLOW_LOOPBACK = env_bool("SSRF_ALLOW_LOOPBACK", False)
# Writing assistant (assistant/client.py): seconds an answer may take, start to end.
ASSISTANT_TIMEOUT = env_int("ASSISTANT_TIMEOUT", 60)
# Bluesky / AT Protocol (platforms/bluesky): where did:plc documents are read, and
# an optional trusted XRPC service answering com.atproto.identity.resolveHandle, tried
# before DNS TXT `_atproto.<handle>` and https://<handle>/.well-known/atproto-did.
ATPROTO_PLC_URL = env_str("ATPROTO_PLC_URL", "https://plc.directory").rstrip("/")
ATPROTO_HANDLE_RESOLVER_URL = env_str("ATPROTO_HANDLE_RESOLVER_URL", "").rstrip("/")
# `atproto-proxy` for app.bsky.* reads (e.g. "did:web:api.bsky.app#bsky_appview");
# empty: each PDS proxies to the AppView it is configured with.
ATPROTO_APPVIEW_PROXY = env_str("ATPROTO_APPVIEW_PROXY", "")
# The web app that shows Bluesky posts ("View" links): bsky.app for the public network;
# empty for a network without one (the pages then say so instead of linking to bsky.app).
BLUESKY_WEB_URL = env_str("BLUESKY_WEB_URL", "https://bsky.app").rstrip("/")
# The sandbox network (sandbox): `make run` starts it on this address.
SANDBOX_URL = env_str("SANDBOX_URL", "http://127.0.0.1:8001").rstrip("/")
# The demo's calm trickle of new inbox items per minute (seed_demo sets the sandbox's knobs;
# at most 5, 0: none). Off in tests.
DEMO_ACTIVITY_PER_MINUTE = 0.0 if TESTING else float(env_str("DEMO_ACTIVITY_PER_MINUTE", "2"))
# Publishing pipeline: how long a claimed target is leased (must exceed the longest
# publish call), attempts before a target fails, targets claimed per dispatcher run.
PUBLISH_LEASE_SECONDS = env_int("PUBLISH_LEASE_SECONDS", 300)
PUBLISH_MAX_ATTEMPTS = env_int("PUBLISH_MAX_ATTEMPTS", 8)
# Hours after its planned time a post waits for an account that needs reconnecting; after
# that it is not published there (it fails with the reason) rather than going out late.
PUBLISH_RECONNECT_WAIT_HOURS = env_int("PUBLISH_RECONNECT_WAIT_HOURS", 24)
PUBLISH_DISPATCH_BATCH = env_int("PUBLISH_DISPATCH_BATCH", 500)
# Claimed targets per worker message (published concurrently by one task), threads per
# worker process making the platform calls, and how far ahead (seconds) a dispatcher run
# looks for a due instant to queue one timed run for (its beat interval).
PUBLISH_TASK_BATCH = env_int("PUBLISH_TASK_BATCH", 50)
PUBLISH_CALL_THREADS = env_int("PUBLISH_CALL_THREADS", 32)
PUBLISH_DISPATCH_LOOKAHEAD = float(env_str("PUBLISH_DISPATCH_LOOKAHEAD", "1.0"))
# Targets are claimed this many seconds before they are due, so the worker has loaded,
# checked and prepared them when the instant comes (it waits for it before calling).
PUBLISH_CLAIM_AHEAD = float(env_str("PUBLISH_CLAIM_AHEAD", "2.0"))
# LinkedIn and Meta connectors (platforms/linkedin, platforms/meta). App
# credentials may also be configured per installation in the UI; these are the env fallback.
LINKEDIN_CLIENT_ID = env_str("LINKEDIN_CLIENT_ID", "")
LINKEDIN_CLIENT_SECRET = env_str("LINKEDIN_CLIENT_SECRET", "")
LINKEDIN_API_VERSION = env_str("LINKEDIN_API_VERSION", "202510")  # YYYYMM; versions sunset
META_APP_ID = env_str("META_APP_ID", "")
META_APP_SECRET = env_str("META_APP_SECRET", "")
META_GRAPH_VERSION = env_str("META_GRAPH_VERSION", "v23.0")
# Shared secret Meta echoes when verifying the webhook subscription (/webhooks/meta/).
META_WEBHOOK_VERIFY_TOKEN = env_str("META_WEBHOOK_VERIFY_TOKEN", "")
# Seconds between Instagram container status checks, and how many checks before giving up.
INSTAGRAM_POLL_INTERVAL = env_int("INSTAGRAM_POLL_INTERVAL", 3)
INSTAGRAM_POLL_ATTEMPTS = env_int("INSTAGRAM_POLL_ATTEMPTS", 20)
# Threads: API version, and how its media containers are polled before publishing.
THREADS_API_VERSION = env_str("THREADS_API_VERSION", "v1.0")
THREADS_POLL_INTERVAL = env_int("THREADS_POLL_INTERVAL", 3)
THREADS_POLL_ATTEMPTS = env_int("THREADS_POLL_ATTEMPTS", 20)

# --- Public API (api) ----------------------------------------------------------
# Requests per API token (DRF rate syntax: "<n>/<second|minute|hour|day>"), counted in the cache.
API_RATE_LIMIT = env_str("API_RATE_LIMIT", "600/minute")
# Outgoing webhooks: attempts per delivery before it is marked failed (exponential backoff).
WEBHOOK_MAX_ATTEMPTS = env_int("WEBHOOK_MAX_ATTEMPTS", 8)
WEBHOOK_TIMEOUT_SECONDS = env_int("WEBHOOK_TIMEOUT_SECONDS", 10)
# Days the delivery log keeps finished deliveries (shown on the webhook's settings page).
WEBHOOK_LOG_DAYS = env_int("WEBHOOK_LOG_DAYS", 30)
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["api.authentication.BearerTokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["api.permissions.HasOrgPermission"],
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.TokenRateThrottle"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "api.schema.ApiAutoSchema",
    "EXCEPTION_HANDLER": "api.exceptions.api_exception_handler",
    "UNAUTHENTICATED_USER": None,
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "socialmgr API",
    "DESCRIPTION": (
        "Organisation-scoped REST API. Authenticate with `Authorization: Bearer smt_…` "
        "(tokens are created by admins under Settings → API tokens; a token acts as its "
        "creator, capped at its role). Errors always look like "
        '`{"detail": "…", "code": "…"}`; invalid input (400) adds '
        '`"errors": {"field": [{"code": "…", "message": "…"}]}` (nested fields dotted, '
        "e.g. `targets.0.account`). "
        "Lists are cursor-paginated: follow `next`.\n\n"
        "Webhooks (Settings → Webhooks) POST `{\"id\", \"event\", \"created_at\", \"data\"}` "
        "for post.published, post.failed, post.deleted (per account), inbox.item_received and "
        "approval.requested, signed in `X-Socialmgr-Signature: t=<unix>,v1=<hex>` = "
        "HMAC-SHA256(secret, \"<t>.<raw body>\"); non-2xx answers are retried with backoff."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_AUTHENTICATION": [],
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {},
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums",
                             "api.schema.require_version_on_patch",
                             "api.schema.empty_filters_mean_not_given"],
}
