"""Health and metrics routes."""

from django.urls import path

from . import views

urlpatterns = [
    path("health", views.health, name="health"),
    path("health/ready", views.health_ready, name="health-ready"),
    path("metrics", views.metrics, name="metrics"),
]
