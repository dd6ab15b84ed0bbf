"""Notice pages: the list (read/unread, each linking to its object) and the mail preference."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from suishin.tenants.access import require_actor

from . import services
from .access import access_notice, notices_of
from .forms import MailPreferenceForm
from .selectors import mail_preference_of

PAGE_SIZE = 20


def _back_to_list(request):
    """Return to the list page the form was on (a path of this site only)."""
    target = request.POST.get("next", "")
    if target.startswith("/") and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect("notices:notice_list")


@login_required
@require_safe
def notice_list(request):
    """List the user's own notices in the organization they act in, newest first."""
    actor = require_actor(request)
    show = "unread" if request.GET.get("show") == "unread" else "all"
    notices = notices_of(actor)
    if show == "unread":
        notices = notices.filter(read_at__isnull=True)
    page = Paginator(notices, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "notices/notice_list.html",
        {"page": page, "show": show, "query": "show=unread" if show == "unread" else ""},
    )


@login_required
@require_POST
def notice_mark_read(request):
    """Mark one of the user's notices read, then go back to the list."""
    actor = require_actor(request)
    if not request.POST.get("notice"):
        return HttpResponseBadRequest(_("お知らせを選んでください。"))
    notice = access_notice(actor, request.POST["notice"])
    services.notice_mark_read(actor=actor, notice=notice)
    return _back_to_list(request)


@login_required
@require_POST
def notice_mark_all_read(request):
    """Mark every unread notice of the user read."""
    actor = require_actor(request)
    count = services.notices_mark_all_read(actor=actor, organization=actor.organization)
    messages.success(request, _("%(count)s 件のお知らせを既読にしました。") % {"count": count})
    return _back_to_list(request)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def mail_preferences(request):
    """Let the user choose which kinds of notice also come by e-mail."""
    actor = require_actor(request)
    preference = mail_preference_of(actor)
    form = MailPreferenceForm(request.POST if request.method == "POST" else None, preference=preference)
    if request.method == "POST" and form.is_valid():
        services.mail_preference_update(actor=actor, preference=preference, kinds=set(form.cleaned_data["kinds"]))
        messages.success(request, _("メール通知の設定を保存しました。"))
        return redirect("notices:mail_preferences")
    return render(request, "notices/mail_preferences.html", {"form": form, "email": request.user.email})
