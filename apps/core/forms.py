from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from apps.core.audit_display import parse_reference, record_kind, reference_examples
from apps.core.models import AuditEntry
from apps.core.widgets import LocalDateInput


class AuditFilterForm(forms.Form):
    """The audit trail's filters. A record is found by the reference the product shows
    (P-000241); every filter that cannot be met says why on the form."""

    action = forms.ChoiceField(
        label=_("Action"), required=False, choices=[("", _("any"))] + AuditEntry.Action.choices
    )
    target_type = forms.ChoiceField(label=_("Record type"), required=False)
    record = forms.CharField(label=_("Record"), required=False, max_length=40)
    user = forms.CharField(label=_("User"), required=False, max_length=254)
    date_from = forms.DateField(
        label=pgettext_lazy("start date", "From"), required=False, widget=LocalDateInput()
    )
    date_to = forms.DateField(
        label=pgettext_lazy("end date", "To"), required=False, widget=LocalDateInput()
    )

    def __init__(self, *args, record_types: list[str] = (), **kwargs):
        super().__init__(*args, **kwargs)
        labelled = sorted(
            ((t, str(record_kind(t).label)) for t in record_types), key=lambda c: c[1]
        )
        self.fields["target_type"].choices = [("", _("any"))] + labelled
        self.fields["record"].help_text = _("A reference such as %(examples)s.") % {
            "examples": reference_examples()
        }

    def clean(self):
        data = super().clean()
        data["record_ref"] = None
        text = (data.get("record") or "").strip()
        if text:
            if text.isascii() and text.isdigit():
                # A bare number means a record of the chosen type.
                if not data.get("target_type"):
                    self.add_error(
                        "record",
                        _(
                            "Choose a record type for a bare number, or type the reference, e.g. %(examples)s."
                        )
                        % {"examples": reference_examples()},
                    )
                elif len(text) > 18 or int(text) < 1:
                    self.add_error(
                        "record", _("No record has the number %(number)s.") % {"number": text}
                    )
                else:
                    data["record_ref"] = (record_kind(data["target_type"]), int(text))
            else:
                try:
                    data["record_ref"] = parse_reference(text)
                except ValueError as error:
                    self.add_error("record", str(error))
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end of the period is before its start."))
        return data
