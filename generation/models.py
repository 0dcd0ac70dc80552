"""Beats, their immutable versions, the jobs that render them and the stored assets."""

from __future__ import annotations

import secrets
import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse

from generation.engine.spec import BeatSpec


def beat_label(*, key: str, genre: str, bpm: float) -> str:
    """ "F minor trap 140 bpm": the one way a beat is named in titles and replies."""
    return f"{key} {genre} {bpm:g} bpm"


class Beat(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    conversation = models.ForeignKey(
        "chat.Conversation", on_delete=models.CASCADE, related_name="beats"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="beats"
    )
    title = models.CharField(max_length=200, blank=True)
    current_version = models.ForeignKey(
        "BeatVersion", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at"]
        indexes = [
            models.Index(fields=["owner", "-updated_at"], name="beat_owner_updated"),
            models.Index(fields=["conversation", "-updated_at"], name="beat_conv_updated"),
        ]

    def __str__(self) -> str:
        return self.title or f"Beat {str(self.id)[:8]}"

    def get_absolute_url(self) -> str:
        return reverse("generation:beat-detail", kwargs={"beat_id": self.id})


class BeatVersion(models.Model):
    """One immutable state of a beat. Undo moves ``Beat.current_version``; nothing is edited."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    beat = models.ForeignKey(Beat, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="children"
    )
    spec = models.JSONField()
    spec_hash = models.CharField(max_length=64, db_index=True)
    # Denormalised from the spec so lists and admin filters need no JSON queries.
    genre = models.CharField(max_length=32, db_index=True)
    bpm = models.FloatField()
    key = models.CharField(max_length=16)
    duration_s = models.FloatField()
    change_summary = models.TextField(blank=True)
    created_by_message = models.ForeignKey(
        "chat.Message", null=True, blank=True, on_delete=models.SET_NULL, related_name="versions"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["beat", "number"]
        constraints = [
            models.UniqueConstraint(fields=["beat", "number"], name="version_unique_number"),
            models.CheckConstraint(
                condition=models.Q(number__gte=1), name="version_number_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.beat} v{self.number}"

    def beat_spec(self) -> BeatSpec:
        """The spec this version renders."""
        # Rows written before to_dict() emitted inputs only also carry ``duration_s``;
        # from_dict takes ``bars`` over it, so old and new rows read the same.
        return BeatSpec.from_dict(self.spec)

    def newest_asset(self, kind: str) -> Asset | None:
        """The newest stored asset of ``kind`` (an AssetKind), or None: a re-render or a
        build on request may have stored a second one."""
        return self.assets.filter(kind=kind).order_by("-created_at").first()

    @property
    def label(self) -> str:
        return beat_label(key=self.key, genre=self.genre, bpm=self.bpm)


class JobStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed"
    CANCELLED = "cancelled", "Cancelled"


ACTIVE_JOB_STATUSES = (JobStatus.QUEUED, JobStatus.RUNNING)


class GenerationJob(models.Model):
    """The source of truth for a render's progress; realtime events only notify."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    version = models.ForeignKey(BeatVersion, on_delete=models.CASCADE, related_name="jobs")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="jobs"
    )
    status = models.CharField(max_length=16, choices=JobStatus.choices, default=JobStatus.QUEUED)
    stage = models.CharField(max_length=64, blank=True)
    progress = models.PositiveSmallIntegerField(default=0)
    attempts = models.PositiveSmallIntegerField(default=0)
    cancel_requested = models.BooleanField(default=False)
    error_code = models.CharField(max_length=64, blank=True)
    error_message = models.TextField(blank=True)
    worker = models.CharField(max_length=255, blank=True)
    queued_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    preview_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    # The render task could not be sent (broker down): retried by the sender and the reaper.
    send_pending = models.BooleanField(default=False)

    class Meta:
        ordering = ["-queued_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(progress__lte=100), name="job_progress_max_100"
            ),
        ]
        indexes = [
            models.Index(fields=["status", "queued_at"], name="job_status_queued"),
            models.Index(fields=["owner", "status"], name="job_owner_status"),
            models.Index(fields=["status", "finished_at"], name="job_status_finished"),
        ]

    def __str__(self) -> str:
        return f"Job {str(self.id)[:8]} ({self.status})"

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_JOB_STATUSES


class AssetKind(models.TextChoices):
    MIX_WAV = "mix_wav", "Mix (WAV)"
    MIX_MP3 = "mix_mp3", "Mix (MP3)"
    MIDI = "midi", "MIDI"
    STEM = "stem", "Stem"
    STEMS_ZIP = "stems_zip", "Stems (ZIP)"
    PEAKS = "peaks", "Waveform peaks"
    SPEC = "spec", "Spec"
    PREVIEW = "preview", "Preview"

    @classmethod
    def for_export(cls, export: str | None) -> tuple[AssetKind, ...]:
        """What "export <name>" hands over (``None`` or unknown: every download)."""
        return EXPORT_KINDS.get(export, EXPORT_KINDS[None])


