"""The Friends page: friends, requests, people search and blocks. Every action is a plain form
that calls the same service as the API, then redirects back (POST-redirect-GET). Destructive
actions show a confirmation step first unless the form says it was confirmed (site.js asks)."""

from __future__ import annotations

from urllib.parse import urlencode
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import User
from accounts.selectors import access_user, search_users
from chaat.errors import ChaatError, NotFound
from chaat.site import flash_error
from friends import selectors, services
from friends.forms import SendRequestForm, UserForm
from friends.models import FriendRequest


def _start_chat_url() -> str:
    # The direct-chat view belongs to messaging; until it is merged, post to its agreed path.
    try:
        return reverse("chat-start-direct")
    except NoReverseMatch:
        return "/chats/direct"


def _back(request: HttpRequest) -> HttpResponse:
    """Back to the Friends page, keeping the search the action was made from."""
    query = (request.POST.get("q") or "").strip()
    url = reverse("friends")
    return redirect(f"{url}?{urlencode({'q': query})}" if query else url)


def _name_for(viewer: User, user_id: UUID) -> str:
    """The name a page may show the viewer: none of someone blocked either way (a user search
    would not find them either)."""
    try:
        return access_user(viewer=viewer, user_id=user_id).name
    except NotFound:
        return _("this person")


def _confirmation(request: HttpRequest, *, question: str, button: str) -> HttpResponse | None:
    """The no-JavaScript confirmation step: a page repeating the form with `confirmed` set."""
    if request.POST.get("confirmed") == "1":
        return None
    fields = [(name, value) for name, value in request.POST.items()
              if name not in ("csrfmiddlewaretoken", "confirmed")]
    context = {"nav": "friends", "question": question, "button": button, "fields": fields,
               "action": request.path}
    return render(request, "friends/confirm.html", context)


@login_required
def friends(request: HttpRequest) -> HttpResponse:
    user = request.user
    pending = FriendRequest.Status.PENDING
    incoming = list(selectors.list_friend_requests(user=user, direction="incoming", status=pending))
    outgoing = list(selectors.list_friend_requests(user=user, direction="outgoing", status=pending))
    friend_list = list(selectors.list_friends(user))
    query = (request.GET.get("q") or "").strip()[:64]
    results = []
    if query:
        friend_ids = {f.pk for f in friend_list}
        asked = {r.to_user_id for r in outgoing}
        asking = {r.from_user_id for r in incoming}
        for person in search_users(viewer=user, text=query):
            state = ("friend" if person.pk in friend_ids else "asked" if person.pk in asked
                     else "asking" if person.pk in asking else "none")
            results.append({"person": person, "state": state})
    context = {
        "nav": "friends",
        "friends": friend_list,
        "incoming": incoming,
        "outgoing": outgoing,
        "blocks": list(selectors.list_blocks(user=user)),
        "query": query,
        "results": results,
        "start_chat_url": _start_chat_url(),
        "greeting_max": SendRequestForm.base_fields["greeting"].max_length,
    }
    return render(request, "friends/friends.html", context)


@login_required
@require_POST
def send_request(request: HttpRequest) -> HttpResponse:
    form = SendRequestForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(m) for msgs in form.errors.values() for m in msgs))
        return _back(request)
    try:
        sent = services.send_friend_request(actor=request.user, to_user_id=form.cleaned_data["to"],
                                            greeting=form.cleaned_data["greeting"])
    except ChaatError as exc:
        flash_error(request, exc)
    else:
        if sent.status == FriendRequest.Status.ACCEPTED:
            messages.success(request, _("You and %(name)s are now friends.") % {"name": sent.to_user.name})
        else:
            messages.success(request, _("Friend request sent to %(name)s.") % {"name": sent.to_user.name})
    return _back(request)


@login_required
@require_POST
def request_action(request: HttpRequest, request_id: UUID, action: str) -> HttpResponse:
    """Accept, reject (after confirming) or withdraw a request."""
    service = {"accept": services.accept_friend_request, "reject": services.reject_friend_request,
               "withdraw": services.withdraw_friend_request}.get(action)
    if service is None:
        raise Http404
    if action == "reject":
        confirm = _confirmation(request, question=_("Decline this friend request?"), button=_("Decline"))
        if confirm:
            return confirm
    try:
        done = service(actor=request.user, request_id=request_id)
    except ChaatError as exc:
        flash_error(request, exc)
    else:
        text = {"accept": _("You and %(name)s are now friends."),
                "reject": _("Request from %(name)s declined."),
                "withdraw": _("Request to %(name)s withdrawn.")}[action]
        other = done.from_user if action != "withdraw" else done.to_user
        messages.success(request, text % {"name": other.name})
    return _back(request)


@login_required
@require_POST
def remove_friend(request: HttpRequest, user_id: UUID) -> HttpResponse:
    name = _name_for(request.user, user_id)
    confirm = _confirmation(request, question=_("Remove %(name)s from your friends?") % {"name": name},
                            button=_("Unfriend"))
    if confirm:
        return confirm
    try:
        services.unfriend(actor=request.user, user_id=user_id)
    except ChaatError as exc:
        flash_error(request, exc)
    else:
        messages.success(request, _("%(name)s is no longer your friend.") % {"name": name})
    return _back(request)


@login_required
@require_POST
def block(request: HttpRequest) -> HttpResponse:
    form = UserForm(request.POST)
    if not form.is_valid():
        raise Http404
    name = _name_for(request.user, form.cleaned_data["user"])
    confirm = _confirmation(
        request,
        question=_("Block %(name)s? You will no longer be friends, pending requests end, and neither "
                   "of you can contact or find the other.") % {"name": name},
        button=_("Block"),
    )
    if confirm:
        return confirm
    try:
        services.block_user(actor=request.user, user_id=form.cleaned_data["user"])
    except ChaatError as exc:
        flash_error(request, exc)
    else:
        messages.success(request, _("%(name)s is blocked.") % {"name": name})
    return _back(request)


@login_required
@require_POST
def unblock(request: HttpRequest, user_id: UUID) -> HttpResponse:
    try:
        services.unblock_user(actor=request.user, user_id=user_id)
    except ChaatError as exc:
        flash_error(request, exc)
    else:
        messages.success(request, _("Unblocked."))
    return _back(request)
