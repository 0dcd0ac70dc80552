"""The admin operations page: job health at a glance, with retry and cancel (staff only)."""

from __future__ import annotations

import uuid

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from . import services
from .models import GenerationJob
from .operations import operations_summary


def _job_or_none(job_id: str) -> GenerationJob | None:
    try:
        job_uuid = uuid.UUID(str(job_id))
    except ValueError:
        return None
    return GenerationJob.objects.select_related("version__beat").filter(id=job_uuid).first()


@require_http_methods(["GET", "POST"])
def operations_view(request: HttpRequest) -> HttpResponse:
    """GET: the summary. POST ``action=retry|cancel`` with ``job``: act, then back to GET.

    Acting needs the ``generation.change_generationjob`` permission (403 without: staff
    status alone only shows the page); an unknown or malformed job id is a message, not a 500.
    """
    if request.method == "POST":
        if not request.user.has_perm("generation.change_generationjob"):
            raise PermissionDenied(
                "changing jobs needs the generation.change_generationjob permission"
            )
        job = _job_or_none(request.POST.get("job", ""))
        if job is None:
            messages.error(request, "No such job.")
            return HttpResponseRedirect(reverse("admin-operations"))
        action = request.POST.get("action")
        if action == "retry":
            new_job = services.job_retry(job=job)
            if new_job:
                messages.success(request, f"Re-queued as job {str(new_job.id)[:8]}.")
            else:
                messages.warning(request, "Only failed or cancelled jobs can be retried.")
        elif action == "cancel":
            if services.job_cancel(job=job):
                messages.success(request, f"Cancel requested for job {str(job.id)[:8]}.")
            else:
                messages.warning(request, "That job is no longer queued or running.")
        else:
            messages.error(request, "Unknown action.")
        return HttpResponseRedirect(reverse("admin-operations"))
    context = {
        **admin.site.each_context(request),
        "title": "Operations",
        "summary": operations_summary(),
    }
    return TemplateResponse(request, "admin/operations.html", context)
