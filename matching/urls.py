from __future__ import annotations

from django.urls import path

from matching import views

urlpatterns = [
    path("meet", views.meet, name="meet"),
    path("meet/queue", views.join, name="meet-join"),
    path("meet/queue/leave", views.leave, name="meet-leave"),
    path("meet/<uuid:match_id>/end", views.end, name="meet-end"),
    path("meet/<uuid:match_id>/report", views.report, name="meet-report"),
]
