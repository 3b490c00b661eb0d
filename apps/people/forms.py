from django import forms
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from apps.core.dates import local_partial_date
from apps.core.selectors import reference_choices
from apps.people.models import Sex
from apps.people.validation import parse_partial_date, split_list


class PersonForm(forms.Form):
    external_id = forms.CharField(
        label=_("Register number"),
        max_length=64,
        required=False,
        help_text=_("Your organisation's own number for this person, if it has one."),
    )
    family_name = forms.CharField(label=_("Family name"), max_length=100, required=False)
    given_name = forms.CharField(label=_("Given name"), max_length=100)
    patronymic = forms.CharField(
        label=_("Patronymic"),
        max_length=100,
        required=False,
        help_text=_("Russian style (-ovich/-ovna) or Kyrgyz style (uulu/kyzy)."),
    )
    other_names = forms.CharField(
        label=_("Other names and aliases"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One per line: other spellings, maiden name, nicknames."),
    )
    sex = forms.ChoiceField(label=_("Sex"), choices=Sex.choices, initial=Sex.UNKNOWN)
    birth_date = forms.CharField(
        label=_("Date of birth"),
        required=False,
        max_length=10,
        help_text=_("Full or partial: 17.05.1994, 05.1994 or 1994 (or 1994-05-17)."),
    )
    citizenship = forms.ChoiceField(label=_("Citizenship"), required=False)
    region = forms.ChoiceField(label=_("Region of origin"), required=False)
    district = forms.CharField(label=_("District of origin"), max_length=100, required=False)
    phones = forms.CharField(
        label=_("Phones"), required=False, max_length=300, help_text=_("Separate with commas.")
    )
    document_numbers = forms.CharField(
        label=_("Document numbers"),
        required=False,
        max_length=300,
        help_text=_("Passport, ID card; separate with commas."),
    )
    address = forms.CharField(
        label=_("Address"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    languages = forms.MultipleChoiceField(
        label=_("Languages"), required=False, widget=forms.CheckboxSelectMultiple
    )
    disabilities = forms.CharField(label=_("Disabilities"), required=False, max_length=500)
    hide_name = forms.BooleanField(
        label=_("Hide the name on screens (show the code instead)"), required=False
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["citizenship"].choices = [("", "—")] + reference_choices("country")
        self.fields["region"].choices = [("", "—")] + reference_choices("region")
        self.fields["languages"].choices = reference_choices("language")

    def clean_birth_date(self):
        value, year = parse_partial_date(self.cleaned_data["birth_date"])
        self.birth_year = year
        return value

    def clean_other_names(self):
        return [n.strip() for n in self.cleaned_data["other_names"].splitlines() if n.strip()]

    def clean_phones(self):
        return split_list(self.cleaned_data["phones"])

    def clean_document_numbers(self):
        return split_list(self.cleaned_data["document_numbers"])

    def person_data(self) -> dict:
        data = {k: v for k, v in self.cleaned_data.items() if k != "version"}
        data["birth_year"] = getattr(self, "birth_year", None)
        return data

    @staticmethod
    def initial_from(person) -> dict:
        return {
            "external_id": person.external_id,
            "family_name": person.family_name,
            "given_name": person.given_name,
            "patronymic": person.patronymic,
            "other_names": "\n".join(person.other_names or []),
            "sex": person.sex,
            # Shown back as the reader writes it; parse_partial_date reads either way.
            "birth_date": local_partial_date(person.birth_date),
            "citizenship": person.citizenship,
            "region": person.region,
            "district": person.district,
            "phones": ", ".join(person.phones or []),
            "document_numbers": ", ".join(person.document_numbers or []),
            "address": person.address,
            "languages": person.languages,
            "disabilities": person.disabilities,
            "hide_name": person.hide_name,
            "version": person.version,
        }


class PersonSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Name, phone or document number"),
        required=False,
        max_length=200,
        widget=forms.TextInput(
            attrs={
                "type": "search",
                "placeholder": _("Name, phone or document number"),
                "autofocus": True,
                "autocomplete": "off",
                # Live results while typing (htmx); the form still works without JavaScript.
                "hx-get": reverse_lazy("person_list"),
                "hx-trigger": "input changed delay:400ms, search",
                "hx-target": "#results",
                "hx-push-url": "true",
            }
        ),
    )
