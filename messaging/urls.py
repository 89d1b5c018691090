from __future__ import annotations

from django.urls import path

from messaging import media, views

urlpatterns = [
    path("chats", views.inbox, name="inbox"),
    path("media/chats/<uuid:chat_id>/<uuid:message_id>", media.chat_image, name="chat-image"),
    path("media/stickers/<str:sticker_id>.png", media.sticker_image, name="sticker-image"),
]
