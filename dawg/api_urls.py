"""The JSON API under /api/ (session auth, CSRF; described at /api/openapi.json)."""

from django.urls import path

from chat import api as chat_api
from generation import api as generation_api

from .openapi import openapi_json

urlpatterns = [
    path("openapi.json", openapi_json, name="api-openapi"),
    path("conversations/", chat_api.conversation_create, name="api-conversation-create"),
    path(
        "conversations/<uuid:conversation_id>/",
        chat_api.conversation_detail,
        name="api-conversation-detail",
    ),
    path(
        "conversations/<uuid:conversation_id>/messages/",
        chat_api.message_create,
        name="api-message-create",
    ),
    path("jobs/<uuid:job_id>/", generation_api.job_detail, name="api-job-detail"),
    path("jobs/<uuid:job_id>/cancel/", generation_api.job_cancel, name="api-job-cancel"),
    path("beats/<uuid:beat_id>/", generation_api.beat_detail, name="api-beat-detail"),
]
