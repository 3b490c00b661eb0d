from django import forms
from django.utils.translation import gettext_lazy as _

from apps.accounts.roles import Role


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


class AddMemberForm(forms.Form):
    email = forms.EmailField(label=_("E-mail"))
    full_name = forms.CharField(label=_("Full name"), max_length=200, required=False)
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    password = forms.CharField(
        label=_("First password (for a new user)"),
        required=False,
        widget=forms.PasswordInput(render_value=True),
        help_text=_("Give it to the person in private; they can change it after signing in."),
    )
