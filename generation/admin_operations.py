"""The admin operations page: job health at a glance, with retry and cancel (staff only)."""

from __future__ import annotations

from django.contrib import admin, messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from . import services
from .models import GenerationJob
from .operations import operations_summary


@require_http_methods(["GET", "POST"])
def operations_view(request: HttpRequest) -> HttpResponse:
    """GET: the summary. POST ``action=retry|cancel`` with ``job``: act, then back to GET."""
    if request.method == "POST":
        job = get_object_or_404(
            GenerationJob.objects.select_related("version__beat"), id=request.POST.get("job")
        )
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
