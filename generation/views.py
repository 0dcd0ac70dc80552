"""Beat pages and owner-only asset downloads."""

from collections.abc import AsyncIterator, Iterator

from asgiref.sync import sync_to_async
from django.contrib.auth.decorators import login_required
from django.core.handlers.asgi import ASGIRequest
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
    JsonResponse,
    StreamingHttpResponse,
)
from django.shortcuts import render

from infra.storage.retry import content_disposition

from . import selectors
from .assets import media as version_media_reads
from .assets.bundle import samples_txt_or_none, stems_bundle_for, stems_zip_stream
from .assets.store import asset_download_name
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
    """All stems (as WAV) and the MIDI of one version as a ZIP, streamed as it is built.

    The WAVs are decoded from the stored FLAC stems a few seconds at a time, so the web
    process holds a few MB whatever the beat's length (docs/performance.md).
    """
    version = selectors.version_get(owner=request.user, version_id=version_id)
    if not version.assets.filter(kind__in=[AssetKind.STEM, AssetKind.MIDI]).exists():
        raise Http404("this version has no stems yet")
    bundle = stems_bundle_for(version)
    chunks = stems_zip_stream(bundle, samples_txt=samples_txt_or_none(version))
    # Under ASGI a sync iterator would be drained into a list first: hand daphne an async one.
    body = _async_chunks(chunks) if isinstance(request, ASGIRequest) else chunks
    response = StreamingHttpResponse(body, content_type="application/zip")
    response["Content-Disposition"] = content_disposition(f"{bundle.folder}.zip")
    response["Cache-Control"] = "private, no-store"
    return response


async def _async_chunks(chunks: Iterator[bytes]) -> AsyncIterator[bytes]:
    """Each chunk made on a worker thread (decoding and storage reads block)."""
    step = sync_to_async(lambda: next(chunks, None), thread_sensitive=False)
    while (chunk := await step()) is not None:
        if chunk:
            yield chunk


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
