"""Beat pages and owner-only asset downloads."""

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render

from . import selectors
from .asset_storage import asset_download_name, stems_zip_get_or_create
from .models import AssetKind
from .storage_urls import asset_download_url_or_none


@login_required
def beat_detail(request: HttpRequest, beat_id: str) -> HttpResponse:
    beat = selectors.beat_get(owner=request.user, beat_id=beat_id)
    context = {"beat": beat, "versions": selectors.version_list(beat=beat)}
    return render(request, "generation/beat.html", context)


@login_required
def asset_download(request: HttpRequest, asset_id: str) -> HttpResponse:
    """Streams the file (filesystem storage) or redirects to a short-lived presigned URL (S3)."""
    asset = selectors.asset_get(owner=request.user, asset_id=asset_id)
    inline = request.GET.get("inline") == "1"
    presigned = asset_download_url_or_none(asset, inline=inline)
    if presigned:
        response = HttpResponseRedirect(presigned)
    else:
        response = FileResponse(
            asset.file.open("rb"),
            as_attachment=not inline,
            filename=asset_download_name(asset),
            content_type=asset.content_type or "application/octet-stream",
        )
    # The presigned URL and the bytes are the owner's alone: no shared cache may keep them.
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def version_stems_zip(request: HttpRequest, version_id: str) -> HttpResponse:
    """All stems and the MIDI of one version as a ZIP, built on first request."""
    version = selectors.version_get(owner=request.user, version_id=version_id)
    if not version.assets.filter(kind__in=[AssetKind.STEM, AssetKind.MIDI]).exists():
        raise Http404("this version has no stems yet")
    bundle = stems_zip_get_or_create(version=version)
    return asset_download(request, asset_id=str(bundle.id))
