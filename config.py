"""Settings for MCC, read from ``MCC_``-prefixed environment variables.

Three classes: ``DevelopmentConfig`` (the embedded default: SQLite and local storage, mails to a local
outbox), ``TestingConfig`` and ``ProductionConfig``. ``MCC_ENV`` picks one; it defaults to production so
that a forgotten setting fails loudly instead of running with development secrets.

Every variable is listed, with its default, in the README's configuration table.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlsplit

BASE_DIR = Path(__file__).resolve().parent

#: The keys written in this repository (anyone can read them, so anyone could sign tokens with them).
DEVELOPMENT_SECRET_KEY = "development-only-key-not-for-production"  # noqa: S105  (refused in production)
TESTING_SECRET_KEY = "testing-only-key-not-for-production-0123456789"  # noqa: S105  (tests only)
#: Placeholder secrets people copy from examples; refused outside development and testing.
KNOWN_WEAK_SECRETS = frozenset({"", "secret", "changeme", "change-me", "dev", "development", "test", "mcc",
                                DEVELOPMENT_SECRET_KEY, TESTING_SECRET_KEY})
MIN_SECRET_KEY_LENGTH = 32
#: A random key of 32+ characters has far more distinct characters than this; "a" * 32 or "ab" * 16 do not.
MIN_SECRET_KEY_VARIETY = 12


class ConfigError(RuntimeError):
    """The settings are unusable; the message says which one and how to fix it."""


def secret_key_problem(key: str | None) -> str | None:
    """Why ``key`` must not sign production tokens (invitations, check-in codes, tickets, sessions), or None."""
    key = key or ""
    if len(key) < MIN_SECRET_KEY_LENGTH:
        return f"is missing or shorter than {MIN_SECRET_KEY_LENGTH} characters"
    if key.lower() in KNOWN_WEAK_SECRETS or key in KNOWN_WEAK_SECRETS:
        return "is a key published in the MCC repository"
    distinct = set(key)
    if len(distinct) < MIN_SECRET_KEY_VARIETY or max(key.count(ch) for ch in distinct) > len(key) // 4:
        return "has too little variety to be random"
    return None


def env_str(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(f"MCC_{name}")
    return value if value not in (None, "") else default


def env_bool(name: str, default: bool) -> bool:
    value = env_str(name)
    if value is None:
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ConfigError(f"MCC_{name} must be true or false, not {value!r}.")


def env_int(name: str, default: int) -> int:
    value = env_str(name)
    if value is None:
        return default
    try:
        return int(value)
    except ValueError:
        raise ConfigError(f"MCC_{name} must be a whole number, not {value!r}.") from None


class Config:
    """Settings shared by every environment. Class attributes are read once, when the class is built."""

    ENV_NAME = "base"

    SECRET_KEY = env_str("SECRET_KEY")
    INSTANCE_DIR = Path(env_str("INSTANCE_DIR", str(BASE_DIR / "instance")))
    SQLALCHEMY_DATABASE_URI = env_str("DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'mcc.sqlite3'}")
    # Unicode stays readable in JSON columns (translated titles), so it can be searched and compared.
    SQLALCHEMY_ENGINE_OPTIONS: dict = {
        "pool_pre_ping": True,
        "json_serializer": lambda value: __import__("json").dumps(value, ensure_ascii=False),
    }

    # Storage (see app/storage): "local" keeps objects under MEDIA_ROOT, "s3" in an S3-compatible bucket.
    STORAGE_BACKEND = env_str("STORAGE_BACKEND", "local")
    MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "media")))
    S3_ENDPOINT_URL = env_str("S3_ENDPOINT_URL")
    S3_PUBLIC_ENDPOINT_URL = env_str("S3_PUBLIC_ENDPOINT_URL")
    S3_REGION = env_str("S3_REGION", "us-east-1")
    S3_BUCKET = env_str("S3_BUCKET")
    S3_ACCESS_KEY_ID = env_str("S3_ACCESS_KEY_ID")
    S3_SECRET_ACCESS_KEY = env_str("S3_SECRET_ACCESS_KEY")
    S3_ADDRESSING_STYLE = env_str("S3_ADDRESSING_STYLE", "path")
    S3_PRESIGN_EXPIRES = env_int("S3_PRESIGN_EXPIRES", 300)
    MAX_UPLOAD_BYTES = env_int("MAX_UPLOAD_BYTES", 5 * 1024**3)

    # Accounts
    SELF_REGISTRATION_DEFAULT = env_bool("SELF_REGISTRATION", False)
    INVITATION_MAX_AGE_DAYS = env_int("INVITATION_MAX_AGE_DAYS", 7)
    PASSWORD_RESET_MAX_AGE_MINUTES = env_int("PASSWORD_RESET_MAX_AGE_MINUTES", 120)
    MIN_PASSWORD_LENGTH = env_int("MIN_PASSWORD_LENGTH", 10)
    #: Failed logins per account (from any address), in growing windows.
    LOGIN_RATE_LIMIT = env_str("LOGIN_RATE_LIMIT", "10 per minute;30 per hour;100 per day")
    #: Failed logins from one address across all accounts (someone trying one password on many accounts).
    LOGIN_FAILURES_PER_ADDRESS = env_str("LOGIN_FAILURES_PER_ADDRESS", "20 per 10 minutes;60 per day")
    #: Every login, registration or reset request from one address: far above a class of 30 behind one router.
    ATTEMPTS_PER_ADDRESS = env_str("ATTEMPTS_PER_ADDRESS", "300 per 10 minutes")
    #: Password-reset requests per account (each sends a mail).
    RESET_RATE_LIMIT = env_str("RESET_RATE_LIMIT", "5 per hour")
    RATELIMIT_STORAGE_URI = env_str("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_HEADERS_ENABLED = True
    # The privacy notice people agree to; raise the version when its text changes (consent is recorded with it).
    PRIVACY_NOTICE_VERSION = env_str("PRIVACY_NOTICE_VERSION", "2026-11")
    # Computed report figures are cached (shared by all app processes when MCC_CACHE_URL names a Redis).
    CACHE_URL = env_str("CACHE_URL")
    CACHE_TYPE = env_str("CACHE_TYPE") or ("RedisCache" if CACHE_URL else "SimpleCache")
    CACHE_REDIS_URL = CACHE_URL
    CACHE_KEY_PREFIX = "mcc:"
    REPORT_CACHE_SECONDS = env_int("REPORT_CACHE_SECONDS", 120)

    # Background work (app/jobs): the job queue. sqlite:///… is the embedded default (one machine, no server);
    # redis://host:6379/1 lets any number of workers on any number of machines share it.
    QUEUE_URL = env_str("QUEUE_URL", f"sqlite:///{INSTANCE_DIR / 'queue.sqlite3'}")
    #: The queue's name in its storage (several installations may share one Redis).
    QUEUE_NAME = env_str("QUEUE_NAME", "mcc")
    #: A failed job is retried after this many seconds, then twice as long each time (at most an hour apart).
    JOB_RETRY_SECONDS = env_int("JOB_RETRY_SECONDS", 60)
    #: How long a worker holds a job before another may take it (a worker that died frees its jobs after this).
    JOB_LEASE_SECONDS = env_int("JOB_LEASE_SECONDS", 900)

    # Mail: "outbox" writes each message as an .eml file under MAIL_OUTBOX (and logs it), "smtp" sends it.
    MAIL_BACKEND = env_str("MAIL_BACKEND", "outbox")
    MAIL_OUTBOX = Path(env_str("MAIL_OUTBOX", str(INSTANCE_DIR / "outbox")))
    MAIL_FROM = env_str("MAIL_FROM", "MCC <no-reply@mcc.localhost>")
    SMTP_HOST = env_str("SMTP_HOST", "127.0.0.1")
    SMTP_PORT = env_int("SMTP_PORT", 25)
    SMTP_USERNAME = env_str("SMTP_USERNAME")
    SMTP_PASSWORD = env_str("SMTP_PASSWORD")
    SMTP_STARTTLS = env_bool("SMTP_STARTTLS", False)
    #: The public address (https://mcc.example.eu): every link in mails, PDFs and QR codes is built on it, never on
    #: the Host header a request brings. Required in production, where requests for other hosts are refused.
    BASE_URL = env_str("BASE_URL")
    #: Further host names requests may use (comma-separated), besides BASE_URL's, localhost and 127.0.0.1
    #: (health checks): e.g. the internal name a load balancer probes.
    EXTRA_TRUSTED_HOSTS = tuple(h.strip() for h in (env_str("TRUSTED_HOSTS") or "").split(",") if h.strip())

    # Internationalisation and time
    LANGUAGES = ("pl", "lt", "en")
    BABEL_DEFAULT_LOCALE = env_str("DEFAULT_LANGUAGE", "en")
    BABEL_DEFAULT_TIMEZONE = "UTC"
    DEFAULT_TIMEZONE = env_str("DEFAULT_TIMEZONE", "Europe/Warsaw")

    # Security
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", True)
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE
    WTF_CSRF_TIME_LIMIT = 8 * 3600
    FORCE_HTTPS = env_bool("FORCE_HTTPS", False)
    #: Number of reverse proxies in front of the app whose X-Forwarded-* headers are trusted.
    TRUSTED_PROXIES = env_int("TRUSTED_PROXIES", 0)

    LOG_LEVEL = env_str("LOG_LEVEL", "INFO")

    #: Share of a video that must be watched (really played, see app/learning/watching.py) for the lesson to count.
    LEARNING_WATCH_SHARE = float(env_str("LEARNING_WATCH_SHARE", "0.9"))

    # The programme printed on attendance sheets, certificates and reports for the funder.
    PROJECT_NAME = env_str("PROJECT_NAME", "Klastry warunkiem efektywnego rozwoju pogranicza polsko-litewskiego / "
                                           "Klasteriai – efektyvios Lenkijos ir Lietuvos pasienio plėtros sąlyga")
    FUNDING_NOTICE = env_str("FUNDING_NOTICE", "Interreg Lietuva–Polska · European Regional Development Fund")
    ISSUER_NAME = env_str("ISSUER_NAME", "Centrum Promocji Innowacji i Rozwoju · Klaster Obróbki Metali")

    @classmethod
    def validate(cls) -> None:
        """Refuse settings that would run insecurely or not at all."""

    @classmethod
    def trusted_hosts(cls) -> list[str] | None:
        """The host names requests may carry (Flask's TRUSTED_HOSTS); None: any."""
        return None


class DevelopmentConfig(Config):
    ENV_NAME = "development"
    # A fixed development key keeps sessions across restarts of `make run`; it is refused in production.
    SECRET_KEY = Config.SECRET_KEY or DEVELOPMENT_SECRET_KEY
    SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", False)
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE


class TestingConfig(Config):
    ENV_NAME = "testing"
    TESTING = True
    SECRET_KEY = TESTING_SECRET_KEY
    SQLALCHEMY_DATABASE_URI = "sqlite://"
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_SECURE = False
    MAIL_BACKEND = "memory"
    RATELIMIT_STORAGE_URI = "memory://"
    STORAGE_BACKEND = "local"
    CACHE_TYPE = "NullCache"  # tests see every change at once


class ProductionConfig(Config):
    ENV_NAME = "production"

    @classmethod
    def validate(cls) -> None:
        problem = secret_key_problem(cls.SECRET_KEY)
        if problem:
            raise ConfigError(
                f"MCC_SECRET_KEY {problem}: set it to a random value of at least {MIN_SECRET_KEY_LENGTH} "
                "characters, e.g. the output of `python -c 'import secrets; print(secrets.token_urlsafe(48))'`. "
                "For a local trial set MCC_ENV=development instead."
            )
        base = urlsplit(cls.BASE_URL or "")
        if base.scheme not in {"http", "https"} or not base.hostname:
            raise ConfigError(
                "MCC_BASE_URL is not set (or not an http(s) address): production builds every link in mails, "
                "certificates and QR codes on it, e.g. MCC_BASE_URL=https://mcc.example.eu."
            )

        if env_str("DATABASE_URL") is None:
            raise ConfigError(
                "MCC_DATABASE_URL is not set: production needs an explicit database, e.g. "
                "postgresql+psycopg://mcc@db-host/mcc (or sqlite:////srv/mcc/mcc.sqlite3 for a single small server)."
            )
        if env_str("STORAGE_BACKEND") is None:
            raise ConfigError("MCC_STORAGE_BACKEND is not set: production needs an explicit storage, s3 or local.")
        if cls.STORAGE_BACKEND not in {"local", "s3"}:
            raise ConfigError(f"MCC_STORAGE_BACKEND must be local or s3, not {cls.STORAGE_BACKEND!r}.")
        if cls.STORAGE_BACKEND == "s3" and not cls.S3_BUCKET:
            raise ConfigError("MCC_STORAGE_BACKEND is s3 but MCC_S3_BUCKET is not set.")

    @classmethod
    def trusted_hosts(cls) -> list[str] | None:
        return [urlsplit(cls.BASE_URL or "").hostname or "", "localhost", "127.0.0.1", *cls.EXTRA_TRUSTED_HOSTS]


CONFIGS: dict[str, type[Config]] = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}


def config_from_env() -> type[Config]:
    """The config class named by ``MCC_ENV`` (default: production)."""
    name = env_str("ENV", "production")
    try:
        return CONFIGS[name]
    except KeyError:
        raise ConfigError(f"MCC_ENV must be one of {', '.join(CONFIGS)}, not {name!r}.") from None
