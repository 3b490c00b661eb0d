"""How the API answers a service write that is refused: one rule for every endpoint."""

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework.exceptions import PermissionDenied
from rest_framework.exceptions import ValidationError as ApiValidationError

from apps.core.errors import NotAllowed, StaleEdit


def api_write(call, *, messages_key: str | None = None):
    """Run `call` (a service write) and answer as the API does: a role that may not → 403;
    an edit over someone else's save → 400 on "version"; invalid input → 400 with the
    service's messages (under `messages_key` when they name no field)."""
    try:
        return call()
    except NotAllowed:
        raise PermissionDenied() from None
    except StaleEdit as exc:
        raise ApiValidationError({"version": [str(exc)]}) from None
    except DjangoValidationError as exc:
        detail = getattr(exc, "message_dict", None)
        if detail is None:
            detail = {messages_key: exc.messages} if messages_key else exc.messages
        raise ApiValidationError(detail) from None
