from django import template

register = template.Library()


@register.filter
def label(code, labels: dict):
    """The translated label of a reference code; the code itself if unknown."""
    if code in (None, ""):
        return "—"
    return labels.get(code, code)


@register.filter
def labels_of(codes, labels: dict):
    if not codes:
        return "—"
    return ", ".join(labels.get(c, c) for c in codes)


@register.filter
def partial_date(value):
    """A full or partial date stored as ISO text ("1994-05") in the reader's convention."""
    from apps.core.dates import local_partial_date

    return local_partial_date(value)
