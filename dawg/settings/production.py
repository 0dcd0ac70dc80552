"""Production settings: secrets have no defaults, HTTPS only, S3 storage."""

from .base import *
from .base import DATABASES, env, storages_for

# ------------------------------------------------------------------------------------------
# Django: a missing secret stops the boot (ImproperlyConfigured) instead of running insecure.
# ------------------------------------------------------------------------------------------
SECRET_KEY = env("DJANGO_SECRET_KEY")
DEBUG = False
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS")

DATABASES["default"] = {
    **env.db("DATABASE_URL"),
    "CONN_MAX_AGE": env.int("DATABASE_CONN_MAX_AGE", default=60),
    "CONN_HEALTH_CHECKS": True,
}
REDIS_URL = env("REDIS_URL")
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="") or REDIS_URL
CHANNEL_LAYERS["default"]["CONFIG"]["hosts"] = [
    {"address": env("CHANNEL_LAYER_URL", default="") or REDIS_URL, "socket_timeout": 30}
]

STORAGE_BACKEND = env("STORAGE_BACKEND", default="s3")
STORAGES = storages_for(STORAGE_BACKEND)

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
