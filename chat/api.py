"""JSON API for conversations and chat turns (the same services the WebSocket uses)."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse

from generation import selectors as generation_selectors
from generation.presenters import job_to_dict, version_to_dict
from infra.http.api import ApiError, api_view, json_body
from infra.observability import metrics

from . import presenters, selectors, services


@api_view("POST")
def conversation_create(request: HttpRequest) -> JsonResponse:
    data = json_body(request)
    title = data.get("title", "")
    if not isinstance(title, str):
        raise ApiError(400, "invalid_title", "title must be a string")
    try:
        conversation = services.conversation_create(owner=request.user, title=title)
    except services.ChatRejected as exc:
        raise ApiError(403, exc.code, exc.message) from exc
    return JsonResponse(presenters.conversation_to_dict(conversation), status=201)


@api_view("GET")
def conversation_detail(request: HttpRequest, conversation_id: str) -> JsonResponse:
    conversation = selectors.conversation_get(owner=request.user, conversation_id=conversation_id)
    return JsonResponse(selectors.conversation_snapshot(conversation=conversation))


@api_view("POST")
def message_create(request: HttpRequest, conversation_id: str) -> JsonResponse:
    conversation = selectors.conversation_get(owner=request.user, conversation_id=conversation_id)
    data = json_body(request)
    try:
        turn = services.message_post(
            conversation=conversation,
            author=request.user,
            text=data.get("text"),
            client_msg_id=data.get("client_msg_id"),
        )
    except services.ChatRejected as exc:
        status = 429 if exc.retry_after else 403 if exc.code == "quota_exceeded" else 400
        extra = {"retry_after": exc.retry_after} if exc.retry_after else {}
        raise ApiError(status, exc.code, exc.message, **extra) from exc
    if not turn.duplicate:
        metrics.chat_message_received("http")
    body = {
        "message": presenters.message_to_dict(turn.message),
        "reply": presenters.message_to_dict(turn.reply) if turn.reply else None,
        "version": version_to_dict(turn.version) if turn.version else None,
        "job": job_to_dict(turn.job) if turn.job else None,
        "duplicate": turn.duplicate,
    }
    beat = generation_selectors.beat_for_conversation(conversation=conversation)
    body["beat"] = str(beat.id) if beat else None
    return JsonResponse(body, status=200 if turn.duplicate else 201)
