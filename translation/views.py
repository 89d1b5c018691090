"""The site's language menu of a chat and its "Translate" page (for browsers without JavaScript;
with it, static/js/translation.js asks the API and shows the translation in place)."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from chaat.errors import ChaatError, NotFound
from chaat.site import flash_error
from messaging import selectors as messaging_selectors
from messaging.services.members import update_chat_settings
from translation import services


@login_required
@require_POST
def chat_language(request: HttpRequest, chat_id: UUID) -> HttpResponse:
    """The chat header's language menu: your language here and, when offered, auto-translate."""
    changes = {"language": request.POST.get("language", "")}
    if "auto_translate_shown" in request.POST:  # an unchecked box sends nothing
        changes["auto_translate"] = request.POST.get("auto_translate") == "on"
    try:
        update_chat_settings(actor=request.user, chat_id=chat_id, changes=changes)
    except NotFound as exc:
        raise Http404 from exc
    except ChaatError as exc:
        flash_error(request, exc)
    else:
        messages.success(request, _("Your language in this chat is saved."))
    return redirect("chat", chat_id=chat_id)


@login_required
@require_GET
def message_translation(request: HttpRequest, chat_id: UUID, message_id: UUID) -> HttpResponse:
    try:
        participant = messaging_selectors.access_participant(user=request.user, chat_id=chat_id)
        message = messaging_selectors.access_message(participant=participant, message_id=message_id)
    except NotFound as exc:
        raise Http404 from exc
    context = {"chat_id": chat_id, "message": message, "result": None, "error": None}
    status = 200
    try:
        context["result"] = services.translate_message(actor=request.user, chat_id=chat_id, message_id=message_id)
    except ChaatError as exc:
        context["error"], status = str(exc.detail), exc.status
    return render(request, "translation/message_translation.html", context, status=status)
