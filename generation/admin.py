"""Operator views of beats, versions, jobs and assets, with job retry and cancel actions."""

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from . import services
from .models import Asset, Beat, BeatVersion, GenerationJob, JobStatus


class VersionInline(admin.TabularInline):
    model = BeatVersion
    extra = 0
    fields = ("number", "genre", "bpm", "key", "duration_s", "change_summary", "created_at")
    readonly_fields = fields
    can_delete = False
    show_change_link = True


@admin.register(Beat)
class BeatAdmin(admin.ModelAdmin):
    list_display = ("id", "title", "owner", "genre", "current_version", "created_at", "updated_at")
    list_filter = ("current_version__genre", "created_at", "owner")
    search_fields = ("id", "title", "owner__username", "conversation__id")
    readonly_fields = ("id", "created_at", "updated_at")
    raw_id_fields = ("conversation", "current_version")
    list_select_related = ("owner", "current_version")
    date_hierarchy = "created_at"
    inlines = [VersionInline]

    @admin.display(description="genre", ordering="current_version__genre")
    def genre(self, obj: Beat) -> str:
        return obj.current_version.genre if obj.current_version else "-"


@admin.register(BeatVersion)
class BeatVersionAdmin(admin.ModelAdmin):
    list_display = ("id", "beat", "number", "genre", "bpm", "key", "duration_s", "created_at")
    list_filter = ("genre", "key", "created_at", "beat__owner")
    search_fields = ("id", "beat__id", "beat__title", "spec_hash", "change_summary")
    readonly_fields = ("id", "spec", "spec_hash", "created_at")
    raw_id_fields = ("beat", "parent", "created_by_message")
    list_select_related = ("beat",)
    date_hierarchy = "created_at"


@admin.register(GenerationJob)
class GenerationJobAdmin(admin.ModelAdmin):
    list_display = (
        "id",
        "status",
        "stage",
        "progress",
        "attempts",
        "owner",
        "error_code",
        "queued_at",
        "started_at",
        "finished_at",
        "worker",
    )
    list_filter = ("status", "error_code", "queued_at", "owner", "version__genre")
    search_fields = ("id", "owner__username", "error_message", "worker")
    readonly_fields = (
        "id",
        "queued_at",
        "started_at",
        "preview_at",
        "finished_at",
        "heartbeat_at",
        "attempts",
        "worker",
    )
    raw_id_fields = ("version",)
    list_select_related = ("owner",)
    date_hierarchy = "queued_at"
    actions = ["retry_failed", "cancel_queued"]

    @admin.action(description="Retry selected failed or cancelled jobs", permissions=["change"])
    def retry_failed(self, request: HttpRequest, queryset: QuerySet[GenerationJob]) -> None:
        retried = 0
        for job in queryset.filter(status__in=[JobStatus.FAILED, JobStatus.CANCELLED]):
            if services.job_retry(job=job):
                retried += 1
        self.message_user(request, f"Re-queued {retried} job(s).", messages.SUCCESS)

    @admin.action(description="Cancel selected queued or running jobs", permissions=["change"])
    def cancel_queued(self, request: HttpRequest, queryset: QuerySet[GenerationJob]) -> None:
        cancelled = sum(
            services.job_cancel(job=job)
            for job in queryset.filter(status__in=[JobStatus.QUEUED, JobStatus.RUNNING])
        )
        self.message_user(request, f"Cancelled {cancelled} job(s).", messages.SUCCESS)


@admin.register(Asset)
class AssetAdmin(admin.ModelAdmin):
    list_display = ("id", "version", "kind", "name", "bytes", "duration_s", "created_at")
    list_filter = ("kind", "created_at", "version__beat__owner")
    search_fields = ("id", "name", "sha256", "version__beat__id")
    readonly_fields = ("id", "bytes", "sha256", "duration_s", "created_at")
    raw_id_fields = ("version",)
    list_select_related = ("version",)
    date_hierarchy = "created_at"
