"""Beat pages and asset downloads."""

from django.urls import path

from . import views

app_name = "generation"
urlpatterns = [
    path("<uuid:beat_id>/", views.beat_detail, name="beat-detail"),
    path("<uuid:beat_id>/rename/", views.beat_rename, name="beat-rename"),
    path("<uuid:beat_id>/delete/", views.beat_delete, name="beat-delete"),
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
    path("versions/<uuid:version_id>/stems.json", views.version_stems, name="version-stems"),
    path(
        "versions/<uuid:version_id>/stems/<str:track>/",
        views.version_stem,
        name="version-stem",
    ),
    path("versions/<uuid:version_id>/share/", views.version_share, name="version-share"),
    path("shares/<uuid:share_id>/revoke/", views.share_revoke, name="share-revoke"),
    path("shared/<str:token>/", views.share_page, name="share"),
    path("shared/<str:token>/peaks.json", views.share_peaks, name="share-peaks"),
    path("shared/<str:token>/<str:kind>/", views.share_media, name="share-media"),
    path("versions/<uuid:version_id>/peaks.json", views.version_peaks, name="version-peaks"),
    path("versions/<uuid:version_id>/pattern.json", views.version_pattern, name="version-pattern"),
]
