"""Beat pages and owner-only asset downloads."""

from collections.abc import AsyncIterator, Iterator

from asgiref.sync import sync_to_async
from django.contrib.auth.decorators import login_required
from django.core.handlers.asgi import ASGIRequest
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
    JsonResponse,
    StreamingHttpResponse,
)
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from infra.http.ranged import ranged_file_response
from infra.storage.retry import content_disposition

from . import presenters, selectors, services
from .assets import media as version_media_reads
from .assets.bundle import samples_txt_or_none, stems_bundle_for, stems_zip_stream
from .assets.store import asset_download_name
from .assets.urls import asset_download_url_or_none
from .models import Asset, AssetKind, BeatVersion


@login_required
def beat_detail(request: HttpRequest, beat_id: str) -> HttpResponse:
    beat = selectors.beat_get(owner=request.user, beat_id=beat_id)
    context = {"beat": beat, "versions": selectors.version_list(beat=beat)}
    return render(request, "generation/beat.html", context)


def _back(request: HttpRequest, fallback: str) -> str:
    """Where a form goes back to: its ``next`` if it is one of ours, else ``fallback``."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=False):
        return target
    return fallback


@login_required
@require_POST
def beat_rename(request: HttpRequest, beat_id: str) -> HttpResponse:
    """A title the user picks (empty: the name follows the beat's current version)."""
    beat = selectors.beat_get(owner=request.user, beat_id=beat_id)
    services.beat_rename(beat=beat, title=request.POST.get("title", ""))
    return redirect(_back(request, beat.conversation.get_absolute_url()))


@login_required
def beat_delete(request: HttpRequest, beat_id: str) -> HttpResponse:
    """GET: what would go, and a button; POST: delete the beat, its versions and files."""
    beat = selectors.beat_get(owner=request.user, beat_id=beat_id)
    back = beat.conversation.get_absolute_url()
    if request.method == "POST":
        services.beat_delete(beat=beat)
        return redirect(back)
    context = {
        "what": f"the beat “{presenters.beat_title(beat)}”",
        "details": f"{beat.versions.count()} versions and every file rendered for them",
        "cancel_url": back,
    }
    return render(request, "confirm_delete.html", context)


@login_required
def asset_download(request: HttpRequest, asset_id: str) -> HttpResponse:
    """Streams the file (filesystem storage) or redirects to a short-lived presigned URL (S3)."""
    asset = selectors.asset_get(owner=request.user, asset_id=asset_id)
    return asset_response(request, asset)


def asset_response(request: HttpRequest, asset: Asset) -> HttpResponse:
    """An asset the caller has checked access to: a presigned redirect on S3 (S3 answers
    ranges itself), else the bytes with Range support and validators so the player seeks."""
    inline = request.GET.get("inline") == "1"
    presigned = asset_download_url_or_none(asset, inline=inline)
    if presigned:
        response = HttpResponseRedirect(presigned)
        # The presigned URL works for anyone who has it: no cache may keep this redirect.
        response["Cache-Control"] = "private, no-store"
        return response
    return ranged_file_response(
        request,
        open_file=lambda: asset.file.open("rb"),
        size=asset.bytes or asset.file.size,
        etag=f'"{asset.sha256[:32] or asset.id.hex}"',
        last_modified=asset.created_at,
        content_type=asset.content_type or "application/octet-stream",
        filename=asset_download_name(asset),
        inline=inline,
        # The owner's bytes: the browser may keep them (seeking re-reads ranges), no shared
        # cache may; an asset id never changes content, the validators confirm it.
        cache_control="private, max-age=3600",
    )


@login_required
def version_stems_zip(request: HttpRequest, version_id: str) -> HttpResponse:
    """All stems (as WAV) and the MIDI of one version as a ZIP, streamed as it is built.

    The WAVs are decoded from the stored FLAC stems a few seconds at a time, so the web
    process holds a few MB whatever the beat's length (docs/performance.md).
    """
    version = selectors.version_get(owner=request.user, version_id=version_id)
    if not version.assets.filter(kind__in=[AssetKind.STEM, AssetKind.MIDI]).exists():
        raise Http404("this version has no stems yet")
    try:
        _reverb_ensure(version)  # the ZIP holds the reverb return, made on first request
    except services.LosslessPending as exc:
        return _pending(exc)
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


def _pending(exc: services.LosslessPending) -> HttpResponse:
    response = HttpResponse(
        "this file is being made; try again in a moment", status=503, content_type="text/plain"
    )
    response["Retry-After"] = str(exc.retry_after)
    return response


def _media_response(request: HttpRequest, version: BeatVersion, kind: str) -> HttpResponse:
    """The version's file of ``kind``. The WAV is made from the stems on its first request
    (the request waits for it); if that takes too long, 503 with Retry-After, never a 404
    or part of a file."""
    if kind != "wav":
        return asset_response(
            request, version_media_reads.version_asset_get(version=version, kind=kind)
        )
    try:
        asset = services.version_lossless_get(version=version)
    except services.LosslessPending as exc:
        return _pending(exc)
    if asset is None:
        raise Http404("not rendered yet")
    return asset_response(request, asset)


def _reverb_ensure(version: BeatVersion) -> None:
    """A version whose mix has a reverb return gets it stored (with the WAV) before its
    stems are listed, zipped or streamed; LosslessPending if that is still going on."""
    if version_media_reads.reverb_missing(version=version):
        services.version_lossless_get(version=version)


@login_required
def version_media(request: HttpRequest, version_id: str, kind: str) -> HttpResponse:
    """A version's MP3, WAV, MIDI or preview by kind (``?inline=1`` streams for the player)."""
    version = selectors.version_get(owner=request.user, version_id=version_id)
    return _media_response(request, version, kind)


@login_required
def version_stems(request: HttpRequest, version_id: str) -> JsonResponse:
    """What stems a version has, each with one URL to stream it (the mixer decodes whatever
    format it is in) and the fader to play it at: ``{"stems": [{"track", "url",
    "content_type", "bytes", "fader_db"}]}``."""
    version = selectors.version_get(owner=request.user, version_id=version_id)
    return JsonResponse({"stems": presenters.stem_list(version)})


@login_required
def version_stem(request: HttpRequest, version_id: str, track: str) -> HttpResponse:
    """One stem of a version by track name (Range-capable, like the mix)."""
    version = selectors.version_get(owner=request.user, version_id=version_id)
    if track == "reverb":
        try:
            _reverb_ensure(version)
        except services.LosslessPending as exc:
            return _pending(exc)
    return asset_response(
        request, version_media_reads.version_stem_get(version=version, track=track)
    )


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


# --- sharing ----------------------------------------------------------------------------------
@login_required
@require_POST
def version_share(request: HttpRequest, version_id: str) -> HttpResponse:
    """The owner makes a share link (expiry from SHARE_EXPIRY_HOURS, download allowed or not)."""
    version = selectors.version_get(owner=request.user, version_id=version_id)
    try:
        hours = int(request.POST.get("hours", "24"))
        share = services.share_create(
            version=version, hours=hours, allow_download=request.POST.get("allow_download") == "on"
        )
    except ValueError as exc:
        return HttpResponse(str(exc), status=400, content_type="text/plain")
    back = _back(request, version.beat.conversation.get_absolute_url())
    return redirect(f"{back}?shared={share.id}#shares")


@login_required
@require_POST
def share_revoke(request: HttpRequest, share_id: str) -> HttpResponse:
    share = selectors.share_get_owned(owner=request.user, share_id=share_id)
    services.share_revoke(share=share)
    return redirect(_back(request, reverse("chat:conversation-list")))


def _live_share(token: str) -> selectors.ShareLink:
    return selectors.share_get(token=token)


def share_page(request: HttpRequest, token: str) -> HttpResponse:
    """The read-only listen page anyone with the link may open (no log-in)."""
    try:
        share = _live_share(token)
    except selectors.ShareGone:
        return render(request, "share_gone.html", status=410)
    version = share.version
    context = {
        "share": share,
        "version": version,
        "title": presenters.beat_title(version.beat),
        "rendered": version.assets.filter(kind=AssetKind.MIX_MP3).exists(),
    }
    response = render(request, "share.html", context)
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "no-referrer"  # the token must not leak to other sites
    return response


def share_media(request: HttpRequest, token: str, kind: str) -> HttpResponse:
    """The shared version's MP3 to stream, or (only if the owner allowed it) MP3/WAV downloads."""
    try:
        share = _live_share(token)
    except selectors.ShareGone:
        return HttpResponse("this link has expired", status=410, content_type="text/plain")
    if kind not in ("mp3", "wav") or (
        request.GET.get("inline") != "1" and not share.allow_download
    ):
        raise Http404("not shared")
    if kind == "wav" and not share.allow_download:
        raise Http404("not shared")
    return _media_response(request, share.version, kind)


def share_peaks(request: HttpRequest, token: str) -> HttpResponse:
    try:
        share = _live_share(token)
    except selectors.ShareGone:
        return HttpResponse("this link has expired", status=410, content_type="text/plain")
    response = JsonResponse(version_media_reads.version_peaks(version=share.version, bins=600))
    response["Cache-Control"] = "private, max-age=600"
    return response
