"""Settings shared by every environment; everything that varies comes from the environment."""

from pathlib import Path

import environ
from kombu import Exchange, Queue

from infra import db_connections
from infra.redis.config import (
    RedisConnection,
    celery_broker_transport_options,
    celery_broker_url,
    celery_broker_use_ssl,
    channel_layer_host,
    parse_sentinels,
)
from infra.settings_selection import env_file_path
from infra.storage.media_origin import media_sources

BASE_DIR = Path(__file__).resolve().parent.parent.parent

# FileAwareEnv reads NAME_FILE too, which is how Docker and Kubernetes mount secrets.
env = environ.FileAwareEnv()
# .env (or DJANGO_ENV_FILE): the same file infra/settings_selection.py read the module from.
if env_file_path().is_file():
    env.read_env(str(env_file_path()))

# ------------------------------------------------------------------------------------------
# Django
# ------------------------------------------------------------------------------------------
SECRET_KEY = env("DJANGO_SECRET_KEY", default="dev-only-insecure-key-change-me")
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])
TIME_ZONE = env("DJANGO_TIME_ZONE", default="UTC")
LANGUAGE_CODE = "en-us"
USE_I18N = True
USE_TZ = True
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000")
# Proxies (addresses or CIDR networks) whose X-Forwarded-For is believed; everyone else's is
# ignored. Used for client addresses by the app (throttles, allow-lists) and by gunicorn
# (forwarded_allow_ips); empty = no proxy: the TCP peer is the client. infra/http/client_address.py
TRUSTED_PROXIES = env.list("TRUSTED_PROXIES", default=[])

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "channels",
    "django_prometheus",
    "storages",
    "infra",
    "generation",
    "chat",
]

MIDDLEWARE = [
    "infra.http.client_address.ClientAddressMiddleware",
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "infra.http.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "infra.http.middleware.ContentSecurityPolicyMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]

ROOT_URLCONF = "dawg.urls"
WSGI_APPLICATION = "dawg.wsgi.application"
ASGI_APPLICATION = "dawg.asgi.application"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

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
            ],
        },
    },
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "chat:conversation-list"
LOGOUT_REDIRECT_URL = "landing"

