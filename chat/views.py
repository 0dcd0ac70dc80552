"""Chat pages: the conversation list and the studio page."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from generation import selectors as generation_selectors

from . import selectors, services


@login_required
def conversation_list(request: HttpRequest) -> HttpResponse:
    conversations = selectors.conversation_list(owner=request.user)
    return render(request, "chat/conversation_list.html", {"conversations": conversations})


@login_required
@require_POST
def conversation_new(request: HttpRequest) -> HttpResponse:
    conversation = services.conversation_create(owner=request.user)
    return redirect(conversation)


@login_required
def conversation_detail(request: HttpRequest, conversation_id: str) -> HttpResponse:
    conversation = selectors.conversation_get(owner=request.user, conversation_id=conversation_id)
    context = {
        "conversation": conversation,
        "messages": selectors.message_list(conversation=conversation),
        "beat": generation_selectors.beat_for_conversation(conversation=conversation),
    }
    return render(request, "chat/conversation.html", context)
