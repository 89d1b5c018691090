"""The "Meet someone new" page: the same service calls as the API, then a redirect."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from chaat.errors import ChaatError, NotFound
from chaat.site import flash_error
from matching import selectors, services
from matching.forms import FriendRequestForm, ReportForm
from matching.models import DAILY_POINTS, Match


def _run(request: HttpRequest, action: Callable[[], Any]) -> Any:
    """Run a service call for the site: someone else's match is a 404 page, other domain errors
    become a message on the page."""
    try:
        return action()
    except NotFound as exc:
        raise Http404 from exc
    except ChaatError as exc:
        flash_error(request, exc)
        return None


def _partner(match: Match, user_id: UUID):
    return match.user_b if match.user_a_id == user_id else match.user_a


@login_required
def meet(request: HttpRequest) -> HttpResponse:
    user = request.user
    services.end_due_matches(user=user)
    active = selectors.active_match(user_id=user.id)
    history, _next = selectors.list_history(user=user)
    context = {
        "nav": "meet",
        "points_left": selectors.points_left(user_id=user.id),
        "daily_points": DAILY_POINTS,
        "waiting": selectors.is_waiting(user_id=user.id),
        "active": active,
        "partner": _partner(active, user.id) if active else None,
        "history": [(match, _partner(match, user.id)) for match in history],
        "report_form": ReportForm(),
        "friend_form": FriendRequestForm(),
    }
    return render(request, "matching/meet.html", context)


@login_required
@require_POST
def join(request: HttpRequest) -> HttpResponse:
    match = _run(request, lambda: services.join_queue(actor=request.user))
    if match is not None:
        messages.success(request, _("You have been matched with %(name)s.")
                         % {"name": _partner(match, request.user.id).name})
    return redirect("meet")


@login_required
@require_POST
def leave(request: HttpRequest) -> HttpResponse:
    services.leave_queue(actor=request.user)
    return redirect("meet")


@login_required
@require_POST
def end(request: HttpRequest, match_id: UUID) -> HttpResponse:
    if _run(request, lambda: services.end_match(actor=request.user, match_id=match_id)):
        messages.success(request, _("The match has ended."))
    return redirect("meet")


@login_required
@require_POST
def report(request: HttpRequest, match_id: UUID) -> HttpResponse:
    form = ReportForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Tell us what happened to report this match."))
        return redirect("meet")
    reason = form.cleaned_data["reason"]
    if _run(request, lambda: services.report_match(actor=request.user, match_id=match_id, reason=reason)):
        messages.success(request, _("Thank you for the report. The match has ended and you will not "
                                    "be matched with this person again."))
    return redirect("meet")
