"""Settings, read from the environment (12-factor). See README "Configure"."""

import os
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


PACKAGE_DIR = Path(__file__).resolve().parent
VAR_DIR = Path(os.environ.get("PASSCULTURE_VAR_DIR", Path.cwd() / "var")).resolve()

DEBUG = env_bool("DEBUG", True)
ENVIRONMENT = os.environ.get("PASSCULTURE_ENV", "development" if DEBUG else "production")


def _secret_key() -> str:
    key = os.environ.get("SECRET_KEY", "")
    if key:
        return key
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG=0.")
    # Development: a random key kept under var/ so sessions survive restarts.
    path = VAR_DIR / "secret_key"
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        key = secrets.token_urlsafe(50)
        path.write_text(key)
        path.chmod(0o600)
        return key


SECRET_KEY = _secret_key()
# Previous keys during a rotation (docs/operations/runbook.md): sessions, signed links and password-reset
# tokens made with them stay valid while new ones use SECRET_KEY. Empty once every old one has expired.
SECRET_KEY_FALLBACKS = env_list("SECRET_KEY_FALLBACKS")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1],testserver" if DEBUG else "")
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set when DEBUG=0.")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    # Django's admin, whose default site (the back office) signs in through the throttled login.
    "passculture.interfaces.backoffice.admin_app.BackofficeAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    # The French State design system (templates, vendored DSFR assets) for the pro portal. Before
    # django.forms so that its checkbox/radio widget templates take precedence.
    "dsfr",
    "django.forms",
    "widget_tweaks",
    # Serves the API docs page with django-ninja's bundled Swagger UI instead of a CDN.
    "ninja",
    "passculture.core.common",
    "passculture.core.users",
    "passculture.core.offerers",
    "passculture.core.films",
    "passculture.core.offers",
    "passculture.core.favourites",
    "passculture.core.credit",
    "passculture.core.identity",
    "passculture.core.bookings",
    "passculture.core.notifications",
    "passculture.core.jobs",
    "passculture.core.finance",
    "passculture.core.providers.allocine",
    "passculture.core.providers.ticketing",
    # Before the interfaces: the checks every form field runs (interfaces/inputs.py).
    "passculture.interfaces",
    "passculture.interfaces.app",
    "passculture.interfaces.pro",
    "passculture.interfaces.backoffice",
    "passculture.demo",
]

MIDDLEWARE = [
    # /healthz, /readyz and /metrics answered before any host check, redirect or session (interfaces/ops).
    "passculture.interfaces.ops.middleware.OpsEndpointsMiddleware",
    # The request id, the request log line and the per-route metrics (decision 0036).
    "passculture.interfaces.ops.middleware.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Every error under /api/ answers JSON {code, message}: unknown paths, wrong methods, 500s included.
    "passculture.interfaces.api.middleware.ApiErrorMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Content-Security-Policy (per-request nonce) and Permissions-Policy: interfaces/security.py.
    "passculture.interfaces.security.SecurityHeadersMiddleware",
    # French error pages under DEBUG too (`make run`); with DEBUG=0 the urls.py handlers give the same ones.
    "passculture.interfaces.error_pages.ErrorPagesMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "passculture.urls"
CSRF_FAILURE_VIEW = "passculture.interfaces.error_pages.csrf_failure"
# 1: Django's technical (English) 404 and 500 pages under DEBUG, for a developer chasing a bug. The
# traceback of a 500 is logged either way.
TECHNICAL_ERROR_PAGES = env_bool("TECHNICAL_ERROR_PAGES", False)
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"
WSGI_APPLICATION = "passculture.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "passculture.interfaces.pro.context_processors.pro_menu",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'passculture.sqlite3'}",
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
        # A persistent connection the server dropped (restart, failover, pg_terminate_backend) is
        # noticed before its first use in a request and replaced, instead of failing that request.
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers run beside one writer; IMMEDIATE takes the write lock at BEGIN so two
    # concurrent writers queue (busy timeout) instead of failing halfway with "database is locked".
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL;PRAGMA foreign_keys=ON",
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
    }
    if DATABASES["default"]["NAME"] not in ("", ":memory:"):
        Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
