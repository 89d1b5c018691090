from __future__ import annotations

from django.urls import path

from matching import api

urlpatterns = [
    path("match", api.MatchStateView.as_view(), name="api-match"),
    path("match/queue", api.MatchQueueView.as_view(), name="api-match-queue"),
    path("match/history", api.MatchHistoryView.as_view(), name="api-match-history"),
    path("match/<uuid:match_id>/end", api.MatchEndView.as_view(), name="api-match-end"),
    path("match/<uuid:match_id>/report", api.MatchReportView.as_view(), name="api-match-report"),
]
