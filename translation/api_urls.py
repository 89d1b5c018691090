from __future__ import annotations

from django.urls import path

from translation import api

urlpatterns = [
    path("chats/<uuid:chat_id>/messages/<uuid:message_id>/translation", api.MessageTranslationView.as_view(),
         name="api-message-translation"),
]
