"""The stems ZIP, streamed: WAVs decoded from the FLAC stems a chunk at a time, never held whole."""

from __future__ import annotations

import contextlib
import io
import logging
import time
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import IO, Any

import soundfile
from django.core.files.storage import FileSystemStorage, default_storage

from generation.assets.media import stem_fader_db
from generation.assets.store import asset_download_name, version_download_name
from generation.engine.banks import samples_txt
from generation.engine.encode import CHUNK_FRAMES, wav_chunks
from generation.engine.mix import fader, stereo_gains
from generation.engine.stemcache import reverb_stereo_chunks, stereo_stem_chunks
from generation.engine.voices import SAMPLE_RATE
from generation.models import Asset, AssetKind, BeatVersion
from infra.storage.retry import storage_call_with_retry

__all__ = ["StemsBundle", "samples_txt_or_none", "stems_bundle_for", "stems_zip_stream"]

logger = logging.getLogger(__name__)

COPY_CHUNK = 1 << 20
RANGE_BYTES = 4 << 20


@dataclass(frozen=True)
class StemsBundle:
    """What goes into one version's stems ZIP (read from the database before streaming)."""

    folder: str
    genre: str
    loop: bool
    frames: int | None  # samples of a stem at 44.1 kHz (the reverb return is half that)
    entries: tuple[tuple[str, Asset], ...]  # (name inside the ZIP, asset)
    faders: dict[str, float] = field(default_factory=dict)  # asset name -> linear fader


def stems_bundle_for(version: BeatVersion) -> StemsBundle:
    """Every stem (as WAV) and the MIDI of ``version``; ValueError if it has none."""
    assets = list(
        Asset.objects.filter(version=version, kind__in=[AssetKind.STEM, AssetKind.MIDI])
        .select_related("version__beat", "stem")
        .order_by("kind", "name")
    )
    if not assets:
        raise ValueError(f"version {version.id} has no stems or MIDI to bundle")
    frames = next((a.stem.samples for a in assets if a.stem is not None), None)
    folder = version_download_name(version, ext="zip", suffix="stems").removesuffix(".zip")
    entries = []
    for asset in assets:
        name = asset_download_name(asset)
        if asset.kind == AssetKind.STEM:
            name = str(PurePosixPath(name).with_suffix(".wav"))
        entries.append((f"{folder}/{name}", asset))
    spec = version.beat_spec()
    # A pre-fader stem is multiplied by its track's fader, as in the mix; older stems have it.
    faders = {a.name: fader(stem_fader_db(a, spec)) for a in assets if a.kind == AssetKind.STEM}
    return StemsBundle(folder, spec.genre, spec.loop, frames, tuple(entries), faders)


def samples_txt_or_none(version: BeatVersion) -> str | None:
    """SAMPLES.txt for the stems ZIP: the samples and SoundFonts the version's sampled tracks
    used, with licences and sources (written from the spec alone: the web process needs no
    banks installed); None when every sound is synthesised."""
    try:
        return samples_txt(version.beat_spec())
    except Exception:  # credits must never block the stems download
        logger.exception("stems zip: no SAMPLES.txt for version %s", version.id)
        return None


class _Pipe:
    """A write-only, unseekable file for zipfile: bytes written are drained by the stream."""

    def __init__(self) -> None:
        self.parts: list[bytes] = []
        self.position = 0

    def write(self, data: bytes) -> int:
        self.parts.append(bytes(data))
        self.position += len(data)
        return len(data)

    def tell(self) -> int:
        return self.position

    def flush(self) -> None:
        return None

    def drain(self) -> bytes:
        out, self.parts = b"".join(self.parts), []
        return out


