"""The site's message search: the results page, and where each result opens its conversation."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import UUID

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_GET

from chaat import ratelimit
from chaat.errors import ChaatError, NotFound
from messaging import search, selectors
from messaging.models import Message
from messaging.selectors import ChatEntry
from messaging.serializers import MessageSearchIn

# A result opens its chat with this many messages on either side of it.
AROUND = 24


@dataclass
class Result:
    message: Message
    entry: ChatEntry
    highlight: SafeString
    url: str


def result_url(message: Message, entry: ChatEntry) -> str:
    """The conversation scrolled to the message: the latest page when the message is on it,
    else the page of history around it."""
    url = reverse("chat", kwargs={"chat_id": message.chat_id})
    if entry.chat.last_seq - message.seq > AROUND:
        url += f"?before={message.seq + AROUND + 1}"
    return f"{url}#m-{message.seq}"


def _scope(request: HttpRequest) -> ChatEntry | None:
    """The chat searched in ("search in this chat"), or None for all; 404 if it is not yours."""
    raw = request.GET.get("chat")
    if not raw:
        return None
    try:
        return selectors.get_chat(user=request.user, chat_id=UUID(raw))
    except (ValueError, NotFound) as exc:
        raise Http404 from exc


def _first_error(errors: dict[str, Any]) -> str:
    return next(str(message) for messages in errors.values() for message in messages)


@login_required
@require_GET
def message_search(request: HttpRequest) -> HttpResponse:
    scope = _scope(request)
    q = request.GET.get("q", "")
    context: dict[str, Any] = {"q": q, "scope": scope, "results": [], "next_url": "", "searched": False,
                               "nav": "chats"}
    if not q.strip() and "cursor" not in request.GET:
        return render(request, "messaging/search.html", context)  # the empty form
    data = MessageSearchIn(data={"q": q, "cursor": request.GET.get("cursor", "")})
    try:
        ratelimit.limit_search(user_id=request.user.id)
        if not data.is_valid():
            context["error"] = _first_error(data.errors)
            return render(request, "messaging/search.html", context, status=400)
        after = search.decode_cursor(data.validated_data.get("cursor"))
        hits, more = search.search_messages(user=request.user, q=data.validated_data["q"],
                                            chat_id=scope.chat.id if scope else None, after=after)
    except ChaatError as exc:
        context["error"] = str(exc.detail)
        return render(request, "messaging/search.html", context, status=exc.status)
    entries = selectors.chats_by_id(user=request.user, chat_ids=list({hit.message.chat_id for hit in hits}))
    context["results"] = [
        # The highlight is the text escaped by the database, with only <mark> added (search.py).
        Result(hit.message, entries[hit.message.chat_id], mark_safe(hit.highlight),  # noqa: S308
               result_url(hit.message, entries[hit.message.chat_id]))
        for hit in hits if hit.message.chat_id in entries
    ]
    context["searched"] = True
    if more:
        query = request.GET.copy()
        query["cursor"] = search.encode_cursor(more)
        context["next_url"] = f"{request.path}?{query.urlencode()}"
    return render(request, "messaging/search.html", context)
