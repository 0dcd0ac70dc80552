"""Chat pages: the conversation list and the studio page."""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from generation import selectors as generation_selectors

from . import pages, presenters, selectors, services


@login_required
def conversation_list(request: HttpRequest, error: str = "", status: int = 200) -> HttpResponse:
    context = {
        "rows": pages.conversation_rows(owner=request.user),
        "quota": pages.storage_quota(owner=request.user),
        "quota_error": error,
    }
    return render(request, "chat/conversation_list.html", context, status=status)


@login_required
@require_POST
def conversation_new(request: HttpRequest) -> HttpResponse:
    try:
        conversation = services.conversation_create(owner=request.user)
    except services.ChatRejected as exc:
        return conversation_list(request, error=exc.message, status=403)
    return redirect(conversation)


@login_required
@require_POST
def conversation_rename(request: HttpRequest, conversation_id: str) -> HttpResponse:
    conversation = selectors.conversation_get(owner=request.user, conversation_id=conversation_id)
    services.conversation_rename(conversation=conversation, title=request.POST.get("title", ""))
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=False):
        return redirect(target)
    return redirect("chat:conversation-list")


@login_required
def conversation_delete(request: HttpRequest, conversation_id: str) -> HttpResponse:
    """GET: what would go, and a button; POST: the conversation, its beats and their files."""
    conversation = selectors.conversation_get(owner=request.user, conversation_id=conversation_id)
    if request.method == "POST":
        services.conversation_delete(conversation=conversation)
        return redirect("chat:conversation-list")
    beats = conversation.beats.count()
    context = {
        "what": f"the conversation “{presenters.conversation_title(conversation)}”",
        "details": f"{conversation.messages.count()} messages, {beats} beat{'s' if beats != 1 else ''}"
        " with all their versions and files",
        "cancel_url": conversation.get_absolute_url(),
    }
    return render(request, "confirm_delete.html", context)


@login_required
@require_POST
def conversation_message(request: HttpRequest, conversation_id: str) -> HttpResponse:
    """The chat form without the script (sent before it loaded, or with scripts off): the
    same turn as ``chat.message``, then back to the studio; a refusal shows there."""
    conversation = selectors.conversation_get(owner=request.user, conversation_id=conversation_id)
    try:
        services.message_post(
            conversation=conversation,
            author=request.user,
            text=request.POST.get("text", ""),
            client_msg_id=request.POST.get("client_msg_id", ""),
        )
    except services.ChatRejected as exc:
        messages.error(request, exc.message)
    return redirect(conversation)


@login_required
def conversation_detail(request: HttpRequest, conversation_id: str) -> HttpResponse:
    """The studio: the page renders from the same snapshot a reconnecting socket gets."""
    conversation = selectors.conversation_get(owner=request.user, conversation_id=conversation_id)
    context = {
        "conversation": conversation,
        "title": presenters.conversation_title(conversation),
        # The form's id for a send before the script runs (the script makes its own).
        "client_msg_id": uuid.uuid4(),
        "snapshot": selectors.conversation_snapshot(conversation=conversation),
        "choices": pages.studio_choices(),
        "shares": generation_selectors.shares_for_conversation(conversation=conversation),
        "share_hours": [(1, "1 hour"), (24, "1 day"), (168, "7 days"), (720, "30 days")],
    }
    return render(request, "chat/conversation.html", context)
