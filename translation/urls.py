from __future__ import annotations

from django.urls import path

from translation import views

urlpatterns = [
    path("chats/<uuid:chat_id>/language", views.chat_language, name="chat-language"),
    path("chats/<uuid:chat_id>/messages/<uuid:message_id>/translation", views.message_translation,
         name="message-translation"),
]
