"""The stem cache in storage: FLAC stems shared by content key, verified on read, pruned when unused."""

from __future__ import annotations

import hashlib
import logging
import threading
import uuid
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import partial

import numpy as np
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from generation.engine.stemcache import stem_from_flac
from generation.models import STEM_PREFIX, Asset, AssetKind, BeatVersion, StoredStem
from infra.storage.retry import (
    storage_delete_quietly,
    storage_read_bytes,
    storage_save_bytes,
)

__all__ = [
    "StemUpload",
    "StorageStemCache",
    "stem_memory_clear",
    "stem_object_save",
    "stem_uploads_discard",
    "stems_prune",
    "version_stems_attach",
]

logger = logging.getLogger(__name__)

# Decoded stems this worker process used or made lately, by key: an edit usually lands on
# the worker that rendered the version before, and skips the storage read and FLAC decode
# (~0.08 s of CPU per 3-minute stem). Bounded by bytes; counted in the worker's memory
# budget (docs/reliability.md, "Memory").
MEMORY_BYTES = 256 * 2**20
_memory: OrderedDict[str, tuple[str | None, np.ndarray]] = OrderedDict()
_memory_lock = threading.Lock()


def _memory_put(key: str, sha256: str | None, stem: np.ndarray) -> None:
    if stem.nbytes > MEMORY_BYTES:
        return
    stem.flags.writeable = False  # shared between renders: nobody may write into it
    with _memory_lock:
        _memory[key] = (sha256, stem)
        _memory.move_to_end(key)
        while sum(s.nbytes for _, s in _memory.values()) > MEMORY_BYTES:
            _memory.popitem(last=False)


def _memory_get(key: str, sha256: str) -> np.ndarray | None:
    """The decoded stem if this process holds it for exactly this stored object."""
    with _memory_lock:
        held = _memory.get(key)
        if held is None or held[0] != sha256:
            return None
        _memory.move_to_end(key)
        return held[1]


def _memory_confirm(key: str, sha256: str) -> None:
    """A stem this process rendered was uploaded as ``sha256``: it may now be served."""
    with _memory_lock:
        held = _memory.get(key)
        if held is not None and held[0] is None:
            _memory[key] = (sha256, held[1])


def stem_memory_clear() -> None:
    """Forget every decoded stem held in this process (tests, drills)."""
    with _memory_lock:
        _memory.clear()


@dataclass(frozen=True)
class StemUpload:
    """A freshly rendered stem's object, uploaded but not yet committed as a StoredStem."""

    key: str
    name: str
    bytes: int
    sha256: str


def stem_object_save(*, key: str, data: bytes) -> StemUpload:
    """Upload one stem's FLAC under a fresh name (retried); nothing refers to it yet.

    The name carries a nonce, so two workers rendering the same stem never write the same
    object, and a worker killed mid-upload leaves only an object no row points at.
    """
    name = f"{STEM_PREFIX}/{key[:2]}/{key}-{uuid.uuid4().hex[:12]}.flac"
    stored = storage_save_bytes(
        name=name, data=data, content_type="audio/flac", tags={"kind": "stem"}
    )
    digest = hashlib.sha256(data).hexdigest()
    _memory_confirm(key, digest)
    return StemUpload(key, stored, len(data), digest)


def stem_uploads_discard(uploads: Iterable[StemUpload]) -> None:
    """Delete uploads no committed row refers to (a render that failed after uploading)."""
    for upload in uploads:
        if not StoredStem.objects.filter(file=upload.name).exists():
            storage_delete_quietly(upload.name)


class StorageStemCache:
    """``generation.engine.stemcache.StemCache`` over StoredStem rows and their objects.

    ``load`` checks the object's sha256 against the row before decoding it; a stem that
    is missing, corrupt or the wrong length is logged, remembered in ``rejected`` and
    rendered again (its row is repaired when the new stem is attached). ``hits`` holds
    the rows it served, by key. A stem this process decoded or rendered for the same
    stored object (same sha256) is served from memory, read-only.
    """

    def __init__(self) -> None:
        self.hits: dict[str, StoredStem] = {}
        self.rejected: set[str] = set()

    def load(self, key: str, samples: int) -> np.ndarray | None:
        entry = StoredStem.objects.filter(key=key).first()
        if entry is None:
            return None
        if entry.samples != samples:
            self._reject(entry, f"{entry.samples} samples stored, {samples} wanted")
            return None
        held = _memory_get(key, entry.sha256)
        if held is not None:
            self.hits[key] = entry
            return held
        try:
            data = storage_read_bytes(entry.file)
        except Exception as exc:  # missing object, storage down: rendering is always safe
            self._reject(entry, f"unreadable ({type(exc).__name__}: {exc})")
            return None
        if hashlib.sha256(data).hexdigest() != entry.sha256:
            self._reject(entry, "checksum mismatch")
            return None
        try:
            stem = stem_from_flac(data, samples)
        except ValueError as exc:
            self._reject(entry, str(exc))
            return None
        self.hits[key] = entry
        _memory_put(key, entry.sha256, stem)
        return stem

    def remember(self, key: str, stem: np.ndarray) -> None:
        """A stem this render synthesised; served to later renders once its upload is done."""
        _memory_put(key, None, stem)

    def _reject(self, entry: StoredStem, why: str) -> None:
        logger.warning("stem cache: %s (%s) rejected, re-rendering: %s", entry.key, entry.file, why)
        self.rejected.add(entry.key)


