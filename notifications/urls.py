from __future__ import annotations

from django.urls import path

from notifications import views

urlpatterns = [
    path("manifest.webmanifest", views.manifest, name="manifest"),
    path("sw.js", views.service_worker, name="service-worker"),
    path("settings/notifications", views.push_settings, name="push-settings"),
    path("chats/<uuid:chat_id>/notifications", views.chat_notifications, name="chat-notifications"),
]
