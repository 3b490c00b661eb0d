"""Serializer fields shared by the API's endpoints."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from apps.accounts.colleagues import NOT_A_COLLEAGUE, colleagues_of


class ColleagueField(serializers.PrimaryKeyRelatedField):
    """A user id among the caller's colleagues (see apps.accounts.colleagues).

    Any other id, whether of a user of another organisation, of no user at all or
    not a number, gets the same answer: the API does not tell which accounts exist.
    """

    default_error_messages = {
        "required": serializers.PrimaryKeyRelatedField.default_error_messages["required"],
        "does_not_exist": NOT_A_COLLEAGUE,
        "incorrect_type": NOT_A_COLLEAGUE,
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("queryset", colleagues_of(None))
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        try:
            return super().to_internal_value(data)
        except OverflowError:  # an id beyond 64 bits
            self.fail("does_not_exist", pk_value=data)

    def get_queryset(self):
        request = self.context.get("request")
        return colleagues_of(getattr(request, "membership", None))


def choice_field(choices, **kwargs):
    """A choice field documented with its values inline (under allOf, which the enum
    naming hook leaves alone), so that it cannot collide with another app's choice set
    of the same field name in the schema."""
    values = [value for value, _label in choices]
    if kwargs.get("allow_blank"):
        values.append("")

    @extend_schema_field({"type": "string", "allOf": [{"enum": values}]})
    class InlineChoiceField(serializers.ChoiceField):
        pass

    return InlineChoiceField(choices=choices, **kwargs)
