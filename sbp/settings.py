"""Settings for the partnership tracker, read from the environment.

Every value that differs between a developer's machine and production comes from an
environment variable; nothing secret has a default. See README.md, "Configuration".
"""

import os
import sys
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

TESTING = "pytest" in sys.modules or (len(sys.argv) > 1 and sys.argv[1] == "test")


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name, "").strip().lower()
    if not value:
        return default
    return value in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG")

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if DEBUG or TESTING:
        SECRET_KEY = "insecure-key-for-development-and-tests-only"  # noqa: S105 - never used in production
    else:
        raise ImproperlyConfigured("Set SECRET_KEY (or DEBUG=1 on a developer's machine).")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1" if DEBUG or TESTING else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_forms_gds",
    "rules.apps.AutodiscoverRulesConfig",
    "simple_history",
    "axes",
    "csp",
    "django_filters",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_tasks",
    "django_tasks_db",
    "django_rq",
    "django_tasks_rq",
    "core",
    "accounts",
    "priorities",
    "delivery",
    "indicators",
    "risks",
    "meetings",
    "reports",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # Idle and absolute session limits, before the sign-in check so an ended session must sign in again.
    "accounts.sessions.SessionLimitsMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Too many failed sign-ins or reset requests from one address: 429 before the view runs.
    "accounts.sign_in.AddressThrottleMiddleware",
    # After the password, the authenticator code (or its set-up for administrators and superusers).
    "accounts.two_factor.TwoFactorMiddleware",
    "core.middleware.NoStoreMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Axes must come last: it turns a lockout into the locked-out page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "sbp.urls"
WSGI_APPLICATION = "sbp.wsgi.application"
ASGI_APPLICATION = "sbp.asgi.application"

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
                "core.context_processors.service",
                "delivery.context_processors.updates_due",
                "accounts.sessions.session_timeout",
            ],
        },
    },
]

# An empty DATABASE_URL counts as unset: SQLite in the project folder.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Take the write lock when a transaction starts, and wait for it, so concurrent saves queue
    # up instead of failing; each test run uses its own file so that its threads share it.
    DATABASES["default"]["OPTIONS"] = {"transaction_mode": "IMMEDIATE", "timeout": 20}
    DATABASES["default"]["TEST"] = {"NAME": BASE_DIR / f"test-db-{os.getpid()}.sqlite3"}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The cache (the sign-in throttle's counts, the download slots, a large import's progress): Redis when
# REDIS_URL is set, so that every machine serving the partnership shares it; otherwise files in
# CACHE_DIR, which the web server's processes and the task worker on one machine share. The tests keep
# it in memory. Sessions are kept in the database, which every machine reads, and read through the cache
# (a miss, or a cache that cannot be reached, reads the database).
REDIS_URL = os.environ.get("REDIS_URL", "")
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    if REDIS_URL
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    if TESTING
    else {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": os.environ.get("CACHE_DIR") or BASE_DIR / ".cache",
    }
}

# Background work (large imports, reminders, board papers) goes through Django's tasks API: on Redis
# through RQ when REDIS_URL is set (workers: `manage.py rqworker --job-class django_tasks_rq.Job`),
# otherwise in the database (worker: `manage.py db_worker`, which `make run` starts). The tests run
# each task as it is enqueued unless TASKS_BACKEND names a real queue. See docs/deploy.md.
TASKS_BACKEND = os.environ.get("TASKS_BACKEND") or (
    "django_tasks.backends.immediate.ImmediateBackend"
    if TESTING
    else "django_tasks_rq.RQBackend"
    if REDIS_URL
    else "django_tasks_db.DatabaseBackend"
)
TASKS = {"default": {"BACKEND": TASKS_BACKEND, "QUEUES": ["default"]}}
RQ_QUEUES = {"default": {"URL": REDIS_URL or "redis://127.0.0.1:6379/0", "DEFAULT_TIMEOUT": 60 * 60}}
# A task that has waited this long for a worker makes /healthz answer 503.
TASK_WAIT_LIMIT = int(os.environ.get("TASK_WAIT_LIMIT", str(5 * 60)))

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # Axes first, so a locked-out sign-in never reaches the password check.
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.CommonPasswordValidator",
        "OPTIONS": {"password_list_path": BASE_DIR / "accounts" / "data" / "common-passwords.txt.gz"},
    },
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "accounts.passwords.ContextWordsValidator"},
]
# A password reset link works once, for an hour.
PASSWORD_RESET_TIMEOUT = 60 * 60
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "accounts:home"
LOGOUT_REDIRECT_URL = "login"

