"""Chat pages: the conversation list and the studio page."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from . import pages, selectors, services


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
def conversation_detail(request: HttpRequest, conversation_id: str) -> HttpResponse:
    """The studio: the page renders from the same snapshot a reconnecting socket gets."""
    conversation = selectors.conversation_get(owner=request.user, conversation_id=conversation_id)
    context = {
        "conversation": conversation,
        "snapshot": selectors.conversation_snapshot(conversation=conversation),
        "choices": pages.studio_choices(),
    }
    return render(request, "chat/conversation.html", context)
