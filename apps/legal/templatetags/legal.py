"""The case page's glance at its proceedings: that they exist and the next hearing,
for anyone who may open the case; never notes, advice or defendants."""

from django import template

from apps.legal.selectors import proceedings_on_case_page

register = template.Library()


@register.inclusion_tag("legal/_case_proceedings.html", takes_context=True)
def case_proceedings(context, case):
    request = context.get("request")
    membership = getattr(request, "membership", None)
    return {"proceedings": proceedings_on_case_page(membership, case), "case": case,
            "perms_here": context.get("perms_here", ())}  # fmt: skip
