"""Second-factor pages: enrol an authenticator app, verify a code at login."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from .forms import TokenForm
from .mfa import (
    has_confirmed_device,
    mfa_enroll,
    mfa_verify,
    pending_totp_device,
    qr_code_data_uri,
    secret_for_manual_entry,
)


@login_required
def mfa_setup(request):
    if has_confirmed_device(request.user):
        return redirect("accounts:mfa_verify")
    device = pending_totp_device(request.user)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = mfa_enroll(actor=request.actor, request=request, device=device, token=form.cleaned_data["token"])
        if codes is not None:
            return render(request, "accounts/backup_codes.html", {"codes": codes})
        form.add_error("token", _("確認コードが正しくありません。認証アプリの時刻と表示を確認してください。"))
    return render(
        request,
        "accounts/mfa_setup.html",
        {"form": form, "qr_code": qr_code_data_uri(device), "secret": secret_for_manual_entry(device)},
    )


@login_required
def mfa_verify_view(request):
    if not has_confirmed_device(request.user):
        return redirect("accounts:mfa_setup")
    form = TokenForm(request.POST or None)
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if request.method == "POST" and form.is_valid():
        if mfa_verify(actor=request.actor, request=request, token=form.cleaned_data["token"]):
            safe = url_has_allowed_host_and_scheme(next_url, {request.get_host()}, require_https=request.is_secure())
            return redirect(next_url if safe and next_url else "home")
        form.add_error("token", _("確認コードが正しくないか、すでに使われています。"))
    return render(request, "accounts/mfa_verify.html", {"form": form, "next": next_url})
