"""Operator views of conversations and messages."""

from django.contrib import admin

from .models import Conversation, Message


class MessageInline(admin.TabularInline):
    model = Message
    extra = 0
    fields = ("role", "text", "created_at")
    readonly_fields = ("role", "text", "created_at")
    can_delete = False
    show_change_link = True


@admin.register(Conversation)
class ConversationAdmin(admin.ModelAdmin):
    list_display = ("id", "title", "owner", "created_at", "updated_at")
    list_filter = ("created_at", "updated_at", "owner")
    search_fields = ("id", "title", "owner__username")
    readonly_fields = ("id", "created_at", "updated_at")
    list_select_related = ("owner",)
    date_hierarchy = "created_at"
    inlines = [MessageInline]


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    list_display = ("id", "conversation", "role", "short_text", "created_at")
    list_filter = ("role", "created_at", "conversation__owner")
    search_fields = ("id", "text", "conversation__id", "conversation__owner__username")
    readonly_fields = ("id", "client_msg_id", "reply_to", "intent", "created_at")
    list_select_related = ("conversation",)
    raw_id_fields = ("conversation", "reply_to")
    date_hierarchy = "created_at"

    @admin.display(description="text")
    def short_text(self, obj: Message) -> str:
        return obj.text[:80]
