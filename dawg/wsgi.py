"""WSGI entry point, for plain-HTTP servers beside daphne."""

from infra.settings_selection import select_settings

select_settings("wsgi")

from django.core.wsgi import get_wsgi_application  # noqa: E402

application = get_wsgi_application()
