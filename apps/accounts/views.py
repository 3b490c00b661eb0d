from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.accounts import selectors, services
from apps.accounts.forms import AddMemberForm, OrganizationSettingsForm
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
    member_form = AddMemberForm()
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
        member_form = AddMemberForm(request.POST)
        if member_form.is_valid():
            d = member_form.cleaned_data
            try:
                services.add_member(
                    email=d["email"],
                    organization=org,
                    role=d["role"],
                    password=d["password"],
                    full_name=d["full_name"],
                    by=m,
                )
            except ValidationError as exc:
                for msg in exc.messages:
                    member_form.add_error(None, msg)
            else:
                messages.success(request, _("Member added."))
                return redirect("organization_settings")
    return render(
        request,
        "accounts/organization.html",
        {
            "org": org,
            "members": selectors.members_of(m),
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
