"""Development settings: the embedded stack of `make run`."""

from .base import *
from .base import env

DEBUG = env.bool("DJANGO_DEBUG", default=True)
LOG_FORMAT = env("LOG_FORMAT", default="text")
LOGGING["handlers"]["stdout"]["formatter"] = LOG_FORMAT
