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


#: Every MCC_ variable the settings read, with the default of its first reading (the base class's): the README's
#: settings table is generated from this and DOCS (``python config.py --table``), and a test keeps them equal.
READ: dict[str, object] = {}


def _read(name: str, default: object) -> str | None:
    READ.setdefault(name, default)
    value = os.environ.get(f"MCC_{name}")
    return value if value not in (None, "") else None


def env_str(name: str, default: str | None = None) -> str | None:
    value = _read(name, default)
    return value if value is not None else default


def env_bool(name: str, default: bool) -> bool:
    value = _read(name, default)
    if value is None:
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ConfigError(f"MCC_{name} must be true or false, not {value!r}.")


def env_int(name: str, default: int) -> int:
    value = _read(name, default)
    if value is None:
        return default
    try:
        return int(value)
    except ValueError:
        raise ConfigError(f"MCC_{name} must be a whole number, not {value!r}.") from None


def env_float(name: str, default: float, low: float, high: float) -> float:
    value = _read(name, default)
    if value is None:
        return default
    try:
        number = float(value)
    except ValueError:
        raise ConfigError(f"MCC_{name} must be a number, not {value!r}.") from None
    if not low <= number <= high:
        raise ConfigError(f"MCC_{name} must be between {low} and {high}, not {value!r}.")
    return number


def env_heights(name: str, default: str) -> tuple[int, ...]:
    value = env_str(name, default) or default
    try:
        heights = tuple(sorted({int(h) for h in value.split(",") if h.strip()}))
    except ValueError:
        heights = ()
    if not heights or not all(2 <= h <= 4320 for h in heights):
        raise ConfigError(f"MCC_{name} must list picture heights such as 360,540,720, not {value!r}.")
    return heights


