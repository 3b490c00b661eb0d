"""Koldoo settings, read from the environment (12-factor).

KOLDOO_ENV is "demo" (the default: SQLite, generated key file, console mail)
or "production" (keys required, HTTPS-only cookies, HSTS).
"""

import os
from pathlib import Path

import dj_database_url
from whitenoise.compress import Compressor

from koldoo.keyring import load_keyring

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("KOLDOO_VAR_DIR", BASE_DIR / "var"))

KOLDOO_ENV = os.environ.get("KOLDOO_ENV", "demo")
if KOLDOO_ENV not in ("demo", "production"):
    raise RuntimeError("KOLDOO_ENV must be 'demo' or 'production'")
PRODUCTION = KOLDOO_ENV == "production"

KEYRING = load_keyring(
    os.environ,
    Path(os.environ.get("KOLDOO_KEY_FILE", VAR_DIR / "keys.json")),
    create_if_missing=not PRODUCTION,
)
SECRET_KEY = KEYRING.secret_key
DEBUG = os.environ.get("KOLDOO_DEBUG", "") == "1" and not PRODUCTION

ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get("ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost").split(",")
    if h.strip()
]
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "drf_spectacular",
    "simple_history",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "django_tasks",
    "django_tasks_db",
    "apps.core",
    "apps.accounts",
    "apps.people",
    "apps.cases",
    "apps.hotline",
    "apps.screening",
    "apps.monitoring",
    "apps.assistance",
    "apps.referrals",
    "apps.statistics",
    "apps.exchange",
    "apps.legal",
    "apps.violations",
    "apps.institutions",
    "apps.missing",
    "apps.prevention",
    "apps.grants",
    "apps.linkage",
    "apps.operations",
    "apps.home",
    "apps.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "apps.core.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # HTML compressed (WhiteNoise above serves static files already compressed). BREACH:
    # compressing pages that carry a secret next to attacker-chosen text can leak the secret
    # by response sizes. Accepted: CSRF tokens are masked anew on every response, Django adds
    # random-length padding to every gzip response (Heal-The-Breach), and the session cookie
    # is SameSite=Lax, so another site cannot quietly make the browser send the many signed-in
    # requests the attack needs. See docs/decisions/0014-static-files-and-compression.md.
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "apps.accounts.middleware.MembershipMiddleware",
    "apps.core.middleware.CraftedInputMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "koldoo.urls"
WSGI_APPLICATION = "koldoo.wsgi.application"

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
                "django.template.context_processors.i18n",
                "apps.accounts.context_processors.membership",
                # The key of offline drafts, in pages for the signed-in user only (decision 0032).
                "apps.accounts.draft_key.draft_key",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'koldoo.sqlite3'}",
        conn_max_age=60,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
# One test database per test process, so that parallel runs never share one.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test-{os.getpid()}.sqlite3")}
else:
    DATABASES["default"]["TEST"] = {"NAME": f"test_koldoo_{os.getpid()}"}

# Reports (apps.statistics counting) read from a replica when one is named; everything
# else, and every write, goes to "default" (apps.core.db_router).
if os.environ.get("KOLDOO_REPLICA_DATABASE_URL"):
    DATABASES["replica"] = dj_database_url.parse(
        os.environ["KOLDOO_REPLICA_DATABASE_URL"], conn_max_age=60
    )
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
for _database in DATABASES.values():
    if _database["ENGINE"] == "django.db.backends.postgresql":
        # A PostgreSQL restart breaks every kept connection (CONN_MAX_AGE): check a kept
        # one before each request uses it, and wait a few seconds for the server when
        # connecting (apps.core.db_backend) rather than answering with an error.
        _database["ENGINE"] = "apps.core.db_backend"
        _database["CONN_HEALTH_CHECKS"] = True
DATABASE_ROUTERS = ["apps.core.db_router.ReportReplicaRouter"]

