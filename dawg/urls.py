"""Root URL configuration."""

from django.contrib import admin
from django.urls import include, path

from . import views

urlpatterns = [
    path("", views.landing, name="landing"),
    path("accounts/signup/", views.signup, name="signup"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
    path("c/", include("chat.urls")),
    path("beats/", include("generation.urls")),
    path("api/", include("dawg.api_urls")),
    path("", include("infra.urls")),
]