# The one table of kinds by outside name. Short names in URLs (/versions/<id>/<name>):
MEDIA_KINDS = {
    "mp3": AssetKind.MIX_MP3,
    "wav": AssetKind.MIX_WAV,
    "midi": AssetKind.MIDI,
    "preview": AssetKind.PREVIEW,
}
# What a chat export offers, by the export the assistant understood:
EXPORT_KINDS: dict[str | None, tuple[AssetKind, ...]] = {
    "stems": (AssetKind.STEMS_ZIP, AssetKind.MIDI),
    "midi": (AssetKind.MIDI,),
    "wav": (AssetKind.MIX_WAV,),
    "mp3": (AssetKind.MIX_MP3,),
    None: (AssetKind.MIX_MP3, AssetKind.MIX_WAV, AssetKind.MIDI, AssetKind.STEMS_ZIP),
}
# The engine's file names (generation.engine.encode) → the kinds they are stored as; any
# ``stems/<track>.wav`` is a STEM.
ENGINE_FILE_KINDS = {
    "mix.wav": AssetKind.MIX_WAV,
    "mix.mp3": AssetKind.MIX_MP3,
    "beat.mid": AssetKind.MIDI,
    "peaks.json": AssetKind.PEAKS,
    "spec.json": AssetKind.SPEC,
}


def asset_upload_to(asset: Asset, filename: str) -> str:
    return f"beats/{asset.version.beat_id}/{asset.version_id}/{filename}"


# Shared stems live outside every beat's folder: ``stems/<key[:2]>/<key>-<nonce>.flac``.
STEM_PREFIX = "stems"


class StoredStem(models.Model):
    """One track's rendered stem, stored once and shared by every version that uses it.

    ``key`` is the engine's content key (``generation.engine.stemcache.stem_key``): the
    hash of everything that shapes the stem. The row is the commit: its object is uploaded
    under a fresh name first, and only a committed row makes it visible to renders, so a
    worker killed mid-upload leaves an unreferenced object, never a half-written entry.
    ``sha256`` is checked on every read; a mismatch re-renders the stem. ``prefader``: the
    stem is stored before its track's fader (every stem rendered since stems became
    pre-fader), so whatever plays it (the mix, the stems ZIP, the mixer) multiplies it by
    the version's ``gain_db``; older stems have the fader in them.
    """

    key = models.CharField(max_length=64, primary_key=True)
    file = models.CharField(max_length=500)
    bytes = models.BigIntegerField()
    sha256 = models.CharField(max_length=64)
    samples = models.BigIntegerField()
    prefader = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"stem {self.key[:12]}"


class Asset(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    version = models.ForeignKey(BeatVersion, on_delete=models.CASCADE, related_name="assets")
    kind = models.CharField(max_length=16, choices=AssetKind.choices)
    name = models.CharField(max_length=200)
    file = models.FileField(upload_to=asset_upload_to, max_length=500)
    content_type = models.CharField(max_length=100, blank=True)
    bytes = models.BigIntegerField(default=0)
    sha256 = models.CharField(max_length=64, blank=True)
    duration_s = models.FloatField(null=True, blank=True)
    # A stem asset points at the shared stem it uses; ``reused`` says the render took it
    # from the cache (another version or another user rendered it first).
    stem = models.ForeignKey(
        StoredStem, null=True, blank=True, on_delete=models.PROTECT, related_name="assets"
    )
    reused = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["version", "kind", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "name"], name="asset_unique_name_per_version"
            ),
        ]
        indexes = [models.Index(fields=["version", "kind"], name="asset_version_kind")]

    def __str__(self) -> str:
        return f"{self.version} {self.name}"

    def get_absolute_url(self) -> str:
        return reverse("generation:asset-download", kwargs={"asset_id": self.id})


def share_token() -> str:
    """A random, unguessable token for a share link (256 bits, URL-safe)."""
    return secrets.token_urlsafe(32)


class ShareLink(models.Model):
    """A read-only link to one version, for anyone who has it, until it expires or is revoked."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    version = models.ForeignKey(BeatVersion, on_delete=models.CASCADE, related_name="share_links")
    token = models.CharField(max_length=64, unique=True, default=share_token)
    allow_download = models.BooleanField(default=False)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"share of {self.version} until {self.expires_at:%Y-%m-%d %H:%M}"

    def get_absolute_url(self) -> str:
        return reverse("generation:share", kwargs={"token": self.token})
