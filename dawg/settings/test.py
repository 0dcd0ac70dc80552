"""Test settings: fast hashing, local memory email, media in a temporary folder."""

import os
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

# Live-server tests run daphne and a Celery worker as separate processes: they must see the
# test database, so SQLite's test database is a file rather than memory (one per test run,
# so two runs side by side never share it; they pass its path on as DATABASE_URL).
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A fresh clone has no var/ yet (`make test` runs no migrate), and SQLite creates no folders.
    (BASE_DIR / "var").mkdir(exist_ok=True)
    DATABASES["default"]["TEST"] = {
        "NAME": str(BASE_DIR / "var" / f"test-db-{os.getpid()}.sqlite3")
    }

# Static files from the app and project folders without collectstatic, served by WhiteNoise
# as in production (daphne itself serves no static files).
_security = MIDDLEWARE.index("django.middleware.security.SecurityMiddleware")
MIDDLEWARE = [
    *MIDDLEWARE[: _security + 1],
    "whitenoise.middleware.WhiteNoiseMiddleware",
    *MIDDLEWARE[_security + 1 :],
]
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