elif os.environ.get("DATABASE_PREPARED_STATEMENTS", "1") != "0":
    # The few hot statements of core.common.rows (the booking's) are prepared once per connection; the
    # ORM's queries never are (client-side binding). "0" turns it off: a pooler in transaction mode
    # that does not track prepared statements (PgBouncer before 1.21). Decision 0040.
    DATABASES["default"].setdefault("OPTIONS", {})["prepare_threshold"] = 5
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "users.User"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "/backoffice/login/"

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", "Français")]
TIME_ZONE = os.environ.get("TIME_ZONE", "Europe/Paris")
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [PACKAGE_DIR / "locale"]

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
# Uploaded files (offer images) over this size are dropped while they arrive, never stored.
MAX_UPLOAD_FILE_BYTES = 10 * 1024 * 1024
FILE_UPLOAD_HANDLERS = [
    "passculture.interfaces.uploads.SizeLimitUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
# Development (DEBUG, tests): whitenoise serves straight from the finders and picks up edited files without
# collectstatic. Production and `passculture serve` (`make run`, whatever DEBUG says: its command switches
# to this storage) serve the collected files, gzip-compressed, under hashed names cached for a year.
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "passculture.interfaces.static_files.CollectedStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# django-dsfr adds the package's SRI digests (integrity="sha384-...") to DSFR's stylesheets and scripts. The
# collected storage rewrites the url(...) inside them to hashed names, so the digests no longer match and
# browsers refuse the files: the pro portal lost all of DSFR under `make run` and in production. They are
# our own same-origin files, so a digest adds nothing that the CSP's 'self' does not.
DSFR_USE_INTEGRITY_CHECKSUMS = False

# Cache: Redis when CACHE_URL=redis://127.0.0.1:6379/1 is set. The rate-limit counters (sign-in, emails
# sent, countermarks) are always shared by every worker: in that Redis when set, else in the database
# (core.common.counters, docs/decisions/0015-rate-limit-counters.md).
CACHE_URL = os.environ.get("CACHE_URL", "")
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}
    if CACHE_URL
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
}
RATE_LIMIT_REDIS_URL = CACHE_URL

# Emails. EMAIL_BACKEND: "files" (default: .eml files under var/mail/ and printed), "smtp",
# "console", "locmem", or a dotted path.
_EMAIL_BACKENDS = {
    "files": "passculture.core.notifications.backends.FileAndConsoleBackend",
    "smtp": "django.core.mail.backends.smtp.EmailBackend",
    "console": "django.core.mail.backends.console.EmailBackend",
    "locmem": "django.core.mail.backends.locmem.EmailBackend",
}
_email_backend = os.environ.get("EMAIL_BACKEND", "files")
EMAIL_BACKEND = _EMAIL_BACKENDS.get(_email_backend, _email_backend)
EMAIL_FILE_PATH = VAR_DIR / "mail"
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "10"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "pass Culture <support@passculture.local>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_MAX_ATTEMPTS = int(os.environ.get("EMAIL_MAX_ATTEMPTS", "10"))

