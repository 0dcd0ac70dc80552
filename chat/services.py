"""Writes for conversations and messages: one chat turn, from text to reply and render."""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from generation import presenters as generation_presenters
from generation import selectors as generation_selectors
from generation import services as generation_services
from generation.engine.spec import BeatSpec
from generation.models import AssetKind, BeatVersion, GenerationJob
from infra.observability import metrics
from infra.realtime import events

from . import out_of_range, presenters
from .assistant import replies
from .models import Conversation, Message

logger = logging.getLogger(__name__)


class ChatRejected(Exception):
    """A turn refused before anything was stored; ``code`` and ``retry_after`` go to the client."""

    def __init__(self, code: str, message: str, retry_after: int | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.retry_after = retry_after


@dataclass
class TurnResult:
    message: Message
    reply: Message | None
    version: BeatVersion | None = None
    job: GenerationJob | None = None
    duplicate: bool = False


def storable(value: Any) -> Any:
    """Strings (also inside dicts and lists) as every database can store them: no NUL
    characters (PostgreSQL text and jsonb refuse them) and no lone surrogates (not UTF-8)."""
    if isinstance(value, str):
        return value.encode("utf-8", "ignore").decode("utf-8").replace("\x00", "")
    if isinstance(value, dict):
        return {storable(k): storable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [storable(v) for v in value]
    return value


def conversation_create(*, owner: AbstractBaseUser, title: str = "") -> Conversation:
    """A new conversation; :class:`ChatRejected` ``quota_exceeded`` past
    USER_QUOTA_CONVERSATIONS (counted under the owner's lock)."""
    with transaction.atomic():
        generation_services.owner_lock(owner_id=owner.pk)
        limit = settings.USER_QUOTA_CONVERSATIONS
        if Conversation.objects.filter(owner=owner).count() >= limit:
            raise ChatRejected(
                "quota_exceeded", f"you have {limit} conversations, the most your quota allows"
            )
        return Conversation.objects.create(owner=owner, title=storable(title)[:200])


def _history(conversation: Conversation, turns: int = 6) -> list[dict[str, str]]:
    """The last few messages, oldest first: "again" and the LLM provider need context."""
    recent = conversation.messages.order_by("-created_at").values("role", "text")[: turns * 2]
    return list(reversed(list(recent)))


def _interpret(text: str, current: BeatSpec | None, history: list[dict[str, str]]) -> Any:
    """The built-in parser, or the configured LLM provider (which falls back to it)."""
    from .assistant import get_interpreter

    interpreter = get_interpreter(
        {
            "base_url": settings.LLM_BASE_URL,
            "api_key": settings.LLM_API_KEY,
            "model": settings.LLM_MODEL,
            "timeout_s": settings.LLM_TIMEOUT_S,
            "price_input_per_1k": settings.LLM_PRICE_INPUT_PER_1K,
            "price_output_per_1k": settings.LLM_PRICE_OUTPUT_PER_1K,
        }
    )
    return interpreter(text, current, history=history)


def _existing_turn(conversation: Conversation, client_msg_id: uuid.UUID) -> TurnResult | None:
    message = (
        Message.objects.filter(conversation=conversation, client_msg_id=client_msg_id)
        .select_related("reply")
        .first()
    )
    if message is None:
        return None
    reply = getattr(message, "reply", None)
    version = message.versions.order_by("-number").first()
    job = version.jobs.order_by("-queued_at").first() if version else None
    return TurnResult(message=message, reply=reply, version=version, job=job, duplicate=True)


def _rate_limit_check(*, author: AbstractBaseUser) -> None:
    """Refuse when the user made CHAT_MESSAGES_PER_MINUTE turns in the last minute.

    Turns are the user's messages plus restores (an assistant message answering no user
    message), so ``beat.restore`` frames cannot store past the limit. Run once early (cheap
    refusal) and again under :func:`generation.services.owner_lock` in the transaction that
    stores the turn, where the count cannot be raced.
    """
    window_start = timezone.now() - timedelta(seconds=60)
    recent = Message.objects.filter(
        Q(role=Message.Role.USER) | Q(role=Message.Role.ASSISTANT, reply_to__isnull=True),
        conversation__owner=author,
        created_at__gte=window_start,
    )
    if recent.count() >= settings.CHAT_MESSAGES_PER_MINUTE:
        oldest = recent.order_by("created_at").values_list("created_at", flat=True).first()
        retry_after = max(1, int(60 - (timezone.now() - oldest).total_seconds()) + 1)
        raise ChatRejected(
            "rate_limited",
            replies.rate_limited(settings.CHAT_MESSAGES_PER_MINUTE, retry_after),
            retry_after,
        )


def message_post(
    *, conversation: Conversation, author: AbstractBaseUser, text: str, client_msg_id: object
) -> TurnResult:
    """Store the user's message (idempotent on ``client_msg_id``), run the assistant, store its
    reply, and create/modify/undo/redo the beat; renders are queued after commit.

    A resend with the same ``client_msg_id`` returns the first result and creates nothing.
    Raises :class:`ChatRejected` (nothing stored) when over a rate or job limit.
    """
    if conversation.owner_id != author.pk:
        raise ChatRejected("not_found", "no such conversation")
    try:
        client_msg_id = uuid.UUID(str(client_msg_id))
    except ValueError as exc:
        raise ChatRejected("invalid_client_msg_id", "client_msg_id must be a UUID") from exc
    if not isinstance(text, str):
        raise ChatRejected("invalid_text", "text must be a string")

    existing = _existing_turn(conversation, client_msg_id)
    if existing is not None:
        return existing
    _rate_limit_check(author=author)

    beat = generation_selectors.beat_for_conversation(conversation=conversation)
    current_spec = _current_spec(beat)
    intent = _interpret(text, current_spec, _history(conversation))
    # Say what was clamped or refused ("10000 bars", "-5 bars", an unknown genre).
    out_of_range.annotate(text, intent, current_spec)

    events.chat_typing(conversation.id, typing=True)
    try:
        with transaction.atomic():
            generation_services.owner_lock(owner_id=author.pk)
            _rate_limit_check(author=author)
            # Under the lock, so parallel turns see each other's jobs: a variations request
            # is trimmed to the room left; the job limit itself is checked by beat_apply (a
            # refusal rolls the stored turn back).
            if intent.changes_spec and intent.variations:
                room = generation_services.jobs_room(owner=author)
                _fit_variations(intent, current_spec, room)
            return _apply_turn(conversation, author, text, client_msg_id, intent, beat)
    except generation_services.TooManyActiveJobs as exc:
        raise ChatRejected(exc.code, str(exc), exc.retry_after) from exc
    except generation_services.QuotaExceeded as exc:
        raise ChatRejected(exc.code, str(exc)) from exc
    except IntegrityError:
        # A concurrent resend of the same client_msg_id won the race: return its result.
        existing = _existing_turn(conversation, client_msg_id)
        if existing is None:
            raise
        return existing
    finally:
        events.chat_typing(conversation.id, typing=False)


def _fit_variations(intent: Any, current: BeatSpec | None, room: int) -> None:
    """ "give me 4 variations" with room for two more renders: start two and say why."""
    asked = 1 + len(intent.variations)
    if asked <= room:
        return
    intent.variations = intent.variations[: max(0, room - 1)]
    note = replies.variations_capped(
        started=1 + len(intent.variations),
        asked=asked,
        limit=settings.GENERATION_MAX_ACTIVE_JOBS_PER_USER,
    )
    intent.notes = [*intent.notes, note]
    if current is not None:
        specs = [intent.spec, *intent.variations]
        intent.reply = replies.variations(current, specs, intent.changes, notes=intent.notes)
    else:
        intent.reply = replies.create(intent.spec, notes=intent.notes) + replies.more_takes(
            len(intent.variations)
        )


def _current_spec(beat: Any) -> BeatSpec | None:
    if beat is None or beat.current_version is None:
        return None
    return beat.current_version.beat_spec()


def _apply_turn(
    conversation: Conversation,
    author: AbstractBaseUser,
    text: str,
    client_msg_id: uuid.UUID,
    intent: Any,
    beat: Any,
) -> TurnResult:
    limit = settings.CHAT_MAX_MESSAGE_CHARS
    clean = storable(text)
    stored_text = clean if len(clean) <= limit else clean[:limit] + "…"
    message = Message.objects.create(
        conversation=conversation,
        role=Message.Role.USER,
        text=stored_text,
        client_msg_id=client_msg_id,
        intent=storable(intent.to_dict()),
    )
    reply_text = intent.reply
    version = job = None
    action = intent.action

    if intent.changes_spec:
        summary = "; ".join(intent.changes) if intent.changes else reply_text
        change = generation_services.beat_apply(
            kind="create" if action == "create" else "modify",
            conversation=conversation,
            owner=author,
            beat=beat,
            spec=intent.spec,
            change_summary=storable(summary)[:500],
            created_by_message=message,
            variations=tuple(intent.variations),
        )
        version, job = change.version, change.job
        if change.variations:
            numbers = [f"v{v.number}" for v, _ in [(version, job), *change.variations]]
            version, job = change.variations[-1]
            reply_text = replies.variations_made(reply_text, numbers)
    elif action in ("undo", "redo"):
        change = generation_services.beat_apply(
            kind=action,
            conversation=conversation,
            owner=author,
            beat=beat,
            restore_number=getattr(intent, "restore_version", None),
            steps=intent.steps,
        )
        version = change.version
        if version is None:
            reply_text = replies.history_empty(action)
        else:
            if change.steps < intent.steps:
                reply_text = replies.history_short(
                    reply_text, action=action, asked=intent.steps, moved=change.steps
                )
            reply_text = replies.history_moved(
                reply_text, number=version.number, label=version.label
            )
    elif action == "export":
        reply_text = _export_reply(beat, intent, reply_text)

    reply = Message.objects.create(
        conversation=conversation,
        role=Message.Role.ASSISTANT,
        text=storable(reply_text),
        reply_to=message,
        intent={"action": action, "version": str(version.id) if version else None},
    )
    # No title is stored here: an untitled conversation is named after the beat it edits
    # (presenters.conversation_title), so the name follows the beat until the user renames.
    conversation.save(update_fields=["updated_at"])
    events.chat_message(conversation.id, message=presenters.message_to_dict(message))
    # The studio's mixer reads "solo the 808" / "mute the hats" from the reply's one extra key.
    payload = {**presenters.message_to_dict(reply), "mixer": intent.mixer}
    events.chat_message(conversation.id, message=payload)
    _count_intent(action, intent)
    return TurnResult(message=message, reply=reply, version=version, job=job)


def _export_reply(beat: Any, intent: Any, reply_text: str) -> str:
    """The reply plus download links. Links are the app's own owner-checked routes, never
    presigned URLs: this text is stored, and presigned links would be dead in 15 minutes."""
    if beat is None or beat.current_version is None:
        return replies.export_no_beat()
    version = beat.current_version
    assets = {asset.kind: asset for asset in version.assets.all()}
    if AssetKind.MIX_MP3 not in assets:
        return replies.export_rendering(version.number)
    links = []
    for kind in AssetKind.for_export(getattr(intent, "export", None)):
        if kind == AssetKind.STEMS_ZIP:
            url = reverse("generation:version-stems-zip", kwargs={"version_id": version.id})
            links.append(("stems (zip)", url))
        elif kind in assets:
            url = reverse("generation:asset-download", kwargs={"asset_id": assets[kind].id})
            links.append((AssetKind(kind).label, url))
        elif kind == AssetKind.MIX_WAV:  # made from the stems when first downloaded
            links.append((AssetKind(kind).label, generation_presenters.version_wav_url(version.id)))
    return replies.export_links(reply_text, links)


def _count_intent(action: str, intent: Any) -> None:
    usage = getattr(intent, "usage", None) or {}
    metrics.intent_parsed(
        action, parser="llm" if usage and not usage.get("fallback_reason") else "builtin"
    )
    if usage:
        metrics.ai_call(
            provider=usage.get("provider", "llm"),
            model=usage.get("model", ""),
            prompt_tokens=usage.get("prompt_tokens", 0),
            completion_tokens=usage.get("completion_tokens", 0),
            cost_usd=usage.get("cost_usd", 0.0),
        )


def version_restore(
    *,
    conversation: Conversation,
    author: AbstractBaseUser,
    version_id: object = None,
    number: int | None = None,
) -> bool:
    """Make that version current, and its beat the one being edited; no render. By id (what
    the studio sends: numbers repeat across a conversation's beats), or by ``number`` within
    the beat being edited. False if there is no such version in this conversation. Raises
    :class:`ChatRejected` over the chat limit (a restore stores a message)."""
    if conversation.owner_id != author.pk:
        return False
    versions = BeatVersion.objects.select_related("beat").filter(beat__conversation=conversation)
    if version_id is not None:
        version = versions.filter(id=version_id).first()
    else:
        beat = generation_selectors.beat_for_conversation(conversation=conversation)
        version = versions.filter(beat=beat, number=number).first() if beat else None
    if version is None:
        return False
    with transaction.atomic():
        # A restore stores a message: it counts against the chat limit (ChatRejected).
        generation_services.owner_lock(owner_id=author.pk)
        _rate_limit_check(author=author)
        generation_services.beat_set_current(beat=version.beat, version=version)
        reply = Message.objects.create(
            conversation=conversation,
            role=Message.Role.ASSISTANT,
            text=replies.restored(
                number=version.number, key=version.key, genre=version.genre, bpm=version.bpm
            ),
            intent={"action": "undo", "version": str(version.id)},
        )
        events.chat_message(conversation.id, message=presenters.message_to_dict(reply))
    return True


def beat_select(*, conversation: Conversation, author: AbstractBaseUser, beat_id: object) -> bool:
    """The beat switcher: later turns (edits, undo, redo) act on that beat."""
    if conversation.owner_id != author.pk:
        return False
    beat = (
        generation_selectors.beats_for_conversation(conversation=conversation)
        .filter(id=beat_id)
        .first()
    )
    if beat is None:
        return False
    generation_services.beat_select(beat=beat)
    return True


def conversation_rename(*, conversation: Conversation, title: str) -> Conversation:
    """A title the user chose; empty: the name follows the beat being edited again."""
    conversation.title = storable(" ".join(title.split()))[:200]
    conversation.save(update_fields=["title", "updated_at"])
    events.conversation_updated(conversation.id, title=presenters.conversation_title(conversation))
    return conversation


def conversation_delete(*, conversation: Conversation) -> None:
    """Delete the conversation, its messages and every beat in it; the beats' stored objects
    are deleted after commit (generation.signals, once per beat)."""
    with transaction.atomic():
        for beat in generation_selectors.beats_for_conversation(conversation=conversation):
            generation_services.beat_delete(beat=beat)
        conversation.delete()


def render_cancelled_reply(
    *, version: BeatVersion, restored: BeatVersion | None, **_: object
) -> None:
    """The chat says what a cancel did (generation.signals.render_cancelled)."""
    conversation_id = version.beat.conversation_id
    reply = Message.objects.create(
        conversation_id=conversation_id,
        role=Message.Role.ASSISTANT,
        text=replies.render_cancelled(
            version.number,
            back_to=restored.number if restored else None,
            label=restored.label if restored else None,
        ),
        intent={"action": "cancel", "version": str(restored.id) if restored else None},
    )
    events.chat_message(conversation_id, message=presenters.message_to_dict(reply))


MIX_LEVEL_RANGE_DB = (-24.0, 6.0)


def mix_bake(
    *, conversation: Conversation, author: AbstractBaseUser, version_id: object, tracks: object
) -> BeatVersion:
    """The mixer's "save as a version": a new version of that version's beat with each
    stem's on/off and level (dB added to the track's gain) baked in, rendered like any edit.
    Raises ChatRejected with the reason for a mix it cannot take (nothing is stored)."""
    version = (
        BeatVersion.objects.select_related("beat")
        .filter(id=version_id, beat__conversation=conversation, beat__owner=author)
        .first()
    )
    if version is None:
        raise ChatRejected("not_found", "no such version in this conversation")
    if not isinstance(tracks, dict) or not tracks:
        raise ChatRejected("invalid_mix", "a mix names at least one track")
    spec = version.beat_spec()
    changes: dict[str, dict[str, Any]] = {}
    said: list[str] = []
    low, high = MIX_LEVEL_RANGE_DB
    for name, setting in tracks.items():
        if name not in spec.tracks or not isinstance(setting, dict):
            raise ChatRejected("invalid_mix", f"there is no track {str(name)[:40]!r}")
        enabled = setting.get("enabled", True)
        level = setting.get("gain_db", 0)
        if not isinstance(enabled, bool) or isinstance(level, bool):
            raise ChatRejected("invalid_mix", f"{name}: enabled is true or false")
        if not isinstance(level, int | float) or not low <= level <= high:
            raise ChatRejected("invalid_mix", f"{name}: a level runs from {low:g} to +{high:g} dB")
        track = spec.tracks[name]
        changes[name] = {"enabled": enabled and track.enabled}
        if not enabled and track.enabled:
            said.append(f"{name} off")
        if level and enabled:
            changes[name]["gain_db"] = round(track.gain_db + level, 1)
            said.append(f"{name} {level:+g} dB")
    new_spec = spec.with_changes(tracks=changes)
    if not new_spec.enabled_tracks():
        raise ChatRejected("invalid_mix", "a mix with every track muted would be silence")
    if not said:
        raise ChatRejected("invalid_mix", "this mix changes nothing")
    try:
        generation_services.jobs_limit_check(owner=author)
    except generation_services.TooManyActiveJobs as exc:
        raise ChatRejected(exc.code, str(exc), exc.retry_after) from exc
    summary = f"mix of v{version.number}: {', '.join(said)}"
    with transaction.atomic():
        created, _job = generation_services.version_create(
            beat=version.beat, spec=new_spec, change_summary=summary
        )
        reply = Message.objects.create(
            conversation=conversation,
            role=Message.Role.ASSISTANT,
            text=replies.mix_saved(created.number, summary),
            intent={"action": "mix", "version": str(created.id)},
        )
        conversation.save(update_fields=["updated_at"])
        events.chat_message(conversation.id, message=presenters.message_to_dict(reply))
    return created
