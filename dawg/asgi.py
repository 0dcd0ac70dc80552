"""ASGI entry point for daphne: HTTP through Django, WebSockets through Channels."""

from infra.settings_selection import select_settings

select_settings("asgi")

from django.core.asgi import get_asgi_application  # noqa: E402

# Django must be set up before the routing imports consumers (and through them, models).
django_asgi_app = get_asgi_application()

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

from dawg.routing import websocket_urlpatterns  # noqa: E402
from infra.realtime.auth import CachedSessionAuthMiddlewareStack  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        "websocket": AllowedHostsOriginValidator(
            CachedSessionAuthMiddlewareStack(URLRouter(websocket_urlpatterns))
        ),
    }
)
