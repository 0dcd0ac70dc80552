"""Beat pages and asset downloads."""

from django.urls import path

from . import views

app_name = "generation"
urlpatterns = [
    path("<uuid:beat_id>/", views.beat_detail, name="beat-detail"),
    path("assets/<uuid:asset_id>/", views.asset_download, name="asset-download"),
    path(
        "versions/<uuid:version_id>/stems.zip",
        views.version_stems_zip,
        name="version-stems-zip",
    ),
    path(
        "versions/<uuid:version_id>/media/<str:kind>/",
        views.version_media,
        name="version-media",
    ),
    path("versions/<uuid:version_id>/peaks.json", views.version_peaks, name="version-peaks"),
    path("versions/<uuid:version_id>/pattern.json", views.version_pattern, name="version-pattern"),
]
