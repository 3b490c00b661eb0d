"""Errors every app's services raise and every view understands (403, stale edit)."""

from django.utils.translation import gettext as _


class NotAllowed(Exception):
    """The member's role does not allow this write (views answer 403)."""


class StaleEdit(Exception):
    """Someone else saved the record after this form was opened."""

    def __init__(self):
        super().__init__(
            _(
                "Someone else saved this record while you were editing it. "
                "Your changes were not saved; they are still in the form. "
                "Open the record again to see the other changes, then re-apply yours."
            )
        )
