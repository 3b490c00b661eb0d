"""The error summary shown at the top of a form that failed (templates/form_error_summary.html)."""

from dataclasses import dataclass

from django import template

register = template.Library()


@dataclass
class SummaryLine:
    anchor: str  # the id of the input the message is about; "" for the form as a whole
    label: str
    message: str


def field_anchor(bound_field) -> str:
    """The id a link to the field must point at: the input itself, or the first option of a
    radio or checkbox group (whose own id names no element)."""
    if bound_field.is_hidden or not bound_field.auto_id:
        return ""
    if getattr(bound_field.field.widget, "allow_multiple_selected", False) or (
        getattr(bound_field.field.widget, "input_type", "") == "radio"
    ):
        options = bound_field.subwidgets
        return options[0].id_for_label if options else ""
    return bound_field.id_for_label or bound_field.auto_id


@register.simple_tag
def error_summary(form) -> list[SummaryLine]:
    """One line per message: the form's own errors first, then the fields' in their order."""
    if form is None or not form.errors:
        return []
    lines = [SummaryLine("", "", str(m)) for m in form.non_field_errors()]
    for name in form.fields:
        bound = form[name]
        for message in bound.errors:
            anchor = field_anchor(bound)
            # A hidden field's message (an edit conflict) concerns the form, not an input.
            label = str(bound.label) if anchor else ""
            lines.append(SummaryLine(anchor, label, str(message)))
    return lines