STATIC_URL = "/static/"
STATIC_ROOT = env("DJANGO_STATIC_ROOT", default=str(BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"] if (BASE_DIR / "static").is_dir() else []

# ------------------------------------------------------------------------------------------
# Database
# ------------------------------------------------------------------------------------------
# https://django-environ.readthedocs.io/en/latest/types.html#environ-env-db-url
DATABASES = {
    # An empty value means unset here and below, so .env.example can be copied as it is.
    "default": env.db_url_config(
        env("DATABASE_URL", default="") or f"sqlite:///{BASE_DIR / 'var' / 'db.sqlite3'}"
    ),
}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded mode runs daphne and a Celery worker against one file: WAL lets readers
    # and the writer overlap, IMMEDIATE transactions avoid lock-upgrade deadlocks.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 30,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
# daphne (ASGI): no persistent connections, and psycopg's pool of at most this many per
# process on PostgreSQL (infra/db_connections.py); other processes keep CONN_MAX_AGE.
# 0 (the default): no pool, a connection per database call that is closed after it. The pool
# (psycopg_pool) did not recover from a PostgreSQL restart in the postgres-restart drill:
# readiness stayed 503 for over 60 s after the server was back.
DATABASE_POOL_MAX_SIZE = env.int("DATABASE_POOL_MAX_SIZE", default=0)
DATABASES["default"] = db_connections.for_server(
    DATABASES["default"], pool_max_size=DATABASE_POOL_MAX_SIZE
)
DATABASE_REPLICA_URL = env("DATABASE_REPLICA_URL", default="")
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = env.db_url_config(DATABASE_REPLICA_URL)
    DATABASES["replica"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
    DATABASES["replica"] = db_connections.for_server(
        DATABASES["replica"], pool_max_size=DATABASE_POOL_MAX_SIZE
    )
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["infra.db_router.PrimaryReplicaRouter"]

# ------------------------------------------------------------------------------------------
# Redis, Celery and the channel layer
# ------------------------------------------------------------------------------------------
REDIS_URL = env("REDIS_URL", default="") or "redis://127.0.0.1:6379/0"
# Sentinel: REDIS_SENTINELS="host1:26379,host2:26379" and REDIS_SENTINEL_MASTER="mymaster";
# REDIS_URL then gives only the scheme (rediss = TLS), password and database number.
REDIS_SENTINELS = env.list("REDIS_SENTINELS", default=[])
REDIS_SENTINEL_MASTER = env("REDIS_SENTINEL_MASTER", default="mymaster")
REDIS_SENTINEL_PASSWORD = env("REDIS_SENTINEL_PASSWORD", default="")
# rediss:// certificate checks: required | optional | none, and an optional CA bundle file.
REDIS_SSL_CERT_REQS = env("REDIS_SSL_CERT_REQS", default="required")
REDIS_SSL_CA_CERTS = env("REDIS_SSL_CA_CERTS", default="")


def redis_connection_for(url: str) -> RedisConnection:
    """A Redis URL plus the shared Sentinel and TLS options (see infra/redis/config.py)."""
    return RedisConnection(
        url=url,
        sentinels=parse_sentinels(REDIS_SENTINELS),
        master_name=REDIS_SENTINEL_MASTER,
        sentinel_password=REDIS_SENTINEL_PASSWORD,
        ssl_cert_reqs=REDIS_SSL_CERT_REQS,
        ssl_ca_certs=REDIS_SSL_CA_CERTS,
    )


REDIS_CONNECTION = redis_connection_for(REDIS_URL)
_BROKER = redis_connection_for(env("CELERY_BROKER_URL", default="") or REDIS_URL)
CELERY_BROKER_URL = celery_broker_url(_BROKER)
CELERY_BROKER_USE_SSL = celery_broker_use_ssl(_BROKER)
CELERY_RESULT_BACKEND = None  # GenerationJob rows are the source of truth, not results.
CELERY_TASK_IGNORE_RESULT = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=120)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=150)
CELERY_TASK_DEFAULT_QUEUE = "default"
# Queue names live here, in one place: renders on their own queue so they can scale apart.
# Declared, so a plain `celery -A dawg worker` consumes every queue and `-Q` only narrows.
# Each with its own exchange and key, as Celery makes a queue it creates on demand: a bare
# Queue(name) would bind to the default exchange and key and receive every task.
CELERY_TASK_QUEUES = tuple(
    Queue(name, Exchange(name), routing_key=name) for name in ("generation", "default")
)
CELERY_TASK_ROUTES = {
    "generation.render_job": {"queue": "generation"},
    "generation.build_lossless": {"queue": "generation"},
    "generation.reap_stuck_jobs": {"queue": "default"},
}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_WORKER_CONCURRENCY = env.int("CELERY_WORKER_CONCURRENCY", default=2)
# The visibility timeout must exceed the hard limit, or Redis redelivers running renders.
CELERY_VISIBILITY_TIMEOUT = env.int("CELERY_VISIBILITY_TIMEOUT", default=300)
CELERY_BROKER_TRANSPORT_OPTIONS = celery_broker_transport_options(
    _BROKER, visibility_timeout=CELERY_VISIBILITY_TIMEOUT
)
CELERY_BEAT_SCHEDULE = {
    "reap-stuck-jobs": {
        "task": "generation.reap_stuck_jobs",
        "schedule": env.int("CELERY_REAPER_INTERVAL_S", default=15),
    },
}

# channels-redis's pub/sub layer: lower tail latency than the list-based layer here, and no
# redis-py 8 pool-exhaustion errors under connect storms. It keeps no server-side queues, so
# the list layer's capacity/expiry do not apply: a message published while a consumer is not
# subscribed is lost, which clients detect as a seq gap and repair with `resume` (counted as
# dawg_channel_layer_drops_total). See docs/realtime-protocol.md.
CHANNEL_LAYERS = {
    "default": {
        "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
        "CONFIG": {
            # socket_timeout=30 in the host entry: redis-py 8's 5 s default crashes idle
            # consumers; Sentinel and rediss:// options come from infra/redis/config.py.
            "hosts": [
                channel_layer_host(
                    redis_connection_for(env("CHANNEL_LAYER_URL", default="") or REDIS_URL)
                )
            ],
        },
    },
}

# ------------------------------------------------------------------------------------------
# Storage
# ------------------------------------------------------------------------------------------
# Sampled sound banks (docs/engine.md, "Sound banks"): unset looks at Debian's install paths
# (`make banks`); a colon-separated list of folders looks only there; "none": no banks.
_SOUND_BANK_PATHS = env("SOUND_BANK_PATHS", default="").strip()
SOUND_BANK_PATHS = (
    None
    if not _SOUND_BANK_PATHS
    else [p for p in _SOUND_BANK_PATHS.split(":") if p and _SOUND_BANK_PATHS != "none"]
)

MEDIA_ROOT = env("MEDIA_ROOT", default="") or str(BASE_DIR / "var" / "media")
MEDIA_URL = "/media/"  # never served publicly; downloads go through an ownership check
STORAGE_BACKEND = env("STORAGE_BACKEND", default="filesystem")  # filesystem | s3
AWS_STORAGE_BUCKET_NAME = env("AWS_STORAGE_BUCKET_NAME", default="dawg-beats")
AWS_S3_REGION_NAME = env("AWS_S3_REGION_NAME", default="us-east-1")
AWS_S3_ENDPOINT_URL = env("AWS_S3_ENDPOINT_URL", default="") or None
# The endpoint browsers reach, when it differs from the one the servers use (Compose: the app
# talks to http://minio:9000, the browser to http://localhost:9000). Download links are signed
# for it and the CSP's media-src allows its origin; empty = AWS_S3_ENDPOINT_URL.
AWS_S3_PUBLIC_ENDPOINT_URL = env("AWS_S3_PUBLIC_ENDPOINT_URL", default="") or None
AWS_S3_ADDRESSING_STYLE = env("AWS_S3_ADDRESSING_STYLE", default="auto")
AWS_ACCESS_KEY_ID = env("AWS_ACCESS_KEY_ID", default="") or None
AWS_SECRET_ACCESS_KEY = env("AWS_SECRET_ACCESS_KEY", default="") or None
AWS_QUERYSTRING_EXPIRE = env.int("AWS_QUERYSTRING_EXPIRE", default=900)
AWS_S3_SIGNATURE_VERSION = "s3v4"
# Objects are private: the canned ACL sent with each PUT. Empty sends none, for buckets with
# ACLs disabled (Object Ownership "bucket owner enforced"); public access is blocked anyway.
AWS_DEFAULT_ACL = env("AWS_DEFAULT_ACL", default="private") or None
AWS_S3_FILE_OVERWRITE = False
AWS_QUERYSTRING_AUTH = True
AWS_S3_OBJECT_PARAMETERS = {"ServerSideEncryption": "AES256"}
# botocore's own retries per S3 call; our writes add STORAGE_WRITE_ATTEMPTS around them.
# Worst case with S3 unreachable: 4 attempts x 2 calls x 3 s connect timeout + backoff, about
# 30 s per storing stage, so a job fails with storage_unavailable well inside its time limit.
AWS_S3_MAX_ATTEMPTS = env.int("AWS_S3_MAX_ATTEMPTS", default=2)
# Worker writes: attempts and the first backoff delay (doubles each time, capped at 8 s).
STORAGE_WRITE_ATTEMPTS = env.int("STORAGE_WRITE_ATTEMPTS", default=4)
STORAGE_RETRY_BASE_DELAY_S = env.float("STORAGE_RETRY_BASE_DELAY_S", default=0.5)
STORAGE_RETRY_MAX_DELAY_S = 8.0
# setup_s3 defaults: the web origin allowed by CORS, and days before previews expire.
S3_CORS_ORIGINS = env.list("S3_CORS_ORIGINS", default=[])
S3_PREVIEW_EXPIRE_DAYS = env.int("S3_PREVIEW_EXPIRE_DAYS", default=30)


def storages_for(backend: str, media_root: str | None = None) -> dict:
    """The STORAGES setting for ``filesystem`` (development) or ``s3`` (production)."""
    if backend == "s3":
        default = {
            # S3Storage that forces SSE AES-256, the private ACL and no overwrites.
            "BACKEND": "infra.storage.backends.BeatS3Storage",
            "OPTIONS": {
                "bucket_name": AWS_STORAGE_BUCKET_NAME,
                "region_name": AWS_S3_REGION_NAME,
                "endpoint_url": AWS_S3_ENDPOINT_URL,
                "addressing_style": AWS_S3_ADDRESSING_STYLE,
                "signature_version": AWS_S3_SIGNATURE_VERSION,
                "default_acl": AWS_DEFAULT_ACL,
                "file_overwrite": AWS_S3_FILE_OVERWRITE,
                "querystring_auth": True,
                "querystring_expire": AWS_QUERYSTRING_EXPIRE,
                "object_parameters": AWS_S3_OBJECT_PARAMETERS,
                # No keys: boto3 falls back to the default credential chain (an IAM role).
                "access_key": AWS_ACCESS_KEY_ID,
                "secret_key": AWS_SECRET_ACCESS_KEY,
                "max_attempts": AWS_S3_MAX_ATTEMPTS,
                "public_endpoint_url": AWS_S3_PUBLIC_ENDPOINT_URL,
            },
        }
    elif backend == "filesystem":
        default = {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": media_root or MEDIA_ROOT, "base_url": MEDIA_URL},
        }
    else:
        raise ValueError(f"STORAGE_BACKEND must be filesystem or s3, not {backend!r}")
    return {
        "default": default,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


def csp_media_sources_for(backend: str) -> list[str]:
    """CSP media-src: presigned links point at this origin (infra/storage/media_origin.py)."""
    return media_sources(
        backend,
        AWS_S3_PUBLIC_ENDPOINT_URL,
        AWS_S3_ENDPOINT_URL,
        bucket=AWS_STORAGE_BUCKET_NAME,
        region=AWS_S3_REGION_NAME,
        addressing_style=AWS_S3_ADDRESSING_STYLE,
    )


STORAGES = storages_for(STORAGE_BACKEND)
CSP_MEDIA_SOURCES = csp_media_sources_for(STORAGE_BACKEND)

# ------------------------------------------------------------------------------------------
# WebSocket and product limits
# ------------------------------------------------------------------------------------------
WS_MAX_FRAME_BYTES = env.int("WS_MAX_FRAME_BYTES", default=16 * 1024)
WS_MAX_CONNECTIONS_PER_USER = env.int("WS_MAX_CONNECTIONS_PER_USER", default=20)
# Each socket's frame budget (token bucket): a burst, refilled per second; a resume costs 5.
WS_FRAME_BURST = env.int("WS_FRAME_BURST", default=45)
WS_FRAMES_PER_SECOND = env.float("WS_FRAMES_PER_SECOND", default=10.0)
# Deepest nesting of arrays/objects accepted in a socket frame or an API body (checked before
# parsing: deeper input crashed the parser).
JSON_MAX_DEPTH = env.int("JSON_MAX_DEPTH", default=32)
CHAT_MAX_MESSAGE_CHARS = env.int("CHAT_MAX_MESSAGE_CHARS", default=2000)
CHAT_MESSAGES_PER_MINUTE = env.int("CHAT_MESSAGES_PER_MINUTE", default=20)
GENERATION_MAX_ACTIVE_JOBS_PER_USER = env.int("GENERATION_MAX_ACTIVE_JOBS_PER_USER", default=3)
# Per-user storage quota: bytes of stored files (a render's size is estimated before it is
# queued), versions and conversations. Over it, a turn or a new conversation is refused.
USER_QUOTA_BYTES = env.int("USER_QUOTA_BYTES", default=5 * 1024**3)
USER_QUOTA_VERSIONS = env.int("USER_QUOTA_VERSIONS", default=1000)
USER_QUOTA_CONVERSATIONS = env.int("USER_QUOTA_CONVERSATIONS", default=200)
GENERATION_MAX_ATTEMPTS = env.int("GENERATION_MAX_ATTEMPTS", default=3)
# A running job whose worker has not reported for this long is taken over or re-queued.
GENERATION_HEARTBEAT_STALE_S = env.float("GENERATION_HEARTBEAT_STALE_S", default=20.0)
# A queued job no worker has taken for this long gets its task sent again by the reaper.
GENERATION_QUEUED_STALE_S = env.float("GENERATION_QUEUED_STALE_S", default=600.0)
# Failed log-ins per (username, client address) a minute; then that pair waits (429).
LOGIN_ATTEMPTS_PER_MINUTE = env.int("LOGIN_ATTEMPTS_PER_MINUTE", default=10)
# Failed log-ins per client address (any username) a minute.
LOGIN_ATTEMPTS_PER_ADDRESS_PER_MINUTE = env.int("LOGIN_ATTEMPTS_PER_ADDRESS_PER_MINUTE", default=50)
# Failed log-ins for one username (all addresses) an hour before the alarm; never a refusal.
LOGIN_USER_ALARM_PER_HOUR = env.int("LOGIN_USER_ALARM_PER_HOUR", default=100)
# New accounts per client address an hour.
SIGNUPS_PER_HOUR = env.int("SIGNUPS_PER_HOUR", default=5)
DEMO_USERNAME = env("DEMO_USERNAME", default="demo")

# ------------------------------------------------------------------------------------------
# Monitoring
# ------------------------------------------------------------------------------------------
LOG_LEVEL = env("LOG_LEVEL", default="INFO")
LOG_FORMAT = env("LOG_FORMAT", default="json")  # json | text
# One line per HTTP request (infra.access) and the scheduler's line per due task (celery.beat);
# `make run` sets both to WARNING unless VERBOSE=1.
ACCESS_LOG_LEVEL = env("ACCESS_LOG_LEVEL", default="INFO")
BEAT_LOG_LEVEL = env("BEAT_LOG_LEVEL", default="INFO")
# Comma-separated client addresses allowed to read /metrics; a bearer token works anywhere.
METRICS_ALLOWED_IPS = env.list("METRICS_ALLOWED_IPS", default=["127.0.0.1", "::1"])
METRICS_TOKEN = env("METRICS_TOKEN", default="")
PROMETHEUS_EXPORT_MIGRATIONS = False
# Each Celery worker serves its pool's metrics here (0 turns the endpoint off); keep the port
# reachable from Prometheus only. https://prometheus.github.io/client_python/multiprocess/
WORKER_METRICS_PORT = env.int("WORKER_METRICS_PORT", default=9808)
# Loopback unless told otherwise: the endpoint has no auth. Kubernetes binds the pod's IP
# (deploy/k8s/worker.yaml), Compose the container's private network.
WORKER_METRICS_ADDR = env("WORKER_METRICS_ADDR", default="127.0.0.1")
# /health/ready: full reports (each check, latency, error class) for these addresses/CIDRs
# (loopback and the private ranges orchestrators probe from) or the bearer HEALTH_TOKEN;
# anyone else gets status and failing part names, from a report at most
# HEALTH_PUBLIC_CACHE_S old. The storage probe runs at most every HEALTH_STORAGE_PROBE_S.
HEALTH_ALLOWED_IPS = env.list(
    "HEALTH_ALLOWED_IPS",
    default=[
        "127.0.0.1",
        "::1",
        "10.0.0.0/8",
        "172.16.0.0/12",
        "192.168.0.0/16",
        "100.64.0.0/10",
        "fc00::/7",
    ],
)
HEALTH_TOKEN = env("HEALTH_TOKEN", default="")
HEALTH_PUBLIC_CACHE_S = env.float("HEALTH_PUBLIC_CACHE_S", default=5.0)
HEALTH_STORAGE_PROBE_S = env.float("HEALTH_STORAGE_PROBE_S", default=60.0)
# Readiness parts whose failure is reported but still answers 200 (e.g. "storage").
HEALTH_OPTIONAL_CHECKS = env.list("HEALTH_OPTIONAL_CHECKS", default=[])
# django-prometheus's cache metrics (django_cache_*) come from its instrumented backends; its
# database metrics come from infra.observability.db_metrics, which works with any DATABASES engine.
_PROMETHEUS_CACHE_BACKENDS = {
    "django.core.cache.backends.locmem.LocMemCache": (
        "django_prometheus.cache.backends.locmem.LocMemCache"
    ),
    "django.core.cache.backends.filebased.FileBasedCache": (
        "django_prometheus.cache.backends.filebased.FileBasedCache"
    ),
}
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
for _cache in CACHES.values():
    _cache["BACKEND"] = _PROMETHEUS_CACHE_BACKENDS.get(_cache["BACKEND"], _cache["BACKEND"])

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"context": {"()": "infra.observability.logging.ContextFilter"}},
    "formatters": {
        "json": {"()": "infra.observability.logging.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "handlers": {
        "stdout": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": LOG_FORMAT,
            "filters": ["context"],
        },
    },
    "root": {"handlers": ["stdout"], "level": LOG_LEVEL},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "daphne": {"level": "WARNING"},
        # Its INFO lines carry task return values; the job and task ids come from our context.
        "celery.app.trace": {"level": "WARNING"},
        # httpx logs every outgoing URL at INFO; a provider URL may carry a key in its query.
        "httpx": {"level": "WARNING"},
        "httpcore": {"level": "WARNING"},
        "infra.access": {"level": ACCESS_LOG_LEVEL},
        "celery.beat": {"level": BEAT_LOG_LEVEL},
    },
}

# ------------------------------------------------------------------------------------------
# AI provider (optional; the built-in parser needs none of this)
# ------------------------------------------------------------------------------------------
LLM_BASE_URL = env("LLM_BASE_URL", default="")
LLM_API_KEY = env("LLM_API_KEY", default="")
LLM_MODEL = env("LLM_MODEL", default="gpt-4o-mini")
LLM_TIMEOUT_S = env.float("LLM_TIMEOUT_S", default=8.0)
LLM_PRICE_INPUT_PER_1K = env.float("LLM_PRICE_INPUT_PER_1K", default=0.0)
LLM_PRICE_OUTPUT_PER_1K = env.float("LLM_PRICE_OUTPUT_PER_1K", default=0.0)
LLM_DAILY_BUDGET_USD = env.float("LLM_DAILY_BUDGET_USD", default=5.0)

# ------------------------------------------------------------------------------------------
# Security
# ------------------------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # the studio's fetch() reads it to send X-CSRFToken
CSRF_FAILURE_VIEW = "infra.http.api.csrf_failure"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
