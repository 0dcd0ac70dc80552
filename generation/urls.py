"""Beat pages and asset downloads."""

from django.urls import path

from . import views

app_name = "generation"
urlpatterns = [
    path("<uuid:beat_id>/", views.beat_detail, name="beat-detail"),
    path("assets/<uuid:asset_id>/", views.asset_download, name="asset-download"),
]