# Web push (decision 0032). VAPID keys as base64url (the raw 32-byte private scalar, the 65-byte public
# point): `passculture generate_vapid_keys` prints a pair. Or VAPID_KEY_FILE, a JSON file
# {"public_key", "private_key"}: with DEBUG on and no key set, one is generated there on first use so
# that `make run` works. With no key at all, the app does not offer notifications.
VAPID_PUBLIC_KEY = os.environ.get("VAPID_PUBLIC_KEY", "")
VAPID_PRIVATE_KEY = os.environ.get("VAPID_PRIVATE_KEY", "")
VAPID_KEY_FILE = Path(os.environ.get("VAPID_KEY_FILE", VAR_DIR / "vapid_keys.json"))
# Who the push services contact about our traffic (RFC 8292): a mailto: or https: URL.
VAPID_SUBJECT = os.environ.get("VAPID_SUBJECT", "mailto:support@passculture.local")
# Subscriptions are accepted only for these push services' hosts (and their subdomains): the server
# POSTs to the endpoint, so an arbitrary URL would let anyone make it call any address.
WEB_PUSH_ALLOWED_HOSTS = env_list(
    "WEB_PUSH_ALLOWED_HOSTS",
    "fcm.googleapis.com,android.googleapis.com,push.services.mozilla.com,notify.windows.com,push.apple.com",
)
# http:// endpoints on 127.0.0.1, ::1 or localhost (a local push service in tests and demos), never else.
WEB_PUSH_ALLOW_LOOPBACK = env_bool("WEB_PUSH_ALLOW_LOOPBACK", False)
WEB_PUSH_MAX_ATTEMPTS = int(os.environ.get("WEB_PUSH_MAX_ATTEMPTS", "8"))
WEB_PUSH_TIMEOUT = float(os.environ.get("WEB_PUSH_TIMEOUT", "5"))
# How long a push service keeps a message for a device that is offline (the TTL header, seconds).
WEB_PUSH_TTL = int(os.environ.get("WEB_PUSH_TTL", str(12 * 3600)))

# Celery: with no broker, tasks run eagerly in-process and runjobs drains the email outbox.
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_BROKER_CONNECTION_TIMEOUT = 3
CELERY_BROKER_CONNECTION_MAX_RETRIES = 0
CELERY_BROKER_TRANSPORT_OPTIONS = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2}
CELERY_TIMEZONE = TIME_ZONE

# Native app API tokens.
ACCESS_TOKEN_LIFETIME_SECONDS = int(os.environ.get("ACCESS_TOKEN_LIFETIME_SECONDS", "900"))
REFRESH_TOKEN_LIFETIME_SECONDS = int(os.environ.get("REFRESH_TOKEN_LIFETIME_SECONDS", str(30 * 24 * 3600)))

# National address API (BAN format) for geocoding venues; an empty string disables it and the packaged
# gazetteer of communes answers alone (offline).
ADRESSE_API_URL = os.environ.get("ADRESSE_API_URL", "https://api-adresse.data.gouv.fr").rstrip("/")
ADRESSE_API_TIMEOUT = float(os.environ.get("ADRESSE_API_TIMEOUT", "3"))
ADRESSE_API_MIN_SCORE = float(os.environ.get("ADRESSE_API_MIN_SCORE", "0.5"))

# Tiles of the map of cinemas (/carte/), a URL template in Leaflet's format ({z}/{x}/{y}, {s} for a
# subdomain). OpenStreetMap's own server by default: its tile policy asks for the attribution below and a
# light use; a busy deployment sets its own tile server. An empty URL shows the cinemas as a list only.
# Only this page's Content-Security-Policy allows images from the tiles' origin.
MAP_TILES_URL = os.environ.get("MAP_TILES_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png").strip()
MAP_TILES_ATTRIBUTION = os.environ.get("MAP_TILES_ATTRIBUTION", "© les contributeurs d'OpenStreetMap")
MAP_TILES_ATTRIBUTION_URL = os.environ.get(
    "MAP_TILES_ATTRIBUTION_URL", "https://www.openstreetmap.org/copyright"
)

# Where pros write for help (shown, e.g., when a cinema is not on the Allociné theatre list).
PASSCULTURE_SUPPORT_PRO_EMAIL = os.environ.get(
    "PASSCULTURE_SUPPORT_PRO_EMAIL", "support-pro@passculture.local"
)

# Whose yearly revenue the reimbursement thresholds count (RULES.md "Reimbursement"): "venue" (the real
# service, the default) or "offerer" (the seed's "per cultural actor"). Change it only at a year's start.
PASSCULTURE_REIMBURSEMENT_SCOPE = os.environ.get("PASSCULTURE_REIMBURSEMENT_SCOPE", "venue")
# Processes that price reimbursable bookings at once (PostgreSQL only; each takes its share of venues).
# 1 is enough day to day; a backlog of a year (a million bookings) prices about 1.5x faster with 2.
PASSCULTURE_PRICING_WORKERS = int(os.environ.get("PASSCULTURE_PRICING_WORKERS", "1"))

