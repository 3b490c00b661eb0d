from django import forms
from django.utils.translation import gettext_lazy as _

from apps.core.models import AuditEntry


class AuditFilterForm(forms.Form):
    action = forms.ChoiceField(
        label=_("Action"), required=False, choices=[("", _("any"))] + AuditEntry.Action.choices
    )
    target_type = forms.ChoiceField(
        label=_("Record type"),
        required=False,
        choices=[
            ("", _("any")),
            ("person", _("person")),
            ("case", _("case")),
            ("casenote", _("case note")),
            ("task", _("task")),
            ("attachment", _("attachment")),
            ("consent", _("consent")),
        ],
    )
    target_id = forms.CharField(label=_("Record number"), required=False, max_length=40)
    user = forms.CharField(label=_("User"), required=False, max_length=254)
    date_from = forms.DateField(
        label=_("From"),
        required=False,
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
    )
    date_to = forms.DateField(
        label=_("To"),
        required=False,
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
    )
