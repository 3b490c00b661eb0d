"""How an action form on a page answers, in the assistance and the referral pages alike:
saved, it flashes a message and redirects; refused by the form or by the service, the
same page comes back with the bound form and its errors (400), so nothing typed is lost."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect

from apps.core.errors import NotAllowed, StaleEdit


def add_service_error(form, exc: Exception) -> None:
    """Put what a service refused on the form: on the fields it names when the form has
    them, otherwise above the form."""
    if isinstance(exc, ValidationError) and hasattr(exc, "error_dict"):
        if set(exc.error_dict) <= set(form.fields):
            form.add_error(None, exc)
            return
    for message in exc.messages if isinstance(exc, ValidationError) else [str(exc)]:
        form.add_error(None, message)


def submit(request, form, save, *, success: str, done: str, page):
    """Validate `form`, then call `save(form.cleaned_data)` (a service call).

    Saved: flash `success` and redirect to the URL `done`. A form error, a
    ValidationError or a StaleEdit: `page(form)` is returned, the caller's page rendered
    with this bound form (and status 400). A role the service refuses answers 403."""
    if form.is_valid():
        try:
            save(form.cleaned_data)
        except NotAllowed:
            raise PermissionDenied
        except (ValidationError, StaleEdit) as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, success)
            return redirect(done)
    return page(form)