# Sign-in throttling: five failures lock that username from that address (only) for 15 minutes,
# counted from the fifth failure: attempts during the lockout neither count nor extend it.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_CLIENT_IP_CALLABLE = "accounts.sign_in.client_ip_address"
AXES_CLIENT_STR_CALLABLE = "accounts.sign_in.client_str"
# How many proxies in front of the service append to X-Forwarded-For; 0 trusts REMOTE_ADDR alone.
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))
# One address may fail to sign in, or ask for a reset link, this often per window, whatever it tries.
ADDRESS_THROTTLE_LIMIT = 20
ADDRESS_THROTTLE_WINDOW = timedelta(minutes=15)

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]

# Uploaded files (meetings' supporting documents). They are served only through the app's download
# view, which checks membership, never straight from MEDIA_URL.
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT") or BASE_DIR / "media")
MEDIA_URL = "/media/"
# An upload larger than this goes to a temporary file rather than memory; the document limit itself
# (10 MB, meetings.models.DOCUMENT_MAX_BYTES) is checked by the form. The web server should refuse
# request bodies much larger than that (for example nginx client_max_body_size 12m).
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Developers and tests serve static files straight from static/, with no collectstatic step.
WHITENOISE_USE_FINDERS = DEBUG or TESTING
WHITENOISE_AUTOREFRESH = DEBUG or TESTING

CRISPY_ALLOWED_TEMPLATE_PACKS = ["gds"]
CRISPY_TEMPLATE_PACK = "gds"

# Email: printed to the console unless an SMTP host is configured.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
if TESTING:
    EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
elif EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "587"))
    EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=True)
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "partnership-tracker@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

SERVICE_NAME = os.environ.get("SERVICE_NAME", "Partnership tracker")
# The service's public address, for links in email (no trailing slash).
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# Reminders go out this many days before and after a reporting period's update deadline.
UPDATE_REMINDER_DAYS_BEFORE = [int(d) for d in env_list("UPDATE_REMINDER_DAYS_BEFORE", "7,1")]
UPDATE_REMINDER_DAYS_AFTER = [int(d) for d in env_list("UPDATE_REMINDER_DAYS_AFTER", "1,7")]
# Where vulnerabilities are reported (/.well-known/security.txt): required in production.
SECURITY_CONTACT = os.environ.get("SECURITY_CONTACT", "")
if not SECURITY_CONTACT:
    if DEBUG or TESTING:
        SECURITY_CONTACT = "mailto:security@localhost"
    else:
        raise ImproperlyConfigured("Set SECURITY_CONTACT, e.g. mailto:security@example.org.")

# Security headers. HTTPS is on in production unless SECURE_SSL=0 says otherwise (a plain-HTTP test
# such as `make bench`); a developer's machine and the tests serve plain HTTP.
SECURE_SSL = env_bool("SECURE_SSL", default=not (DEBUG or TESTING))
SECURE_SSL_REDIRECT = SECURE_SSL
# A load balancer checks each node over plain HTTP, behind the TLS it terminates.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_SECURE = SECURE_SSL
CSRF_COOKIE_SECURE = SECURE_SSL
if SECURE_SSL:
    # __Host- cookies are sent only over HTTPS, to this host, for every path: no subdomain can set them.
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000" if SECURE_SSL else "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_SSL
SECURE_HSTS_PRELOAD = SECURE_SSL
if env_bool("SECURE_PROXY_SSL_HEADER"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
# Sessions end after 30 minutes without activity (a warning comes 2 minutes before) and 12 hours after
# sign-in whatever happens; accounts.sessions.SessionLimitsMiddleware enforces both on the server.
SESSION_IDLE_TIMEOUT = timedelta(minutes=30)
SESSION_TIMEOUT_WARNING = timedelta(minutes=2)
SESSION_ABSOLUTE_LIMIT = timedelta(hours=12)
SESSION_COOKIE_AGE = int(SESSION_ABSOLUTE_LIMIT.total_seconds())
# Two-factor sign-in (django-otp): wrong codes back off exponentially (1, 2, 4, 8 ... seconds).
OTP_TOTP_ISSUER = SERVICE_NAME
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1
X_FRAME_OPTIONS = "DENY"
# Flash messages (some name a person) live in the server-side session, never in a cookie.
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": ["'none'"],
        "base-uri": [NONE],
        "object-src": ["'none'"],
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"utc": {"()": "core.logging.UTCFormatter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "utc"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "axes": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
