from __future__ import annotations

from django.urls import path

from messaging import api

urlpatterns = [
    path("chats", api.ChatListView.as_view(), name="api-chats"),
    path("chats/direct", api.DirectChatView.as_view(), name="api-chat-direct"),
    path("chats/groups", api.GroupCreateView.as_view(), name="api-chat-groups"),
    path("chats/<uuid:chat_id>", api.ChatDetailView.as_view(), name="api-chat"),
    path("chats/<uuid:chat_id>/members", api.MemberListView.as_view(), name="api-chat-members"),
    path("chats/<uuid:chat_id>/me", api.ChatSettingsView.as_view(), name="api-chat-me"),
    path("chats/<uuid:chat_id>/members/<uuid:user_id>", api.MemberDetailView.as_view(), name="api-chat-member"),
    path("chats/<uuid:chat_id>/messages", api.MessageListView.as_view(), name="api-messages"),
    path("chats/<uuid:chat_id>/messages/<uuid:message_id>", api.MessageDetailView.as_view(), name="api-message"),
    path("chats/<uuid:chat_id>/messages/<uuid:message_id>/edits", api.MessageEditListView.as_view(),
         name="api-message-edits"),
    # `path`: an encoded "/" must reach the view and be 400 invalid_emoji, not miss the route.
    path("chats/<uuid:chat_id>/messages/<uuid:message_id>/reactions/<path:emoji>", api.ReactionView.as_view(),
         name="api-message-reaction"),
    path("chats/<uuid:chat_id>/read", api.ReadView.as_view(), name="api-chat-read"),
    path("presence", api.PresenceView.as_view(), name="api-presence"),
    path("stickers", api.StickerListView.as_view(), name="api-stickers"),
    path("search/messages", api.MessageSearchView.as_view(), name="api-search-messages"),
]
