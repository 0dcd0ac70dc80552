"""ASGI entry point for daphne: HTTP through Django, WebSockets through Channels."""

import os

from django.conf import settings as django_settings

from infra.db_connections import SERVER_ENV
from infra.settings_selection import select_settings

if not django_settings.configured:
    # Served by an ASGI server that did not say so (daphne dawg.asgi:application): ASGI
    # database connections (infra/db_connections.py). In a process already set up, no-op.
    os.environ.setdefault(SERVER_ENV, "asgi")

select_settings("asgi")

from django.core.asgi import get_asgi_application  # noqa: E402

# Django must be set up before the routing imports consumers (and through them, models).
django_asgi_app = get_asgi_application()

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402

from dawg.routing import websocket_urlpatterns  # noqa: E402
from infra.realtime.auth import CachedSessionAuthMiddlewareStack  # noqa: E402
from infra.realtime.origin import ExactOriginValidator  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        "websocket": ExactOriginValidator(
            CachedSessionAuthMiddlewareStack(URLRouter(websocket_urlpatterns))
        ),
    }
)
