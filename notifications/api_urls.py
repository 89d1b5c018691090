from __future__ import annotations

from django.urls import path

from notifications import api

urlpatterns = [
    path("push/key", api.PushKeyView.as_view(), name="api-push-key"),
    path("push/subscriptions", api.PushSubscriptionListView.as_view(), name="api-push-subscriptions"),
    path("push/subscriptions/<uuid:subscription_id>", api.PushSubscriptionDetailView.as_view(),
         name="api-push-subscription"),
]
