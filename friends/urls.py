from __future__ import annotations

from django.urls import path

from friends import views

urlpatterns = [
    path("friends", views.friends, name="friends"),
    path("friends/requests", views.send_request, name="friend-request-send"),
    path("friends/requests/<uuid:request_id>/<slug:action>", views.request_action,
         name="friend-request-action"),
    path("friends/<uuid:user_id>/remove", views.remove_friend, name="friend-remove"),
    path("friends/blocks", views.block, name="block-add"),
    path("friends/blocks/<uuid:user_id>/remove", views.unblock, name="block-remove"),
]