# Legal notices and the accessibility statement (pages /mentions-legales/ and /accessibilite/): who publishes
# this instance, who hosts it, whom to write to. The defaults say what an operator must fill in.
PASSCULTURE_PUBLISHER_NAME = os.environ.get(
    "PASSCULTURE_PUBLISHER_NAME", "Éditeur à renseigner (PASSCULTURE_PUBLISHER_NAME)"
)
PASSCULTURE_PUBLISHER_ADDRESS = os.environ.get("PASSCULTURE_PUBLISHER_ADDRESS", "Adresse à renseigner")
PASSCULTURE_PUBLICATION_DIRECTOR = os.environ.get(
    "PASSCULTURE_PUBLICATION_DIRECTOR", "Directeur ou directrice de la publication à renseigner"
)
PASSCULTURE_HOST_NAME = os.environ.get(
    "PASSCULTURE_HOST_NAME", "Hébergeur à renseigner (PASSCULTURE_HOST_NAME)"
)
PASSCULTURE_HOST_ADDRESS = os.environ.get("PASSCULTURE_HOST_ADDRESS", "Adresse de l'hébergeur à renseigner")
PASSCULTURE_CONTACT_EMAIL = os.environ.get("PASSCULTURE_CONTACT_EMAIL", "support@passculture.local")
PASSCULTURE_PRIVACY_EMAIL = os.environ.get(
    "PASSCULTURE_PRIVACY_EMAIL", "donnees-personnelles@passculture.local"
)
PASSCULTURE_ACCESSIBILITY_EMAIL = os.environ.get(
    "PASSCULTURE_ACCESSIBILITY_EMAIL", "accessibilite@passculture.local"
)

# Identity checks: the providers that may receive a submission (dotted paths; the first is the default),
# and where document photos are kept: a private directory, never under MEDIA_ROOT nor served by URL.
IDENTITY_PROVIDERS = env_list(
    "IDENTITY_PROVIDERS", "passculture.core.identity.providers.ManualReviewProvider"
)
IDENTITY_DOCUMENTS_ROOT = Path(os.environ.get("IDENTITY_DOCUMENTS_ROOT", VAR_DIR / "private" / "identity"))
# Large booking exports written by a job: private too, served only to the pro who asked (24 h).
BOOKING_EXPORTS_ROOT = Path(os.environ.get("BOOKING_EXPORTS_ROOT", VAR_DIR / "private" / "exports"))

# Public base URL, used in emails.
PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL", "http://127.0.0.1:8000").rstrip("/")

# Company registry ("API Recherche d'entreprises") used at pro sign-up to check a SIREN.
ENTREPRISES_API_URL = os.environ.get(
    "ENTREPRISES_API_URL", "https://recherche-entreprises.api.gouv.fr"
).rstrip("/")
ENTREPRISES_API_TIMEOUT = float(os.environ.get("ENTREPRISES_API_TIMEOUT", "5"))

# Allociné's GraphQL proxy, read by the showtime import (`movieShowtimeList?theater=<id>`, bearer token).
ALLOCINE_API_DEFAULT_URL = "https://graph-api-proxy.allocine.fr/api/query"
ALLOCINE_API_URL = (os.environ.get("ALLOCINE_API_URL") or ALLOCINE_API_DEFAULT_URL).rstrip("/")
ALLOCINE_API_KEY = os.environ.get("ALLOCINE_API_KEY", "")
# Read timeout in seconds (connecting has its own 5 s): a large theatre's feed takes a while to build.
ALLOCINE_API_TIMEOUT = float(os.environ.get("ALLOCINE_API_TIMEOUT", "20"))
# Worker processes of the daily import on PostgreSQL (decision 0042): 0 or empty = as many as the CPUs this
# process may use, at most 8; 1 = every venue in the calling process (SQLite always).
ALLOCINE_IMPORT_PROCESSES = int(os.environ.get("ALLOCINE_IMPORT_PROCESSES") or 0)

