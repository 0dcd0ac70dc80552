"""Development settings: the embedded stack of `make run`."""

from .base import *
from .base import env

DEBUG = env.bool("DJANGO_DEBUG", default=True)
LOG_FORMAT = env("LOG_FORMAT", default="text")
LOGGING["handlers"]["stdout"]["formatter"] = LOG_FORMAT

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
