from __future__ import annotations

from django.urls import path

from matching import views

urlpatterns = [
    path("meet", views.meet, name="meet"),
]
