"""Beat pages and owner-only asset downloads."""

from django.contrib.auth.decorators import login_required
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
    JsonResponse,
)
from django.shortcuts import render

from . import selectors
from .assets import media as version_media_reads
from .assets.store import asset_download_name, stems_zip_get_or_create
from .assets.urls import asset_download_url_or_none
from .models import AssetKind


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


@login_required
def version_media(request: HttpRequest, version_id: str, kind: str) -> HttpResponse:
    """A version's MP3, WAV, MIDI or preview by kind (``?inline=1`` streams for the player)."""
    version = selectors.version_get(owner=request.user, version_id=version_id)
    asset = version_media_reads.version_asset_get(version=version, kind=kind)
    return asset_download(request, asset_id=str(asset.id))


@login_required
def version_peaks(request: HttpRequest, version_id: str) -> JsonResponse:
    """The waveform overview as JSON, ``?bins=N`` for a smaller one (the list's thumbnails)."""
    version = selectors.version_get(owner=request.user, version_id=version_id)
    try:
        bins = int(request.GET.get("bins", version_media_reads.PEAKS_MAX_BINS))
    except ValueError:
        bins = version_media_reads.PEAKS_MAX_BINS
    response = JsonResponse(version_media_reads.version_peaks(version=version, bins=bins))
    response["Cache-Control"] = "private, max-age=3600"
    return response


@login_required
def version_pattern(request: HttpRequest, version_id: str) -> JsonResponse:
    """One section's drum grid and piano-roll notes (``?section=N``, default: the hook)."""
    version = selectors.version_get(owner=request.user, version_id=version_id)
    section = request.GET.get("section")
    try:
        index = int(section) if section not in (None, "") else None
    except ValueError as exc:
        raise Http404("bad section") from exc
    response = JsonResponse(version_media_reads.version_pattern(version=version, section=index))
    response["Cache-Control"] = "private, max-age=3600"
    return response
