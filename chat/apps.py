"""App config for chat."""

from django.apps import AppConfig


class ChatConfig(AppConfig):
    name = "chat"
    verbose_name = "Chat"

    def ready(self) -> None:
        from generation.signals import render_cancelled

        from .services import render_cancelled_reply

        render_cancelled.connect(
            lambda sender, **kwargs: render_cancelled_reply(**kwargs),
            weak=False,
            dispatch_uid="chat.render_cancelled_reply",
        )
