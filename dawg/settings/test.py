"""Test settings: fast hashing, local memory email, media in a temporary folder."""

import tempfile

from .base import *
from .base import env, storages_for

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MEDIA_ROOT = env("MEDIA_ROOT", default=tempfile.mkdtemp(prefix="dawg-test-media-"))
STORAGES = storages_for(STORAGE_BACKEND, MEDIA_ROOT)
LOG_LEVEL = "WARNING"
LOGGING["root"]["level"] = LOG_LEVEL
