from django import forms
from django.utils.translation import gettext_lazy as _

from apps.accounts.services import invitable_roles


class OrganizationSettingsForm(forms.Form):
    require_mfa = forms.BooleanField(
        label=_("Members must sign in with a second factor (authenticator app)"), required=False
    )
    shares_aggregates = forms.BooleanField(
        label=_("Count this organisation in national statistics"),
        required=False,
        help_text=_(
            "The national coordinator's report then includes this organisation's numbers, "
            "never a person, with small numbers suppressed."
        ),
    )


class InviteMemberForm(forms.Form):
    """The admin's "add a member": the same form and answer whether or not the address
    already has an account."""

    email = forms.EmailField(label=_("E-mail"))
    full_name = forms.CharField(label=_("Full name"), max_length=200, required=False)
    # The national coordinator role is the system operator's to grant.
    role = forms.ChoiceField(label=_("Role"), choices=invitable_roles)


class JoinWithPasswordForm(forms.Form):
    """A new address sets its password by following its invitation link."""

    full_name = forms.CharField(label=_("Full name"), max_length=200, required=False)
    password1 = forms.CharField(
        label=_("Password"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )
    password2 = forms.CharField(
        label=_("Password (again)"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self):
        data = super().clean()
        if data.get("password1") and data.get("password1") != data.get("password2"):
            self.add_error("password2", _("The two passwords differ."))
        return data