# Cinemas' ticketing systems (decision 0029): how long a booking call may take, the key the providers'
# signing secrets are derived from (never stored), http:// allowed for 127.0.0.1/localhost (the demo's
# reference system), and the reference system `serve` starts for the demo cinema (port 0 = free port).
TICKETING_TIMEOUT_SECONDS = float(os.environ.get("TICKETING_TIMEOUT_SECONDS", "5"))
TICKETING_SIGNING_KEY = os.environ.get("TICKETING_SIGNING_KEY", "") or ("ticketing:" + SECRET_KEY)
TICKETING_ALLOW_HTTP_LOOPBACK = env_bool("TICKETING_ALLOW_HTTP_LOOPBACK", DEBUG)
DEMO_TICKETING_SERVER = env_bool("DEMO_TICKETING_SERVER", DEBUG)
DEMO_TICKETING_PORT = int(os.environ.get("DEMO_TICKETING_PORT", "0"))

# pass Culture's own bank account, the debtor of the reimbursement transfer files (pain.001). The
# defaults are a demo account (valid checksum, no real money): production must set all three.
SEPA_DEBTOR_NAME = os.environ.get("SEPA_DEBTOR_NAME", "pass Culture (démo)")
SEPA_DEBTOR_IBAN = os.environ.get("SEPA_DEBTOR_IBAN", "FR7630001000640000001234559")
SEPA_DEBTOR_BIC = os.environ.get("SEPA_DEBTOR_BIC", "BDFEFRPPCCT")

if not DEBUG:
    SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", True)
    CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", True)
    SECURE_CONTENT_TYPE_NOSNIFF = True
    # HSTS: Django sends it on secure requests only (HTTPS, or behind a proxy trusted below). Preload is
    # a commitment to browsers' built-in lists, hence opt-in.
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(365 * 24 * 3600)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
    # Usually the reverse proxy redirects HTTP to HTTPS; 1 makes Django do it too.
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
# Only behind a reverse proxy that sets X-Forwarded-Proto itself (overwriting the client's): trusted
# otherwise, any client could make a plain-HTTP request look secure to Django.
TRUST_X_FORWARDED_PROTO = env_bool("TRUST_X_FORWARDED_PROTO", False)
if TRUST_X_FORWARDED_PROTO:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Operations (docs/operations/observability.md, decision 0036).
# Logs: "json" (one object per line, the production default) or "text" (readable, the DEBUG default).
LOG_FORMAT = os.environ.get("LOG_FORMAT", "text" if DEBUG else "json").strip().lower()
if LOG_FORMAT not in ("json", "text"):
    raise ImproperlyConfigured("LOG_FORMAT must be json or text.")
# The key of the users' pseudonyms in the request log (an HMAC of the id); derived from SECRET_KEY if empty.
LOG_PSEUDONYM_KEY = os.environ.get("LOG_PSEUDONYM_KEY", "")
# Prometheus: /metrics answers 404 while this is empty, 401 without `Authorization: Bearer <token>`.
METRICS_TOKEN = os.environ.get("METRICS_TOKEN", "")
METRICS_PATH = "/metrics"
# Sentry: off when empty. No personal data is sent (passculture/sentry.py).
SENTRY_DSN = os.environ.get("SENTRY_DSN", "")
SENTRY_TRACES_SAMPLE_RATE = float(os.environ.get("SENTRY_TRACES_SAMPLE_RATE", "0"))
if SENTRY_DSN:
    from passculture.sentry import init as _init_sentry

    _init_sentry(
        SENTRY_DSN,
        environment=ENVIRONMENT,
        release=os.environ.get("SENTRY_RELEASE", ""),
        traces_sample_rate=SENTRY_TRACES_SAMPLE_RATE,
    )

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {"()": "passculture.core.common.logs.RequestIdFilter"},
        "paths": {"()": "passculture.core.common.logs.PathArgumentsFilter"},
    },
    "formatters": {
        "text": {"()": "passculture.core.common.logs.TextFormatter"},
        "json": {"()": "passculture.core.common.logs.JsonFormatter"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT, "filters": ["request_id"]}
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "django.request": {"filters": ["paths"]},
        "django.server": {"filters": ["paths"]},
    },
}
