"""File responses that answer HTTP Range requests (206) and revalidate (ETag, Last-Modified).

The browser's media element seeks by asking for a byte range; without a 206 answer Chromium
marks the audio as not seekable and every seek starts again at 0:00. Django's FileResponse
always sends the whole file, so downloads we stream ourselves (filesystem storage) go
through here. One range per request (what media elements ask for); a multi-range request
gets the whole file, which RFC 9110 allows.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import BinaryIO

from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.utils.http import http_date, parse_http_date_safe

from infra.storage.retry import content_disposition

CHUNK_BYTES = 64 * 1024
_SINGLE_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


def byte_range(header: str, size: int) -> tuple[int, int] | bool | None:
    """(start, end inclusive) for a single-range ``Range`` header; None when the header asks
    for no usable range (absent, malformed, several ranges: send the whole file); False when
    the range lies outside the file (416)."""
    match = _SINGLE_RANGE.match(header.replace(" ", "")) if header else None
    if match is None:
        return None
    first, last = match.groups()
    if not first and not last:
        return None
    if not first:  # "bytes=-500": the last 500 bytes
        suffix = int(last)
        if suffix == 0:
            return False
        return max(0, size - suffix), size - 1
    start = int(first)
    end = min(int(last), size - 1) if last else size - 1
    if start >= size or end < start:
        return False
    return start, end


def _chunks(handle: BinaryIO, start: int, length: int) -> Iterator[bytes]:
    try:
        handle.seek(start)
        left = length
        while left > 0:
            data = handle.read(min(CHUNK_BYTES, left))
            if not data:
                break
            left -= len(data)
            yield data
    finally:
        handle.close()


def _not_modified(request: HttpRequest, etag: str, last_modified: datetime | None) -> bool:
    if_none_match = request.headers.get("If-None-Match")
    if if_none_match is not None:
        tags = {t.strip().removeprefix("W/") for t in if_none_match.split(",")}
        return etag in tags or "*" in tags
    since = parse_http_date_safe(request.headers.get("If-Modified-Since", ""))
    return bool(since and last_modified and int(last_modified.timestamp()) <= since)


def _if_range_holds(request: HttpRequest, etag: str, last_modified: datetime | None) -> bool:
    """A Range with ``If-Range`` applies only if the file is still the one the client has."""
    value = request.headers.get("If-Range")
    if not value:
        return True
    if value.startswith(('"', "W/")):
        return value == etag
    since = parse_http_date_safe(value)
    return bool(since and last_modified and int(last_modified.timestamp()) <= since)


def ranged_file_response(
    request: HttpRequest,
    *,
    open_file: Callable[[], BinaryIO],
    size: int,
    etag: str,
    last_modified: datetime | None,
    content_type: str,
    filename: str,
    inline: bool,
    cache_control: str = "private, max-age=3600",
) -> HttpResponse:
    """The file (200), one range of it (206), 304 when the client's copy is current, or 416.

    ``etag`` is a quoted strong tag; ``cache_control`` must stay private for owner-only files.
    """
    headers = {
        "ETag": etag,
        "Accept-Ranges": "bytes",
        "Cache-Control": cache_control,
        "Content-Disposition": content_disposition(filename, inline=inline),
    }
    if last_modified is not None:
        headers["Last-Modified"] = http_date(last_modified.timestamp())
    if request.method in ("GET", "HEAD") and _not_modified(request, etag, last_modified):
        response = HttpResponse(status=304)
        for name, value in headers.items():
            response[name] = value
        return response
    wanted = byte_range(request.headers.get("Range", ""), size)
    if wanted is not None and not _if_range_holds(request, etag, last_modified):
        wanted = None
    if wanted is False:
        response = HttpResponse(status=416)
        response["Content-Range"] = f"bytes */{size}"
        response["Accept-Ranges"] = "bytes"
        return response
    start, end = wanted if wanted else (0, size - 1)
    length = max(0, end - start + 1)
    if request.method == "HEAD":
        response = HttpResponse(status=206 if wanted else 200, content_type=content_type)
    else:
        response = StreamingHttpResponse(
            _chunks(open_file(), start, length),
            status=206 if wanted else 200,
            content_type=content_type,
        )
    for name, value in headers.items():
        response[name] = value
    response["Content-Length"] = str(length)
    if wanted:
        response["Content-Range"] = f"bytes {start}-{end}/{size}"
    return response
