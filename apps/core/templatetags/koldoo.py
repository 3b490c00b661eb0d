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
