"""Chat pages."""

from django.urls import path

from . import views

app_name = "chat"
urlpatterns = [
    path("", views.conversation_list, name="conversation-list"),
    path("new/", views.conversation_new, name="conversation-new"),
    path("<uuid:conversation_id>/", views.conversation_detail, name="conversation-detail"),
]
