"""Production settings: secrets have no defaults, HTTPS only, S3 storage."""

from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

from infra import db_connections
from infra.http.own_addresses import own_ip_addresses

from .base import *
from .base import (
    DATABASE_POOL_MAX_SIZE,
    DATABASES,
    SITE_URL,
    celery_broker_transport_options,
    celery_broker_url,
    celery_broker_use_ssl,
    channel_layer_host,
    csp_media_sources_for,
    env,
    redis_connection_for,
    storages_for,
)

# ------------------------------------------------------------------------------------------
# Django: a missing secret stops the boot (ImproperlyConfigured) instead of running insecure.
# ------------------------------------------------------------------------------------------
SECRET_KEY = env("DJANGO_SECRET_KEY")
DEBUG = False
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS")

DATABASES["default"] = db_connections.for_server(
    {
        **env.db("DATABASE_URL"),
        "CONN_MAX_AGE": env.int("DATABASE_CONN_MAX_AGE", default=60),
        "CONN_HEALTH_CHECKS": True,
    },
    pool_max_size=DATABASE_POOL_MAX_SIZE,
)
# Redis has no default here either; rediss:// (TLS) and Sentinel work as in base.py.
REDIS_URL = env("REDIS_URL")
REDIS_CONNECTION = redis_connection_for(REDIS_URL)
_BROKER = redis_connection_for(env("CELERY_BROKER_URL", default="") or REDIS_URL)
CELERY_BROKER_URL = celery_broker_url(_BROKER)
CELERY_BROKER_USE_SSL = celery_broker_use_ssl(_BROKER)
CELERY_BROKER_TRANSPORT_OPTIONS = celery_broker_transport_options(
    _BROKER, visibility_timeout=CELERY_VISIBILITY_TIMEOUT
)
CHANNEL_LAYERS["default"]["CONFIG"]["hosts"] = [
    channel_layer_host(redis_connection_for(env("CHANNEL_LAYER_URL", default="") or REDIS_URL))
]

STORAGE_BACKEND = env("STORAGE_BACKEND", default="s3")
# Local-disk media in production loses every beat with the instance and splits them across
# web instances; .env.example says filesystem for development. Refuse it unless asked for
# (a single-VM trial, the image's own tests).
if STORAGE_BACKEND == "filesystem" and not env.bool(
    "STORAGE_ALLOW_FILESYSTEM_IN_PRODUCTION", default=False
):
    raise ImproperlyConfigured(
        "STORAGE_BACKEND=filesystem under production settings keeps beats on this instance's "
        "disk: set STORAGE_BACKEND=s3 (and the AWS_* variables), or "
        "STORAGE_ALLOW_FILESYSTEM_IN_PRODUCTION=true if that is really meant."
    )
STORAGES = storages_for(STORAGE_BACKEND)
CSP_MEDIA_SOURCES = csp_media_sources_for(STORAGE_BACKEND)
# Static files: collected into the image with hashed names, served by WhiteNoise from every
# web instance (nginx may serve the same files first; see deploy/nginx/dawg.conf).
STORAGES["staticfiles"] = {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}
MIDDLEWARE = [
    *MIDDLEWARE[: MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1],
    "whitenoise.middleware.WhiteNoiseMiddleware",
    *MIDDLEWARE[MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1 :],
]

# ------------------------------------------------------------------------------------------
# Security: https://docs.djangoproject.com/en/5.2/howto/deployment/checklist/
# ------------------------------------------------------------------------------------------
# TLS ends at the load balancer, which sets X-Forwarded-Proto.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
# The load balancer's health probes come in over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^health$", r"^health/ready$", r"^metrics$"]
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
USE_X_FORWARDED_HOST = env.bool("DJANGO_USE_X_FORWARDED_HOST", default=False)
# WSS only: the page's sockets may go to this site's own wss:// host, never ws:// or elsewhere.
CSP_CONNECT_SRC = f"'self' wss://{urlsplit(SITE_URL).netloc}"
# ALB target-group health checks send the target's IP as Host and cannot be told otherwise:
# with this on, the instance's own private addresses are accepted too (ECS, plain VMs).
if env.bool("DJANGO_ALLOWED_HOSTS_ADD_OWN_IP", default=False):
    ALLOWED_HOSTS = [*ALLOWED_HOSTS, *own_ip_addresses()]
