from __future__ import annotations

from django.urls import path

from friends import api

urlpatterns = [
    path("friends", api.FriendListView.as_view(), name="api-friends"),
    path("friends/<uuid:user_id>", api.FriendDetailView.as_view(), name="api-friend"),
    path("friend-requests", api.FriendRequestListView.as_view(), name="api-friend-requests"),
    path("friend-requests/<uuid:request_id>/accept", api.FriendRequestAcceptView.as_view(),
         name="api-friend-request-accept"),
    path("friend-requests/<uuid:request_id>/reject", api.FriendRequestRejectView.as_view(),
         name="api-friend-request-reject"),
    path("friend-requests/<uuid:request_id>/withdraw", api.FriendRequestWithdrawView.as_view(),
         name="api-friend-request-withdraw"),
    path("blocks", api.BlockListView.as_view(), name="api-blocks"),
    path("blocks/<uuid:user_id>", api.BlockDetailView.as_view(), name="api-block"),
]
