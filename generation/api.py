"""JSON API for jobs and beats."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse

from infra.http.api import api_view

from . import presenters, selectors, services


@api_view("GET")
def job_detail(request: HttpRequest, job_id: str) -> JsonResponse:
    job = selectors.job_get(owner=request.user, job_id=job_id)
    return JsonResponse(presenters.job_to_dict(job))


@api_view("POST")
def job_cancel(request: HttpRequest, job_id: str) -> JsonResponse:
    job = selectors.job_get(owner=request.user, job_id=job_id)
    cancelled = services.job_cancel(job=job)
    job.refresh_from_db()
    return JsonResponse({"cancelled": cancelled, "job": presenters.job_to_dict(job)})


@api_view("GET")
def beat_detail(request: HttpRequest, beat_id: str) -> JsonResponse:
    beat = selectors.beat_get(owner=request.user, beat_id=beat_id)
    return JsonResponse(presenters.beat_to_dict(beat))
