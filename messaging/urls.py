from __future__ import annotations

from django.urls import path

from messaging import media, search_views, views

urlpatterns = [
    path("chats", views.inbox, name="inbox"),
    path("search", search_views.message_search, name="message-search"),
    path("chats/direct", views.chat_start_direct, name="chat-start-direct"),
    path("chats/new", views.group_new, name="group-new"),
    path("chats/<uuid:chat_id>", views.chat, name="chat"),
    path("chats/<uuid:chat_id>/send", views.chat_send, name="chat-send"),
    path("chats/<uuid:chat_id>/fragments", views.chat_fragments, name="chat-fragments"),
    path("chats/<uuid:chat_id>/row", views.chat_row, name="chat-row"),
    path("chats/<uuid:chat_id>/settings", views.chat_settings, name="chat-settings"),
    path("chats/<uuid:chat_id>/delete", views.chat_delete, name="chat-delete"),
    path("chats/<uuid:chat_id>/messages/<uuid:message_id>/edit", views.message_edit, name="message-edit"),
    path("chats/<uuid:chat_id>/messages/<uuid:message_id>/delete", views.message_delete, name="message-delete"),
    path("chats/<uuid:chat_id>/messages/<uuid:message_id>/edits", views.message_edits, name="message-edits"),
    path("chats/<uuid:chat_id>/messages/<uuid:message_id>/react", views.message_react, name="message-react"),
    path("media/chats/<uuid:chat_id>/<uuid:message_id>", media.chat_image, name="chat-image"),
    path("media/chats/<uuid:chat_id>/<uuid:message_id>/file", media.chat_file, name="chat-file"),
    path("media/stickers/<str:sticker_id>.png", media.sticker_image, name="sticker-image"),
]
