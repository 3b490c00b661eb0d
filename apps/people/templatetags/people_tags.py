"""Template helpers of the people list."""

from django import template

register = template.Library()


@register.filter
def by_spelling(people):
    """Search results grouped by the name as shown, each group where its first member
    ranked: [(name, [people])]. Namesakes written alike share one row (SEARCH.md);
    a hidden name shows the person's code, so it is never grouped with anyone."""
    groups: dict[str, list] = {}
    for person in people:
        groups.setdefault(person.display_name, []).append(person)
    return list(groups.items())