class Config:
    """Settings shared by every environment. Class attributes are read once, when the class is built."""

    ENV_NAME = "base"

    SECRET_KEY = env_str("SECRET_KEY")
    INSTANCE_DIR = Path(env_str("INSTANCE_DIR", str(BASE_DIR / "instance")))
    SQLALCHEMY_DATABASE_URI = env_str("DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'mcc.sqlite3'}")
    # Unicode stays readable in JSON columns (translated titles), so it can be searched and compared.
    SQLALCHEMY_ENGINE_OPTIONS: dict = {
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
    # Redis down must not lock people out: the limits go on per process (logged as a warning) until it is back;
    # short timeouts so a hung Redis costs a request half a second, not a minute.
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    RATELIMIT_STORAGE_OPTIONS = {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}
    # The privacy notice people agree to; raise the version when its text changes (consent is recorded with it).
    PRIVACY_NOTICE_VERSION = env_str("PRIVACY_NOTICE_VERSION", "2026-11")
    #: The date of the project's final payment (YYYY-MM-DD) once known: the evidence kept "5 years after the final
    #: payment" (the privacy notice's retention table) is erased or anonymised at the end of that period.
    PROJECT_FINAL_PAYMENT = env_str("PROJECT_FINAL_PAYMENT")
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
    #: Files built on request (evidence packs, XLSX exports) are offered for this many days, then deleted.
    GENERATED_FILES_DAYS = env_int("GENERATED_FILES_DAYS", 7)
    #: An unfinished upload waits this long to be resumed (choosing the same file again), then the daily upkeep
    #: aborts it and removes its parts.
    UPLOAD_ABANDONED_AFTER_HOURS = env_int("UPLOAD_ABANDONED_AFTER_HOURS", 72)

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

    #: Web processes (gunicorn.conf.py reads the same variable): more than one needs shared limits and cache.
    WEB_WORKERS = env_int("WEB_WORKERS", 2)
    #: Risks production accepts knowingly (comma-separated): outbox-mail, process-limits, process-cache.
    ACCEPTED_RISKS = frozenset(r.strip() for r in (env_str("ACCEPT_RISKS") or "").split(",") if r.strip())

    #: Signs backup manifests (HKDF-derived; falls back to MCC_SECRET_KEY: set it so rotating that key keeps old
    #: archives verifiable). ``flask backup generate-key`` prints one.
    BACKUP_KEY = env_str("BACKUP_KEY")
    #: 32 bytes (hex or base64) that encrypt archives made with ``backup create --encrypt``.
    BACKUP_ENCRYPTION_KEY = env_str("BACKUP_ENCRYPTION_KEY")
    #: Scheduled backups (made by a worker): where, when (cron, UTC) and how many are kept. Off without a folder.
    BACKUP_DIR = env_str("BACKUP_DIR")
    BACKUP_SCHEDULE = env_str("BACKUP_SCHEDULE", "30 1 * * *")
    BACKUP_KEEP = env_int("BACKUP_KEEP", 14)

    LOG_LEVEL = env_str("LOG_LEVEL", "INFO")
    #: ``json`` (one object per line, with the request id) or ``text``; production defaults to json.
    LOG_FORMAT = env_str("LOG_FORMAT", "text")
    #: Bearer token a Prometheus scraper shows at /metrics (without one the endpoint answers 404).
    METRICS_TOKEN = env_str("METRICS_TOKEN")
    #: Sentry error reporting (off when empty).
    SENTRY_DSN = env_str("SENTRY_DSN")
    #: PostgreSQL: connections per process, and the longest a statement may run (ms; 0: no limit).
    DATABASE_POOL_SIZE = env_int("DATABASE_POOL_SIZE", 5)
    DATABASE_STATEMENT_TIMEOUT_MS = env_int("DATABASE_STATEMENT_TIMEOUT_MS", 30000)

    # Videos converted for phones by the workers (app/catalogue/video.py): x264's speed/size trade-off, and the
    # heights of the renditions (never above the original's).
    MEDIA_X264_PRESET = env_str("MEDIA_X264_PRESET", "veryfast")
    MEDIA_RENDITION_HEIGHTS = env_heights("MEDIA_RENDITION_HEIGHTS", "360,540,720")

    #: Share of a video that must be watched (really played, see app/learning/watching.py) for the lesson to count.
    LEARNING_WATCH_SHARE = env_float("LEARNING_WATCH_SHARE", 0.9, 0.1, 1.0)

    # The programme printed on attendance sheets, certificates and reports for the funder.
    PROJECT_NAME = env_str("PROJECT_NAME", "Klastry warunkiem efektywnego rozwoju pogranicza polsko-litewskiego / "
                                           "Klasteriai – efektyvios Lenkijos ir Lietuvos pasienio plėtros sąlyga")
    FUNDING_NOTICE = env_str("FUNDING_NOTICE", "Interreg Lietuva–Polska · European Regional Development Fund")
    #: The programme's logo on the public front page: a file under app/static (e.g. "img/interreg.svg"), no CDN.
    FUNDING_LOGO = env_str("FUNDING_LOGO", "")
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
    #: Links in the mails `make run`'s worker writes point at the development server.
    BASE_URL = Config.BASE_URL or "http://127.0.0.1:5000"
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
    MEDIA_X264_PRESET = "ultrafast"  # the tests check what is made, not how small


class ProductionConfig(Config):
    ENV_NAME = "production"
    LOG_FORMAT = env_str("LOG_FORMAT", "json")

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
        for problem in unsafe_production_settings(cls):
            raise ConfigError(problem)

    @classmethod
    def trusted_hosts(cls) -> list[str] | None:
        return [urlsplit(cls.BASE_URL or "").hostname or "", "localhost", "127.0.0.1", *cls.EXTRA_TRUSTED_HOSTS]


def unsafe_production_settings(config: type[Config]) -> list[str]:
    """Settings that work on a laptop and fail people in production, unless ``MCC_ACCEPT_RISKS`` names them."""
    problems = []
    accepted = config.ACCEPTED_RISKS
    if config.MAIL_BACKEND != "smtp" and "outbox-mail" not in accepted:
        problems.append("MCC_MAIL_BACKEND is not smtp: mails would only be written to files (and nobody would get "
                        "an invitation or a reset link). Set MCC_MAIL_BACKEND=smtp and MCC_SMTP_HOST, or accept it "
                        "with MCC_ACCEPT_RISKS=outbox-mail.")
    several = config.WEB_WORKERS > 1
    if several and config.RATELIMIT_STORAGE_URI.startswith("memory://") and "process-limits" not in accepted:
        problems.append(f"MCC_RATELIMIT_STORAGE_URI is memory:// with MCC_WEB_WORKERS={config.WEB_WORKERS}: each "
                        "process would count on its own (ten attempts become twenty). Point it at Redis "
                        "(redis://host:6379/0), or accept it with MCC_ACCEPT_RISKS=process-limits.")
    if several and config.CACHE_TYPE != "RedisCache" and "process-cache" not in accepted:
        problems.append(f"MCC_CACHE_URL is not set with MCC_WEB_WORKERS={config.WEB_WORKERS}: each process would "
                        "keep its own report figures. Set MCC_CACHE_URL=redis://host:6379/1, or accept it with "
                        "MCC_ACCEPT_RISKS=process-cache.")
    return problems


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


#: What each MCC_ variable means, and how its default reads when the value itself would mislead (a path on this
#: machine, a long text). Keep one entry per variable the classes above read (tests/core/test_config.py checks).
DOCS: dict[str, tuple[str, str | None]] = {
    "ENV": ("`development`, `testing` or `production`", None),
    "SECRET_KEY": ("Signs sessions and e-mailed links; ≥ 32 random characters in production", "— (development: a "
                   "fixed dev key)"),
    "INSTANCE_DIR": ("Where the SQLite files and the mail outbox live", "`instance/`"),
    "DATABASE_URL": ("SQLAlchemy URL; production: `postgresql+psycopg://user:pass@host/db`",
                     "`sqlite:///instance/mcc.sqlite3`"),
    "DATABASE_POOL_SIZE": ("PostgreSQL connections per process", None),
    "DATABASE_STATEMENT_TIMEOUT_MS": ("PostgreSQL: the longest a statement may run (0: no limit)", None),
    "STORAGE_BACKEND": ("`local` (files under `MCC_MEDIA_ROOT`) or `s3`", None),
    "MEDIA_ROOT": ("Root folder of local storage", "`media/`"),
    "S3_ENDPOINT_URL": ("S3 API endpoint the app talks to, e.g. `http://minio:9000`", "— (AWS)"),
    "S3_PUBLIC_ENDPOINT_URL": ("Endpoint browsers reach, if different (presigned URLs and the CSP)", "= endpoint"),
    "S3_REGION": ("Region name used for SigV4 signing", None),
    "S3_BUCKET": ("Bucket for materials and documents (required with `s3`)", None),
    "S3_ACCESS_KEY_ID": ("S3 credentials (else boto3's usual sources)", None),
    "S3_SECRET_ACCESS_KEY": ("S3 credentials (else boto3's usual sources)", None),
    "S3_ADDRESSING_STYLE": ("`path` (MinIO, Ceph) or `virtual`", None),
    "S3_PRESIGN_EXPIRES": ("Lifetime in seconds of presigned download/upload URLs", None),
    "MAX_UPLOAD_BYTES": ("Largest accepted material", "`5368709120` (5 GiB)"),
    "SELF_REGISTRATION": ("Initial value of \"open self-registration\" (admins change it in Settings)", None),
    "INVITATION_MAX_AGE_DAYS": ("Lifetime of invitation links", None),
    "PASSWORD_RESET_MAX_AGE_MINUTES": ("Lifetime of password-reset links", None),
    "MIN_PASSWORD_LENGTH": ("Shortest accepted password", None),
    "LOGIN_RATE_LIMIT": ("Failed logins per account (from any address)", None),
    "LOGIN_FAILURES_PER_ADDRESS": ("Failed logins from one address, over all accounts", None),
    "ATTEMPTS_PER_ADDRESS": ("All login, registration and reset requests from one address (a class behind one "
                             "router stays far below)", None),
    "RESET_RATE_LIMIT": ("Password-reset requests per account", None),
    "RATELIMIT_STORAGE_URI": ("Rate-limit counters; `redis://host:6379/0` with several processes (per process "
                              "while Redis is down)", None),
    "PRIVACY_NOTICE_VERSION": ("Version of the privacy notice recorded with each consent", None),
    "PROJECT_FINAL_PAYMENT": ("Date of the project's final payment (ISO); retention periods count from it", None),
    "CACHE_URL": ("Shared cache of computed report figures, e.g. `redis://host:6379/1`", "— (per process)"),
    "CACHE_TYPE": ("Flask-Caching backend; follows `MCC_CACHE_URL` unless set", "`RedisCache` with a URL, else "
                   "`SimpleCache`"),
    "REPORT_CACHE_SECONDS": ("How long dashboard and at-risk figures are reused (exports are always fresh)", None),
    "QUEUE_URL": ("The job queue: `sqlite:///…` (one machine) or `redis://host:6379/2`",
                  "`sqlite:///instance/queue.sqlite3`"),
    "QUEUE_NAME": ("The queue's name in its storage", None),
    "JOB_RETRY_SECONDS": ("First retry delay of a failed job (doubling, at most an hour)", None),
    "JOB_LEASE_SECONDS": ("How long a worker holds a job; a dead worker's jobs are taken up after it", None),
    "GENERATED_FILES_DAYS": ("How long prepared downloads (evidence packs, large exports) are kept", None),
    "UPLOAD_ABANDONED_AFTER_HOURS": ("How long an unfinished upload can be resumed (choosing the same file again) "
                                     "before the daily upkeep removes its parts", None),
    "MAIL_BACKEND": ("`smtp`, or `outbox` (files in `MCC_MAIL_OUTBOX`: development)", None),
    "MAIL_OUTBOX": ("Folder of the outbox backend", "`instance/outbox`"),
    "MAIL_FROM": ("Sender of e-mails", None),
    "SMTP_HOST": ("SMTP server", None),
    "SMTP_PORT": ("SMTP port", None),
    "SMTP_USERNAME": ("SMTP login", None),
    "SMTP_PASSWORD": ("SMTP password", None),
    "SMTP_STARTTLS": ("Use STARTTLS", None),
    "BASE_URL": ("Public address: every link in mails, PDFs and QR codes; production requires it and refuses other "
                 "Host headers", "— (development: `http://127.0.0.1:5000`)"),
    "TRUSTED_HOSTS": ("Further host names requests may use in production (comma-separated)", None),
    "DEFAULT_LANGUAGE": ("Language when neither the user nor the browser names pl/lt/en", None),
    "DEFAULT_TIMEZONE": ("Zone for visitors whose language implies none", None),
    "SESSION_COOKIE_SECURE": ("Send cookies only over HTTPS", "`true` (development: `false`)"),
    "FORCE_HTTPS": ("Redirect to HTTPS and send HSTS (when the proxy does not)", None),
    "TRUSTED_PROXIES": ("Number of reverse proxies whose `X-Forwarded-*` headers to trust", None),
    "WEB_WORKERS": ("gunicorn processes (gunicorn.conf.py); more than one needs shared limits and cache", None),
    "ACCEPT_RISKS": ("Production risks accepted knowingly: `outbox-mail`, `process-limits`, `process-cache`", None),
    "BACKUP_KEY": ("Signs backup manifests (else derived from `MCC_SECRET_KEY`); `flask backup generate-key`", None),
    "BACKUP_ENCRYPTION_KEY": ("32 bytes (hex or base64) encrypting `backup create --encrypt` archives (and every "
                              "scheduled one)", None),
    "BACKUP_DIR": ("Folder of scheduled backups, made by a worker (none without it); mount remote storage there",
                   None),
    "BACKUP_SCHEDULE": ("When scheduled backups are made: cron fields `minute hour day month weekday`, UTC", None),
    "BACKUP_KEEP": ("How many scheduled backups are kept (older ones are deleted after a new one is complete)",
                    None),
    "LOG_LEVEL": ("Logging level", None),
    "LOG_FORMAT": ("`json` (one object per line, with the request id) or `text`", "`text` (production: `json`)"),
    "METRICS_TOKEN": ("Bearer token for `/metrics` (Prometheus); without it the endpoint is 404", None),
    "SENTRY_DSN": ("Sentry error reporting (off when empty)", None),
    "MEDIA_X264_PRESET": ("x264 preset of the video conversions: `ultrafast` … `veryslow` (slower: smaller files "
                          "for the same quality)", None),
    "MEDIA_RENDITION_HEIGHTS": ("Heights of the phone renditions of a video (comma-separated; never above the "
                                "original's)", None),
    "LEARNING_WATCH_SHARE": ("Share of a video that must really be played for its lesson to count (0.1–1)", None),
    "PROJECT_NAME": ("The programme printed on sheets, certificates and reports", "the project's bilingual name"),
    "FUNDING_NOTICE": ("The co-financing statement on documents", "Interreg Lietuva–Polska · ERDF"),
    "FUNDING_LOGO": ("The programme's logo on the front page: a file under app/static, e.g. `img/interreg.svg`",
                     "none"),
    "ISSUER_NAME": ("Who issues certificates", "the cluster's partners"),
}


def _shown(value: object) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return f"`{str(value).lower()}`"
    return f"`{value}`"


def settings_table() -> str:
    """The README's settings table, from what the classes read and DOCS."""
    lines = ["| Variable | Default | Meaning |", "|---|---|---|"]
    for name in sorted(READ, key=lambda n: (n != "ENV", n)):
        meaning, shown = DOCS.get(name, ("(undocumented)", None))
        lines.append(f"| `MCC_{name}` | {shown or _shown(READ[name])} | {meaning} |")
    return "\n".join(lines) + "\n"


READ.setdefault("ENV", "production")  # read by config_from_env, when the app starts


def write_readme_table(path: str = "README.md") -> None:
    """Replace the table between ``<!-- settings: ... -->`` and ``<!-- /settings -->`` in the README."""
    from pathlib import Path

    readme = Path(path)
    head, rest = readme.read_text().split("<!-- settings:", 1)
    marker, _, tail = rest.partition("\n")
    _, _, after = tail.partition("<!-- /settings -->")
    readme.write_text(f"{head}<!-- settings:{marker}\n{settings_table()}<!-- /settings -->{after}")


if __name__ == "__main__":  # python config.py --table | --readme: print the table, or rewrite the README's
    import sys

    if "--readme" in sys.argv:
        write_readme_table()
    elif "--table" in sys.argv:
        print(settings_table(), end="")
