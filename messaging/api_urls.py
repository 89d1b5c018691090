from __future__ import annotations

from django.urls import path

from messaging import api

urlpatterns = [
    path("chats", api.ChatListView.as_view(), name="api-chats"),
    path("chats/direct", api.DirectChatView.as_view(), name="api-chat-direct"),
    path("chats/<uuid:chat_id>", api.ChatDetailView.as_view(), name="api-chat"),
    path("chats/<uuid:chat_id>/messages", api.MessageListView.as_view(), name="api-messages"),
    path("chats/<uuid:chat_id>/read", api.ReadView.as_view(), name="api-chat-read"),
    path("presence", api.PresenceView.as_view(), name="api-presence"),
]
