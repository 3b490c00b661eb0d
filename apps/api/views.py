"""Pages where members manage their API tokens and admins oversee their organisation's."""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.accounts.access import member_with
from apps.accounts.roles import Permission
from apps.accounts.second_factor import has_second_factor, session_needs_second_factor
from apps.api import selectors, services
from apps.api.forms import NewApiTokenForm


@login_required
def api_tokens(request):
    """The member's own tokens, and a new one for the membership they act in.

    A token outlives the session, so it is made only from a session that proved the
    second factor whenever the user has one or the organisation requires one.
    """
    m = request.membership
    needs_second_factor = m is not None and session_needs_second_factor(request, [m])
    form = NewApiTokenForm()
    if request.method == "POST" and m is not None and not needs_second_factor:
        form = NewApiTokenForm(request.POST)
        if form.is_valid():
            try:
                created = services.create_api_token(
                    membership=m,
                    name=form.cleaned_data["name"],
                    days=form.cleaned_data["days"],
                    created_by=request.user,
                    request=request,
                )
            except ValidationError as exc:
                for msg in exc.messages:
                    form.add_error(None, msg)
            else:
                # Rendered, not redirected: the secret is shown this once and kept nowhere.
                return render(request, "api/token_created.html", {"created": created})
    return render(
        request,
        "api/tokens.html",
        {
            "tokens": selectors.tokens_of(request.user),
            "form": form,
            "needs_second_factor": needs_second_factor,
            "second_factor_url": _second_factor_url(request),
        },
    )


@login_required
def organization_api_tokens(request):
    """Every token of the organisation's members, for the organisation admin."""
    m = member_with(request, Permission.MANAGE_ORGANIZATION)
    return render(
        request,
        "api/organization_tokens.html",
        {"org": m.organization, "tokens": selectors.tokens_in_organization(m)},
    )


@login_required
@require_POST
def api_token_revoke(request, token_id):
    """Revoke one's own token, or (organisation admin) a member's."""
    token = get_object_or_404(
        selectors.tokens_revocable_by(request.user, request.membership), pk=token_id
    )
    if services.revoke_api_token(token=token, by=request.user, request=request):
        messages.success(request, _("Token revoked: it no longer works."))
    if request.POST.get("back") == "organisation":
        return redirect("organization_api_tokens")
    return redirect("api_tokens")


def _second_factor_url(request) -> str:
    if has_second_factor(request.user):
        return f"{reverse('mfa_reauthenticate')}?{urlencode({'next': reverse('api_tokens')})}"
    return reverse("mfa_activate_totp")
