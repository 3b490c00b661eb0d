from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from apps.api.services import MAX_TOKEN_DAYS


class NewApiTokenForm(forms.Form):
    name = forms.CharField(
        label=pgettext_lazy("API token", "Name"),
        max_length=100,
        help_text=_("What the token is for, e.g. the program that uses it."),
    )
    days = forms.IntegerField(
        label=_("Valid for (days)"),
        min_value=1,
        max_value=MAX_TOKEN_DAYS,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["days"].initial = settings.KOLDOO_API_TOKEN_DAYS
