from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render


def home(request: HttpRequest) -> HttpResponse:
    """Signed-in people land in their chats; everyone else sees what Chaat is."""
    if request.user.is_authenticated:
        return redirect("inbox")
    return render(request, "home.html")
