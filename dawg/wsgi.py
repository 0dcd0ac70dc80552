"""WSGI entry point, for plain-HTTP servers beside daphne."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dawg.settings.development")

application = get_wsgi_application()