class _RangedObject(io.RawIOBase):
    """A seekable, read-only view of one S3 object, read with ranged GETs (retried).

    The decoder seeks (header, a loop's tail) and reads forward; wrapped in a
    BufferedReader each GET fetches ``RANGE_BYTES``. Neither memory nor the pod's small
    /tmp ever holds the object whole.
    """

    def __init__(self, client: Any, bucket: str, key: str) -> None:
        self.client, self.bucket, self.key = client, bucket, key
        head = storage_call_with_retry(
            lambda: client.head_object(Bucket=bucket, Key=key), what=f"read {key}"
        )
        self.size = int(head["ContentLength"])
        self.position = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self.position

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self.position, io.SEEK_END: self.size}[whence]
        self.position = max(0, base + offset)
        return self.position

    def readinto(self, buffer: Any) -> int:
        if self.position >= self.size or not len(buffer):
            return 0
        last = min(self.size, self.position + len(buffer)) - 1
        span = f"bytes={self.position}-{last}"

        def get() -> bytes:
            answer = self.client.get_object(Bucket=self.bucket, Key=self.key, Range=span)
            return answer["Body"].read()

        data = storage_call_with_retry(get, what=f"read {self.key}")
        buffer[: len(data)] = data
        self.position += len(data)
        return len(data)


@contextlib.contextmanager
def _local(name: str) -> Iterator[IO[bytes] | str]:
    """A stored object as a local path (filesystem storage) or a ranged reader (S3)."""
    if isinstance(default_storage, FileSystemStorage):
        yield default_storage.path(name)
        return
    key = default_storage._normalize_name(name)
    client = default_storage.connection.meta.client
    raw = _RangedObject(client, default_storage.bucket_name, key)
    with io.BufferedReader(raw, buffer_size=RANGE_BYTES) as handle:
        yield handle


def _stem_wav(asset: Asset, bundle: StemsBundle, frames: int | None) -> Iterator[bytes]:
    """A FLAC stem as the 16-bit stereo WAV it sits in the mix as, chunk by chunk."""
    track = PurePosixPath(asset.name).stem.removeprefix("stems-")
    with _local(asset.file.name) as local, soundfile.SoundFile(local) as source:
        if track == "reverb":
            total = frames if frames is not None else 2 * source.frames
            pieces = reverb_stereo_chunks(
                source, frames=total, loop=bundle.loop, chunk=CHUNK_FRAMES
            )
        else:
            total = source.frames
            left, right, delay = stereo_gains(track, bundle.genre)
            level = bundle.faders.get(asset.name, 1.0)
            left, right = left * level, right * level
            pieces = stereo_stem_chunks(
                source, left=left, right=right, delay=delay, loop=bundle.loop, chunk=CHUNK_FRAMES
            )
        yield from wav_chunks(lambda start, stop: next(pieces), total, 2, SAMPLE_RATE, bits=16)


def _copy(asset: Asset) -> Iterator[bytes]:
    with _local(asset.file.name) as local:
        handle = open(local, "rb") if isinstance(local, str) else contextlib.nullcontext(local)  # noqa: SIM115
        with handle as source:
            while chunk := source.read(COPY_CHUNK):
                yield chunk


def stems_zip_stream(bundle: StemsBundle, *, samples_txt: str | None = None) -> Iterator[bytes]:
    """The ZIP as a stream of byte chunks (stored, not deflated: WAVs barely compress).

    FLAC stems become 16-bit stereo WAVs (pan and width applied, the reverb return
    upsampled), decoded ~6 s at a time; other files are copied through. Memory stays at
    a few chunks whatever the beat's length. Needs no database access (run it on any
    thread); ``samples_txt`` is added as SAMPLES.txt when given.
    """
    pipe = _Pipe()
    stamp = time.localtime()[:6]
    with zipfile.ZipFile(pipe, "w", compression=zipfile.ZIP_STORED, allowZip64=True) as archive:
        for name, asset in bundle.entries:
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_STORED
            is_flac = asset.kind == AssetKind.STEM and asset.name.endswith(".flac")
            chunks = _stem_wav(asset, bundle, bundle.frames) if is_flac else _copy(asset)
            with archive.open(info, "w", force_zip64=True) as entry:
                for chunk in chunks:
                    entry.write(chunk)
                    yield pipe.drain()
            yield pipe.drain()
        if samples_txt:
            archive.writestr(f"{bundle.folder}/SAMPLES.txt", samples_txt)
    yield pipe.drain()