def version_stems_attach(
    *,
    version: BeatVersion,
    made: dict[str, StemUpload],
    reused: dict[str, StoredStem],
    samples: int,
    rejected: Iterable[str] = (),
    duration_s: float | None = None,
) -> list[Asset]:
    """Commit new stems as StoredStem rows and give ``version`` one stem Asset per track.

    ``made`` are this render's uploads by track, ``reused`` the cache rows it took by
    track. A new stem whose key another worker committed meanwhile gives way (its upload
    is deleted); one whose row this render ``rejected`` (corrupt, missing) replaces that
    row's object for every version that uses it. Runs in one transaction (or the caller's); on failure
    nothing is written and the caller discards the uploads (:func:`stem_uploads_discard`).
    """
    drop_after: list[str] = []
    rejected = set(rejected)
    with transaction.atomic():
        entries: dict[str, tuple[StoredStem, bool]] = {}
        for track, upload in made.items():
            entry, created = StoredStem.objects.select_for_update().get_or_create(
                key=upload.key,
                defaults={
                    "file": upload.name,
                    "bytes": upload.bytes,
                    "sha256": upload.sha256,
                    "samples": samples,
                    "prefader": True,  # every key the engine makes now is a pre-fader stem
                },
            )
            if not created and upload.key in rejected:
                drop_after.append(entry.file)
                entry.file, entry.bytes, entry.sha256 = (
                    upload.name,
                    upload.bytes,
                    upload.sha256,
                )
                entry.samples = samples
                entry.save()
                Asset.objects.filter(stem=entry).update(
                    file=entry.file, bytes=entry.bytes, sha256=entry.sha256
                )
            elif not created:
                drop_after.append(upload.name)  # another render committed it first
            entries[track] = (entry, False)
        for track, entry in reused.items():
            locked = StoredStem.objects.select_for_update().filter(key=entry.key).first()
            if locked is None:
                raise StoredStem.DoesNotExist(f"stem {entry.key} was pruned during the render")
            StoredStem.objects.filter(key=entry.key).update(last_used_at=timezone.now())
            entries[track] = (locked, True)
        names = [f"stems-{track}.flac" for track in entries]
        replaced = list(Asset.objects.filter(version=version, name__in=names))
        Asset.objects.filter(id__in=[a.id for a in replaced]).delete()
        assets = Asset.objects.bulk_create(
            [
                Asset(
                    version=version,
                    kind=AssetKind.STEM,
                    name=f"stems-{track}.flac",
                    file=entry.file,
                    content_type="audio/flac",
                    bytes=entry.bytes,
                    sha256=entry.sha256,
                    duration_s=duration_s,
                    stem=entry,
                    reused=was_reused,
                )
                for track, (entry, was_reused) in entries.items()
            ]
        )
        for name in drop_after:
            transaction.on_commit(partial(storage_delete_quietly, name))
    return assets


def stems_prune(keys: Iterable[str] | None = None) -> int:
    """Delete stored stems no asset references any more (rows now, objects after commit).

    ``keys`` limits the sweep to those stems; None sweeps every stem. Returns how many went.
    """
    with transaction.atomic():
        unused = StoredStem.objects.filter(~Exists(Asset.objects.filter(stem=OuterRef("pk"))))
        if keys is not None:
            unused = unused.filter(key__in=list(keys))
        doomed = list(unused.select_for_update().values_list("key", "file"))
        StoredStem.objects.filter(key__in=[key for key, _ in doomed]).delete()
        for _, name in doomed:
            transaction.on_commit(partial(storage_delete_quietly, name))
    if doomed:
        logger.info("stem cache: pruned %d unreferenced stems", len(doomed))
    return len(doomed)
