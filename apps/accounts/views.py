from urllib.parse import urlencode

from django.conf import settings as django_settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.accounts import selectors, services
from apps.accounts.forms import InviteMemberForm, JoinWithPasswordForm, OrganizationSettingsForm
from apps.accounts.roles import Permission


def _admin(request):
    m = request.membership
    if m is None or not m.can(Permission.MANAGE_ORGANIZATION):
        raise PermissionDenied
    return m


@login_required
def organization_settings(request):
    """The organisation admin's page: members, roles and the two-factor requirement."""
    m = _admin(request)
    org = m.organization
    settings_form = OrganizationSettingsForm(
        initial={"require_mfa": org.require_mfa, "shares_aggregates": org.shares_aggregates}
    )
    member_form = InviteMemberForm()
    if request.method == "POST" and request.POST.get("form") == "settings":
        settings_form = OrganizationSettingsForm(request.POST)
        if settings_form.is_valid():
            services.set_mfa_requirement(
                membership=m, required=settings_form.cleaned_data["require_mfa"], request=request
            )
            services.set_aggregate_sharing(
                membership=m,
                shares=settings_form.cleaned_data["shares_aggregates"],
                request=request,
            )
            messages.success(request, _("Settings saved."))
            return redirect("organization_settings")
    elif request.method == "POST" and request.POST.get("form") == "member":
        member_form = InviteMemberForm(request.POST)
        if member_form.is_valid():
            d = member_form.cleaned_data
            try:
                services.invite_member(
                    membership=m,
                    email=d["email"],
                    role=d["role"],
                    full_name=d["full_name"],
                    request=request,
                )
            except ValidationError as exc:
                for msg in exc.messages:
                    member_form.add_error(None, msg)
            else:
                # The same answer whether or not the address has an account.
                messages.success(
                    request,
                    _("An invitation was sent to %(email)s. It is valid for %(days)s days.")
                    % {"email": d["email"], "days": django_settings.KOLDOO_INVITATION_DAYS},
                )
                return redirect("organization_settings")
    return render(
        request,
        "accounts/organization.html",
        {
            "org": org,
            "members": selectors.members_of(m),
            "invitations": selectors.pending_invitations_of(m),
            "settings_form": settings_form,
            "member_form": member_form,
        },
    )


@login_required
@require_POST
def membership_deactivate(request, membership_id):
    m = _admin(request)
    target = get_object_or_404(selectors.members_of(m), pk=membership_id)
    try:
        services.deactivate_membership(membership=m, target=target, request=request)
        messages.success(request, _("Membership ended."))
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    return redirect("organization_settings")


@login_required
@require_POST
def invitation_revoke(request, invitation_id):
    """The admin cancels a pending invitation of their organisation."""
    m = _admin(request)
    invitation = get_object_or_404(selectors.pending_invitations_of(m), pk=invitation_id)
    services.revoke_invitation(membership=m, invitation=invitation, request=request)
    messages.success(request, _("Invitation revoked."))
    return redirect("organization_settings")


def invitation_accept(request, token):
    """Where an invitation link leads. Signed in as the account whose verified address
    was invited: accept. Not signed in: a new address sets its password here; an
    existing account signs in first. Any other account is turned away."""
    invitation = selectors.invitation_for_link(token)
    if invitation is None:
        return render(request, "accounts/invitation_invalid.html", status=410)
    context = {"invitation": invitation}
    if request.user.is_authenticated:
        if not services.has_verified_address(request.user, invitation.email):
            return render(request, "accounts/invitation_other_account.html", context, status=403)
        if request.method == "POST":
            try:
                membership = services.accept_invitation(
                    user=request.user, invitation=invitation, request=request
                )
            except (ValidationError, PermissionDenied):
                return render(request, "accounts/invitation_invalid.html", status=410)
            messages.success(
                request,
                _("You are now a member of %(org)s.") % {"org": membership.organization.name},
            )
            return redirect("dashboard")
        return render(request, "accounts/invitation_accept.html", context)
    if services.address_has_account(invitation.email):
        # The link went to this address's mailbox: telling its owner to sign in leaks nothing.
        login_url = reverse("account_login")
        return redirect(f"{login_url}?{urlencode({'next': request.path})}")
    form = JoinWithPasswordForm(request.POST or None, initial={"full_name": invitation.full_name})
    if request.method == "POST" and form.is_valid():
        try:
            services.create_account_from_invitation(
                invitation=invitation,
                password=form.cleaned_data["password1"],
                full_name=form.cleaned_data["full_name"],
                request=request,
            )
        except ValidationError as exc:
            for msg in exc.messages:
                form.add_error("password1", msg)
        else:
            messages.success(request, _("Your account is ready. Sign in with your new password."))
            return redirect("account_login")
    context["form"] = form
    return render(request, "accounts/invitation_join.html", context)


@login_required
def choose_membership(request):
    """Asked after sign-in when the user belongs to several organisations and has not
    chosen one yet (or their choice ended)."""
    next_url = request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(
        next_url, {request.get_host()}, require_https=request.is_secure()
    ):
        next_url = ""
    return render(
        request,
        "accounts/choose_membership.html",
        {"memberships": request.memberships, "next": next_url},
    )
