from __future__ import annotations

from django.urls import path

from messaging import views

urlpatterns = [
    path("chats", views.inbox, name="inbox"),
]