# Background jobs stored in the database and run by `manage.py db_worker` (scripts/run.sh
# starts one beside gunicorn; production runs koldoo-worker.service). docs/decisions/0029.
TASKS = {
    "default": {
        "BACKEND": os.environ.get("KOLDOO_TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Sign-in: e-mail and password through allauth, TOTP second factor, no self sign-up.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
# An address becomes a sign-in only once verified. Accounts made by the operator or
# through an invitation link start verified; changing one's address needs the password
# again (reauthentication) and takes effect when the new address is confirmed; the old
# address is told.
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_REAUTHENTICATION_REQUIRED = True
ACCOUNT_EMAIL_NOTIFICATIONS = True
ACCOUNT_UNIQUE_EMAIL = True
# Days an organisation admin's invitation link stays valid.
KOLDOO_INVITATION_DAYS = int(os.environ.get("KOLDOO_INVITATION_DAYS", "7"))
ACCOUNT_ADAPTER = "apps.accounts.adapters.KoldooAccountAdapter"
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_RATE_LIMITS = {
    "login_failed": "5/m/ip,5/5m/key",
    "login": "30/m/ip",
    "reset_password": "5/m/ip,3/m/key",
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
# allauth refuses a second factor while any address of the user is unverified (it guards
# against strangers signing up with someone's address; Koldoo has no self sign-up). An
# organisation that turns on its two-factor rule must not lock out a member whose new
# address is still unconfirmed: they set up TOTP at their next sign-in.
MFA_ALLOW_UNVERIFIED_EMAIL = True
MFA_TOTP_ISSUER = "Koldoo"
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "dashboard"
ACCOUNT_LOGOUT_REDIRECT_URL = "account_login"

# Sign-in rate limits and API throttles count in a cache shared by every worker process
# and kept across restarts: the database (table made by `manage.py createcachetable`),
# or Redis when KOLDOO_CACHE_URL (or REDIS_URL) is set, e.g. redis://127.0.0.1:6379/1.
_CACHE_URL = os.environ.get("KOLDOO_CACHE_URL") or os.environ.get("REDIS_URL")
if _CACHE_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": _CACHE_URL,
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "koldoo_cache",
        }
    }
# Reverse proxies in front of Koldoo that append to X-Forwarded-For (0: none, the socket
# address is the client's). Counted from the right, so a client cannot forge its address
# by sending its own header: apps/core/client_address.py, used by rate limits and audit.
KOLDOO_TRUSTED_PROXY_COUNT = int(os.environ.get("KOLDOO_TRUSTED_PROXY_COUNT", "0"))
ALLAUTH_TRUSTED_PROXY_COUNT = KOLDOO_TRUSTED_PROXY_COUNT
# Days a new API token is valid unless its creator says otherwise.
KOLDOO_API_TOKEN_DAYS = int(os.environ.get("KOLDOO_API_TOKEN_DAYS", "90"))

# An idle session ends after 30 minutes; every request renews it.
SESSION_COOKIE_AGE = int(os.environ.get("KOLDOO_SESSION_MINUTES", "30")) * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

LANGUAGE_CODE = "en"
LANGUAGES = [("ky", "Кыргызча"), ("ru", "Русский"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_NAME = "koldoo_language"
# Dates and times in the reader's convention: 05.12.2026 14:30 in Kyrgyz and Russian,
# ISO in English; date fields accept that convention and ISO (koldoo/formats/).
FORMAT_MODULE_PATH = ["koldoo.formats"]
TIME_ZONE = "Asia/Bishkek"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Demo and production alike: collectstatic (scripts/run.sh, the deployment) writes
    # hashed names with gzip and brotli copies; WhiteNoise serves those compressed with a
    # ten-year, immutable max-age, so a phone downloads CSS and JS once per release.
    # With KOLDOO_DEBUG=1 pages name the plain files and WhiteNoise finds them in static/.
    # The tests use plain names without collectstatic (tests/conftest.py).
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
WHITENOISE_MANIFEST_STRICT = False
# The DejaVu fonts are read by the PDF code, never sent to a browser: compressing them
# would only slow collectstatic (seconds per file with brotli).
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = (*Compressor.SKIP_COMPRESS_EXTENSIONS, "ttf")
MEDIA_ROOT = VAR_DIR / "attachments"
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024

EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if PRODUCTION
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "koldoo@localhost")

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Hashed, expiring tokens bound to one membership (apps.api.models.ApiToken).
        "apps.api.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # JSON with a depth limit (apps.core.input_limits); forms and multipart as DRF's defaults.
    "DEFAULT_PARSER_CLASSES": [
        "apps.core.input_limits.LimitedJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "apps.api.pagination.CappedLimitOffsetPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_THROTTLE_CLASSES": ["rest_framework.throttling.UserRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"user": "2000/hour"},
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Koldoo API",
    "DESCRIPTION": "People and cases of the signed-in organisation, scoped by role.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # One name for the licence status wherever it appears (agency, its history).
    "ENUM_NAME_OVERRIDES": {
        "LicenceStatusEnum": "apps.monitoring.models.LicenceStatus",
        "AppealStatusEnum": "apps.missing.models.AppealStatus",
        "JobAdStatusEnum": "apps.monitoring.models.JobAdStatus",
    },
}

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CSRF_COOKIE_HTTPONLY = True
if PRODUCTION:
    SECURE_SSL_REDIRECT = os.environ.get("KOLDOO_SSL_REDIRECT", "1") == "1"
    # A load balancer probes these over plain HTTP (apps.operations).
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = 63072000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

# Names and search text never reach a log or an error report (apps.core.error_reports):
# reports keep the method, the path and the traceback, never query, body, cookies,
# headers or local variables; django.request records lose their request.
DEFAULT_EXCEPTION_REPORTER = "apps.core.error_reports.NoRequestDataReporter"
DEFAULT_EXCEPTION_REPORTER_FILTER = "apps.core.error_reports.NoRequestDataFilter"
# The CSRF failure page in the product's layout; Django's own talks about DEBUG.
CSRF_FAILURE_VIEW = "apps.core.views.csrf_failure"
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "drop_request": {"()": "apps.core.error_reports.DropRequest"},
        "no_traceback_for_403": {"()": "apps.core.error_reports.NoTracebackFor403"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["drop_request"]},
        "mail_admins": {
            "class": "django.utils.log.AdminEmailHandler",
            "level": "ERROR",
            "filters": ["drop_request"],
        },
    },
    "loggers": {
        "django.request": {
            "handlers": ["console", "mail_admins"],
            "filters": ["no_traceback_for_403"],
            "level": "WARNING",
            "propagate": False,
        },
        "django.security": {"handlers": ["console"], "level": "WARNING", "propagate": False},
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

# Cells below this are suppressed in reports that leave an organisation (never below 3:
# apps.statistics.disclosure.effective_threshold).
# Input limits (apps.core.input_limits): a zip-based upload (XLSX) is refused unopened
# when its parts would expand beyond this size, number more than this, or one part is
# compressed more than this ratio; JSON deeper than this is refused.
KOLDOO_ZIP_MAX_UNCOMPRESSED_BYTES = (
    int(os.environ.get("KOLDOO_ZIP_MAX_UNCOMPRESSED_MB", "300")) * 1024 * 1024
)
KOLDOO_ZIP_MAX_ENTRIES = int(os.environ.get("KOLDOO_ZIP_MAX_ENTRIES", "1000"))
KOLDOO_ZIP_MAX_RATIO = int(os.environ.get("KOLDOO_ZIP_MAX_RATIO", "200"))
KOLDOO_MAX_JSON_DEPTH = int(os.environ.get("KOLDOO_MAX_JSON_DEPTH", "32"))
KOLDOO_SUPPRESSION_THRESHOLD = int(os.environ.get("KOLDOO_SUPPRESSION_THRESHOLD", "5"))
# Duplicate detection on splink's DuckDB, or on Spark past one machine (decision 0036).
KOLDOO_LINKAGE_BACKEND = os.environ.get("KOLDOO_LINKAGE_BACKEND", "duckdb")
