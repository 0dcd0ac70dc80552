"""Chat pages."""

from django.urls import path

from . import views

app_name = "chat"
urlpatterns = [
    path("", views.conversation_list, name="conversation-list"),
    path("new/", views.conversation_new, name="conversation-new"),
    path("<uuid:conversation_id>/", views.conversation_detail, name="conversation-detail"),
    path(
        "<uuid:conversation_id>/messages/",
        views.conversation_message,
        name="conversation-message",
    ),
    path(
        "<uuid:conversation_id>/rename/",
        views.conversation_rename,
        name="conversation-rename",
    ),
    path(
        "<uuid:conversation_id>/delete/",
        views.conversation_delete,
        name="conversation-delete",
    ),
]
